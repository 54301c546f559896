import { type ChildProcess, spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import request from 'supertest';
import { TombstoningRedisStore } from '../../src/portal/redis-session-store';
import { connectRedis, type RedisClient } from '../../src/redis';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../../src/web/rate-limits';
import { openTestDb, type TestDb } from '../helpers/databases';
import { capturingLogger } from '../helpers/logs';
import { buildPortal, newPatient, signUp } from '../helpers/portal';
import { freePort, until } from '../helpers/waiting';

const REDIS_SERVER = '/usr/bin/redis-server';

/** Our own redis-server (never the shared one): no persistence, so a restart starts empty. */
async function startRedis(port: number): Promise<ChildProcess> {
  const child = spawn(
    REDIS_SERVER,
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--save',
      '',
      '--appendonly',
      'no',
      '--enable-debug-command',
      'yes',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start')), 10_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (/Ready to accept connections/.test(chunk.toString())) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  return child;
}

async function stopRedis(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

describe('when Redis goes away (sessions and rate limits in Redis)', () => {
  let testDb: TestDb;
  let port: number;
  let server: ChildProcess;
  let redis: RedisClient;
  beforeAll(async () => {
    testDb = await openTestDb('sqlite');
    port = await freePort();
    server = await startRedis(port);
  });
  afterAll(async () => {
    redis?.destroy();
    await stopRedis(server);
    await testDb.close();
  });

  it('answers 503 for sessions and counts rate limits in memory at once, then recovers by itself', async () => {
    const { logger, lines } = capturingLogger('info');
    redis = await connectRedis(`redis://127.0.0.1:${port}`, logger);
    const app = buildPortal({
      db: testDb.db,
      logger,
      sessionStore: new TombstoningRedisStore(redis, 'outage:sess:'),
      rateLimits: new RateLimits(
        { ...DEFAULT_RATE_LIMITS, webhooksPerIpPerMinute: 3 },
        redis,
        'outage:rl',
        logger,
      ),
    });
    const patient = request.agent(app);
    expect((await signUp(patient, newPatient())).status).toBe(303);
    expect((await patient.get('/').expect(200)).text).toContain('Ada');

    // Mid-request: Redis stalls (DEBUG SLEEP) with the session read in flight, and is then killed.
    const staller = await connectRedis(`redis://127.0.0.1:${port}`, capturingLogger().logger);
    void staller.sendCommand(['DEBUG', 'SLEEP', '5']).catch(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const started = performance.now();
    const inFlight = patient.get('/');
    await new Promise((resolve) => setTimeout(resolve, 150));
    await stopRedis(server);
    staller.destroy();
    const stalled = await inFlight;
    expect(stalled.status).toBe(503);
    expect(performance.now() - started).toBeLessThan(2000);

    // Redis gone: each request fails fast with the plain 503 page, no stack, a Retry-After.
    const timings: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      const t = performance.now();
      const res = await patient.get('/');
      timings.push(performance.now() - t);
      expect(res.status).toBe(503);
      expect(res.text).toContain('briefly unavailable');
      expect(res.text).not.toMatch(/\bat .+\.(ts|js):\d+/);
      expect(res.headers['retry-after']).toBeDefined();
    }
    expect(Math.max(...timings)).toBeLessThan(1000);

    // Rate limits count per process: the webhook limit (3 a minute) still holds, without waiting.
    const webhook = () => request(app).post('/webhooks/vsee/not-the-secret').send({});
    for (let i = 0; i < 3; i += 1) expect((await webhook()).status).toBe(404);
    const t = performance.now();
    expect((await webhook()).status).toBe(429);
    expect(performance.now() - t).toBeLessThan(1000);
    expect(lines.filter((l) => l.includes('counting in this process only'))).toHaveLength(1);

    // Redis back (empty: no persistence): the client reconnects by itself and everything works again.
    server = await startRedis(port);
    await until(() => redis.isReady, 10_000);
    const again = request.agent(app);
    expect((await signUp(again, newPatient())).status).toBe(303);
    expect((await again.get('/')).status).toBe(200);
    expect((await webhook()).status).toBe(404);
    expect(lines.some((l) => l.includes('counting in Redis'))).toBe(true);
  }, 60_000);
});

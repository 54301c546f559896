import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import request from 'supertest';
import { connectRedis, type RedisClient } from '../../src/redis';
import { createLogger } from '../../src/web/logger';
import { openTestDb, type TestDb } from '../helpers/databases';
import { buildPortal } from '../helpers/portal';
import { freePort } from '../helpers/waiting';

// docs/security.md R2: /readyz follows Redis (1 s check timeout), /healthz only the process. A private
// redis-server is started and killed here, so the shared test Redis is never disturbed.

const hasRedisServer = spawnSync('redis-server', ['--version']).status === 0;
if (!hasRedisServer) {
  if (process.env.CI === 'true') throw new Error('redis-server is not installed: under CI=true R2 must run');
  process.stderr.write('\n  ⚠ redis-server not found: skipping the /readyz-with-Redis-down test\n');
}

function startRedisServer(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('redis-server did not start')), 5000);
    child.stdout!.on('data', (chunk: Buffer) => {
      if (String(chunk).includes('Ready to accept connections')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
}

(hasRedisServer ? describe : describe.skip)('readiness with Redis down (docs/security.md R2)', () => {
  let testDb: TestDb;
  let server: ChildProcess | undefined;
  let client: RedisClient | undefined;

  beforeAll(async () => {
    testDb = await openTestDb('sqlite');
  });
  afterAll(async () => {
    client?.destroy();
    if (server && server.exitCode === null) server.kill('SIGKILL');
    await testDb.close();
  });

  it('when Redis dies, /readyz turns 503 within 2 s while /healthz stays 200', async () => {
    const port = await freePort();
    server = await startRedisServer(port);
    client = await connectRedis(`redis://127.0.0.1:${port}`, createLogger('silent'));
    const redis = client;
    const app = buildPortal({
      db: testDb.db,
      readinessChecks: [{ name: 'redis', check: async () => void (await redis.ping()) }],
    });
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { redis: 'ok' } });

    const exited = new Promise((resolve) => server!.once('exit', resolve));
    server.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();

    let res = await request(app).get('/readyz');
    while (res.status !== 503 && Date.now() - killedAt < 2000) res = await request(app).get('/readyz');

    expect(res.status).toBe(503);
    expect(Date.now() - killedAt).toBeLessThan(2000);
    expect(res.body).toEqual({ status: 'unavailable', checks: { redis: 'down' } });
    expect((await request(app).get('/healthz')).status).toBe(200);
  });
});

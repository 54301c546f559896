import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import request from 'supertest';
import { capturingLogger } from '../helpers/logs';
import { openTestDb, type TestDb } from '../helpers/databases';
import { buildPortal, testConfig } from '../helpers/portal';
import { spawnServer } from '../helpers/server-process';
import { freePort } from '../helpers/waiting';

const STRONG_SECRET = randomBytes(32).toString('hex');
const REAL_VSEE = {
  VSEE_API_URL: 'https://api-acme.vsee.me/api_v3',
  VSEE_CLINIC_URL: 'https://acme.vsee.me/',
  VSEE_ACCOUNT_CODE: 'acme',
  VSEE_API_KEY: 'key',
  VSEE_API_SECRET: 'secret',
  VSEE_ROOM_CODE: 'room',
};

function listening(port = 0): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(port, '127.0.0.1', () => resolve(server));
    server.on('error', reject);
  });
}

describe('no silent traps at boot', () => {
  // The other port is 0 (any free port), so only the taken one can be in the way.
  it.each([
    ['PORT', 'SANDBOX_PORT'],
    ['SANDBOX_PORT', 'PORT'],
  ])(
    'a %s already in use exits 1 naming it, and never says "listening"',
    async (key, otherKey) => {
      const taken = await listening();
      const port = (taken.address() as { port: number }).port;
      try {
        const run = spawnServer({ [key]: String(port), [otherKey]: '0' });
        expect(await run.exited).toBe(1);
        expect(run.output().stderr).toContain(`${key}: port ${port} is already in use`);
        expect(run.output().stdout).not.toContain('listening');
      } finally {
        taken.close();
      }
    },
    60_000,
  );

  it.each([
    [{ SESSION_SECRET: STRONG_SECRET, ...REAL_VSEE }, 'PUBLIC_URL: required in production'],
    [
      { SESSION_SECRET: STRONG_SECRET, PUBLIC_URL: 'http://portal.example.org', ...REAL_VSEE },
      'PUBLIC_URL: must be an https',
    ],
    [
      { SESSION_SECRET: 'ab'.repeat(20), PUBLIC_URL: 'https://portal.example.org', ...REAL_VSEE },
      'SESSION_SECRET',
    ],
    [
      { SESSION_SECRET: 'a'.repeat(64), PUBLIC_URL: 'https://portal.example.org', ...REAL_VSEE },
      'SESSION_SECRET',
    ],
    [
      {
        SESSION_SECRET: 'change-me-to-a-long-random-string-0123',
        PUBLIC_URL: 'https://portal.example.org',
        ...REAL_VSEE,
      },
      'SESSION_SECRET',
    ],
  ])(
    'in production, %j exits 1 naming %s',
    async (env, message) => {
      const run = spawnServer({ NODE_ENV: 'production', ...env });
      expect(await run.exited).toBe(1);
      expect(run.output().stderr).toContain(message);
    },
    60_000,
  );

  it('METRICS_PORT opens a second listener with /metrics; the public port does not serve it', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const run = spawnServer({
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      SANDBOX_PORT: '0',
      SESSION_SECRET: STRONG_SECRET,
    });
    try {
      await run.ready;
      await request(`http://127.0.0.1:${port}`).get('/login').expect(200);
      const scraped = await request(`http://127.0.0.1:${metricsPort}`).get('/metrics').expect(200);
      expect(scraped.text).toContain(
        'http_request_duration_seconds_count{method="GET",route="/login",status="200"} 1',
      );
      expect(scraped.text).toContain('process_resident_memory_bytes');
      expect((await request(`http://127.0.0.1:${port}`).get('/metrics')).status).toBe(404);
      expect((await request(`http://127.0.0.1:${metricsPort}`).get('/login')).status).toBe(404);
    } finally {
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    }
  }, 90_000);
});

describe('behind a TLS proxy with TRUST_PROXY=0 in production', () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb('sqlite');
  });
  afterAll(() => testDb.close());

  const productionConfig = (trustProxy: string) =>
    testConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: STRONG_SECRET,
      PUBLIC_URL: 'https://portal.example.org',
      TRUST_PROXY: trustProxy,
      // Nothing listens there: no email is sent; production only insists the setting exists.
      SMTP_URL: 'smtp://127.0.0.1:9',
      ...REAL_VSEE,
    });

  it('logs one warning naming TRUST_PROXY, however many proxied requests arrive', async () => {
    const { logger, lines } = capturingLogger('info');
    const app = buildPortal({ db: testDb.db, logger, config: productionConfig('0') });
    for (let i = 0; i < 3; i += 1) await request(app).get('/login').set('X-Forwarded-Proto', 'https');
    const warnings = lines.filter((l) => l.includes('TRUST_PROXY'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ level: 'warn' });
  });

  it('says nothing when TRUST_PROXY is set', async () => {
    const { logger, lines } = capturingLogger('info');
    const app = buildPortal({ db: testDb.db, logger, config: productionConfig('1') });
    await request(app).get('/login').set('X-Forwarded-Proto', 'https');
    expect(lines.filter((l) => l.includes('TRUST_PROXY'))).toHaveLength(0);
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { capturingLogger } from '../helpers/logs';
import { openTestDb, type TestDb } from '../helpers/databases';
import { buildPortal, testConfig } from '../helpers/portal';

const ROOT = join(__dirname, '../..');
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

async function freePort(): Promise<number> {
  const server = await listening();
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** The real entry point (through tsx); resolves when it exits or prints "listening". */
function boot(env: Record<string, string>) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'boot-')), 'portal.db')}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setInterval(() => {
      if (/listening on/.test(stdout)) {
        clearInterval(timer);
        resolve();
      }
    }, 50);
    void exited.then(() => {
      clearInterval(timer);
      reject(new Error(`exited before listening: ${stderr}`));
    });
  });
  // Tests that expect an early exit never await `ready`: its rejection must not crash the run.
  ready.catch(() => undefined);
  return { child, exited, ready, output: () => ({ stdout, stderr }) };
}

describe('no silent traps at boot', () => {
  it('a port already in use exits 1 naming PORT, and never says "listening"', async () => {
    const taken = await listening();
    const port = (taken.address() as { port: number }).port;
    try {
      const run = boot({ PORT: String(port), SANDBOX_PORT: String(await freePort()) });
      expect(await run.exited).toBe(1);
      expect(run.output().stderr).toContain(`PORT: port ${port} is already in use`);
      expect(run.output().stdout).not.toContain('listening');
    } finally {
      taken.close();
    }
  }, 60_000);

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
      const run = boot({ NODE_ENV: 'production', ...env });
      expect(await run.exited).toBe(1);
      expect(run.output().stderr).toContain(message);
    },
    60_000,
  );

  it('METRICS_PORT opens a second listener with /metrics; the public port does not serve it', async () => {
    const [port, metricsPort] = [await freePort(), await freePort()];
    const run = boot({
      PORT: String(port),
      METRICS_PORT: String(metricsPort),
      SANDBOX_PORT: String(await freePort()),
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

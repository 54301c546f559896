import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb } from '../../src/db/connection';
import { migrateToLatest } from '../../src/db/migrate';
import { loadConfig } from '../../src/config';
import { logBootChecks } from '../../src/ops/doctor/run-checks';
import { type RunningSandbox, SANDBOX_CREDENTIALS, startSandbox } from '../../src/sandbox';
import { capturingLogger } from '../helpers/logs';
import { vseeEnv } from '../helpers/portal';

const ROOT = join(__dirname, '../..');

/** `npm run doctor` from src/ (through tsx), with exactly this environment. */
function doctor(env: Record<string, string>, args: string[] = []) {
  return new Promise<{ status: number | null; stdout: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/ops/doctor-cli.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stdout += c.toString()));
    child.on('exit', (status) => resolve({ status, stdout }));
  });
}

const failing = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('FAIL'));

describe('npm run doctor against the sandbox', () => {
  let sandbox: RunningSandbox;
  let env: Record<string, string>;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    const databaseUrl = `sqlite:${join(mkdtempSync(join(tmpdir(), 'doctor-')), 'portal.db')}`;
    const db = openDb(databaseUrl);
    await migrateToLatest(db);
    await db.destroy();
    env = {
      NODE_ENV: 'production',
      PUBLIC_URL: 'https://portal.example.org',
      TRUST_PROXY: '1',
      // Nothing listens there: the doctor sends no email; production only insists the setting exists.
      SMTP_URL: 'smtp://127.0.0.1:9',
      SESSION_SECRET: randomBytes(32).toString('hex'),
      DATABASE_URL: databaseUrl,
      ...vseeEnv(sandbox.vsee),
      VSEE_ADMIN_TOKEN: SANDBOX_CREDENTIALS.adminToken,
      VSEE_WEBHOOK_SECRET: randomBytes(24).toString('hex'),
    };
  });
  afterAll(() => sandbox.close());

  it('with every setting right: all green, exit 0, one SSO for the check user and no visit created', async () => {
    const { status, stdout } = await doctor(env);
    expect(failing(stdout)).toEqual([]);
    expect(status).toBe(0);
    for (const setting of [
      'DATABASE_URL',
      'SESSION_SECRET',
      'PUBLIC_URL',
      'TRUST_PROXY',
      'VSEE_API_URL',
      'VSEE_ROOM_CODE',
      'VSEE_API_SECRET',
      'VSEE_ADMIN_TOKEN',
      'VSEE_CLINIC_URL',
      'VSEE_WEBHOOK_SECRET',
    ]) {
      expect(stdout).toMatch(new RegExp(`^ok {3}${setting}:`, 'm'));
    }
    expect(stdout).toMatch(/open slot\(s\) in the next 14 days/);
    expect(stdout).toContain('All required checks passed.');
    const called = sandbox.requestLog.entries().map((e) => e.endpoint);
    expect(called.filter((e) => e === 'users/sso')).toHaveLength(1);
    expect(called.some((e) => e === 'visits/add_walkin' || e === 'visits' || e === 'intakes')).toBe(false);
    expect([...sandbox.state.visits.values()]).toHaveLength(0);
  }, 90_000);

  it.each([
    ['a wrong API secret', { VSEE_API_SECRET: 'wrong-secret' }, 'VSEE_API_SECRET'],
    ['a wrong room', { VSEE_ROOM_CODE: 'no-such-room' }, 'VSEE_ROOM_CODE'],
    ['an unreachable API', { VSEE_API_URL: 'http://127.0.0.1:9/vc/next/api_v3/' }, 'VSEE_API_URL'],
  ])(
    'with %s: exit 1, naming the setting',
    async (_what, change, setting) => {
      const { status, stdout } = await doctor({ ...env, ...change });
      expect(status).toBe(1);
      expect(failing(stdout).some((l) => l.startsWith(`FAIL ${setting}:`))).toBe(true);
      expect(stdout).toContain(`Fix: ${setting}`);
      expect(stdout).not.toContain('wrong-secret');
    },
    90_000,
  );

  it('--no-sso skips the SSO and says so', async () => {
    const before = sandbox.requestLog.entries().filter((e) => e.endpoint === 'users/sso').length;
    const { status, stdout } = await doctor(env, ['--no-sso']);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^skip VSEE_API_SECRET: SSO check skipped \(--no-sso\)/m);
    expect(sandbox.requestLog.entries().filter((e) => e.endpoint === 'users/sso')).toHaveLength(before);
  }, 90_000);

  it('at boot, the same checks minus the SSO: one warning line per problem', async () => {
    const { logger, lines } = capturingLogger('info');
    const ssoBefore = sandbox.requestLog.entries().filter((e) => e.endpoint === 'users/sso').length;
    await logBootChecks(loadConfig({ ...env, VSEE_ROOM_CODE: 'no-such-room', TRUST_PROXY: '0' }), logger);
    const warnings = lines.map((l) => JSON.parse(l) as { level: string; msg: string });
    expect(warnings.every((w) => w.level === 'warn')).toBe(true);
    expect(warnings.map((w) => w.msg)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^startup check: FAIL VSEE_ROOM_CODE:/),
        expect.stringMatching(/^startup check: FAIL TRUST_PROXY:/),
      ]),
    );
    expect(warnings.some((w) => /VSEE_API_SECRET/.test(w.msg))).toBe(false);
    expect(sandbox.requestLog.entries().filter((e) => e.endpoint === 'users/sso')).toHaveLength(ssoBefore);
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { csrfFrom } from '../helpers/html';
import { newPatient } from '../helpers/portal';
import { freePort } from '../helpers/waiting';

const ROOT = join(__dirname, '../..');

function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(
      () => reject(new Error(`no "${pattern}" within ${timeoutMs} ms:\n${seen}`)),
      timeoutMs,
    );
    child.stdout!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (pattern.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
}

describe('graceful shutdown of the real server process (docs/security.md R1)', () => {
  let child: ChildProcess;
  afterEach(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  it('on SIGTERM with keep-alive clients: /readyz turns 503 at once, a launch in progress still gets its 302, and the process exits 0 well within the drain timeout', async () => {
    const [port, sandboxPort] = [await freePort(), await freePort()];
    const base = `http://127.0.0.1:${port}`;
    child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        PORT: String(port),
        PUBLIC_URL: base,
        SANDBOX_PORT: String(sandboxPort),
        DATABASE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), 'portal-')), 'portal.db')}`,
        SESSION_SECRET: 'shutdown-test-secret-0123456789abcdef',
        SHUTDOWN_DELAY_SECONDS: '1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    // Generous: tsx compiles the whole app on a shared, busy machine.
    await waitForLine(child, /listening on/, 45_000);
    // A browser's connections: kept open between requests (the launch's and an idle one).
    const keepAlive = new Agent({ keepAlive: true });
    await request(base).get('/healthz').agent(keepAlive).expect(200);

    const patient = request.agent(base);
    const signup = await patient.get('/signup');
    await patient
      .post('/signup')
      .type('form')
      .send({ ...newPatient(), _csrf: csrfFrom(signup.text) })
      .expect(303);
    const dashboard = await patient.get('/').expect(200);
    const launchKey = /name="launch_key" value="([^"]+)"/.exec(dashboard.text)![1]!;
    await request(`http://127.0.0.1:${sandboxPort}`)
      .post('/_sandbox/latency')
      .send({ endpoint: 'visits/add_walkin', ms: 3000 })
      .expect(200);

    const launch = patient
      .post('/visits/walkin')
      .agent(keepAlive)
      .type('form')
      .send({ _csrf: csrfFrom(dashboard.text), launch_key: launchKey });
    const launched = launch.then((res) => res);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect((await request(base).get('/readyz')).status).toBe(503);
    const res = await launched;
    expect(res.status).toBe(302);
    expect(res.headers.location).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${sandboxPort}/vc/next/auth\\?sso_token=`),
    );
    expect(res.headers.connection).toBe('close');
    expect(await exited).toBe(0);
    // Before, the launch's keep-alive connection held the server open until the 25 s drain timeout (exit 1).
    expect(Date.now() - signalledAt).toBeLessThan(15_000);
    keepAlive.destroy();
  }, 90_000);
});

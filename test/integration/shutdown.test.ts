import { type ChildProcess } from 'node:child_process';
import { Agent } from 'node:http';
import request from 'supertest';
import { csrfFrom } from '../helpers/html';
import { newPatient } from '../helpers/portal';
import { startServerOnFreePorts } from '../helpers/server-process';

describe('graceful shutdown of the real server process (docs/security.md R1)', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('on SIGTERM with keep-alive clients: /readyz turns 503 at once, a launch in progress still gets its 302, and the process exits 0 well within the drain timeout', async () => {
    const server = await startServerOnFreePorts((port, sandboxPort) => ({
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      SANDBOX_PORT: String(sandboxPort),
      SESSION_SECRET: 'shutdown-test-secret-0123456789abcdef',
      SHUTDOWN_DELAY_SECONDS: '1',
    }));
    child = server.child;
    const { exited, sandboxPort } = server;
    const base = `http://127.0.0.1:${server.port}`;
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

import { type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox';
import { csrfFrom, sessionCookie } from '../helpers/html';
import { newPatient, vseeEnv } from '../helpers/portal';
import { spawnServer, untilListening } from '../helpers/server-process';
import { freePort, until } from '../helpers/waiting';

jest.setTimeout(90_000);

describe('a portal process killed (kill -9) in the middle of a launch, restarted on the same database', () => {
  let sandbox: RunningSandbox;
  let child: ChildProcess | undefined;
  const database = `sqlite:${join(mkdtempSync(join(tmpdir(), 'portal-kill-')), 'portal.db')}`;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });
  afterAll(() => sandbox.close());

  /** The real server process (as the image runs it), pointed at the sandbox as a real VSee clinic. */
  async function startPortal(port: number): Promise<ChildProcess> {
    const base = `http://127.0.0.1:${port}`;
    const server = spawnServer({
      PORT: String(port),
      PUBLIC_URL: base,
      DATABASE_URL: database,
      SESSION_SECRET: 'process-death-test-secret-0123456789abcdef',
      ...vseeEnv(sandbox.vsee),
      // A launch left in progress by a dead process is taken over after 1 s (30 s by default).
      LAUNCH_TAKEOVER_SECONDS: '1',
    });
    await untilListening(server, 30_000);
    return server.child;
  }

  async function dashboardForm(base: string, cookie: string) {
    const page = await request(base).get('/').set('Cookie', cookie).expect(200);
    return {
      launch_key: /name="launch_key" value="([^"]+)"/.exec(page.text)![1]!,
      _csrf: csrfFrom(page.text),
    };
  }

  it('the next press lands in the visit VSee made for the dead launch: one visit, shown once under My visits', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = await startPortal(port);
    const fields = newPatient();
    const signupForm = await request(base).get('/signup').expect(200);
    const signup = await request(base)
      .post('/signup')
      .set('Cookie', sessionCookie(signupForm.headers['set-cookie'])!)
      .type('form')
      .send({ ...fields, _csrf: csrfFrom(signupForm.text) })
      .expect(303);
    const cookie = sessionCookie(signup.headers['set-cookie'])!;

    // VSee takes 1.5 s, then creates the walk-in: the process dies while it waits.
    sandbox.knobs.setLatency('visits/add_walkin', 1_500);
    const form = await dashboardForm(base, cookie);
    const press = request(base).post('/visits/walkin').set('Cookie', cookie).type('form').send(form);
    press.then(
      () => undefined,
      () => undefined,
    );
    const walkins = () => sandbox.requestLog.entries().filter((e) => e.endpoint === 'visits/add_walkin');
    await until(() => walkins().length === 1, 20_000);
    child.kill('SIGKILL');
    await until(() => sandbox.state.visits.size === 1, 10_000);
    sandbox.knobs.reset();
    const [created] = [...sandbox.state.visits.values()];

    child = await startPortal(port);
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // past the takeover time
    const again = await request(base)
      .post('/visits/walkin')
      .set('Cookie', cookie)
      .type('form')
      .send(await dashboardForm(base, cookie));

    expect(again.status).toBe(302);
    expect(new URL(again.headers.location!).searchParams.get('next')).toBe(`/visits/start/${created!.id}`);
    expect(sandbox.state.visits.size).toBe(1);
    expect(walkins()).toHaveLength(1);
    const myVisits = await request(base).get('/visits').set('Cookie', cookie).expect(200);
    expect(myVisits.text.match(/data-testid="visit-\d+"/g)).toHaveLength(1);
    expect(myVisits.text).toContain('Waiting for a provider');
  });
});

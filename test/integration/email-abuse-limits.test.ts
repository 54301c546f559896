import request from 'supertest';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../../src/web/rate-limits';
import { openTestDb, type TestDb } from '../helpers/databases';
import { buildPortal, csrfOf, logIn, newPatient, signUp, testConfig } from '../helpers/portal';

jest.setTimeout(60_000);

// No sender runs here: what would be emailed is read from the outbox table.
describe('sign-up and password abuse limits', () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb('sqlite');
  });
  afterAll(() => testDb.close());

  const portal = (limits: Partial<typeof DEFAULT_RATE_LIMITS>) =>
    buildPortal({
      db: testDb.db,
      config: testConfig({ PUBLIC_URL: 'https://portal.example.test' }),
      rateLimits: new RateLimits({ ...DEFAULT_RATE_LIMITS, ...limits }),
    });

  async function askReset(app: ReturnType<typeof portal>, email: string) {
    const agent = request.agent(app);
    const _csrf = await csrfOf(agent, '/password/forgot');
    return agent.post('/password/forgot').type('form').send({ _csrf, email });
  }

  const queuedTo = async (email: string, subject: string) =>
    (await testDb.db.selectFrom('outbox').selectAll().where('to_address', '=', email).execute()).filter((r) =>
      r.subject.includes(subject),
    );

  async function settle(check: () => Promise<unknown[]>, count: number) {
    const until = Date.now() + 5000;
    while ((await check()).length < count && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 100));
    return check();
  }

  it('limits sign-ups per IP before any password is hashed', async () => {
    const app = portal({ signupsPerIpPerHour: 2 });
    expect((await signUp(request.agent(app), newPatient())).status).toBe(303);
    expect((await signUp(request.agent(app), newPatient())).status).toBe(303);
    const third = await signUp(request.agent(app), newPatient());
    expect(third.status).toBe(429);
    expect(third.headers['retry-after']).toBeDefined();
  });

  it('limits reset requests per IP (429) and reset emails per address (same page, no email)', async () => {
    const app = portal({ resetRequestsPerIpPerHour: 3, resetEmailsPerAddressPerHour: 1 });
    const fields = newPatient();
    await signUp(request.agent(app), fields);
    expect((await askReset(app, fields.email)).status).toBe(200);
    const second = await askReset(app, fields.email);
    expect(second.status).toBe(200);
    expect(second.text).toContain('If an account uses that address');
    expect(await settle(() => queuedTo(fields.email, 'Reset your'), 1)).toHaveLength(1);
    expect((await askReset(app, 'someone.else@example.test')).status).toBe(200);
    expect((await askReset(app, 'someone.else@example.test')).status).toBe(429);
  });

  it('a reset lifts the lock-out; the lock-out page links to "Forgot your password?"', async () => {
    const app = portal({ loginFailuresPerUserIp: 2 });
    const fields = newPatient();
    await signUp(request.agent(app), fields);
    await logIn(request.agent(app), fields.email, 'wrong one');
    await logIn(request.agent(app), fields.email, 'wrong two');
    const locked = await logIn(request.agent(app), fields.email, fields.password);
    expect(locked.status).toBe(429);
    expect(locked.text).toContain('href="/password/forgot"');

    await askReset(app, fields.email);
    const [row] = await settle(() => queuedTo(fields.email, 'Reset your'), 1);
    const link = /https:\/\/portal\.example\.test(\/password\/reset\/\S+)/.exec(
      (row as { text_body: string }).text_body,
    )![1]!;
    const agent = request.agent(app);
    const _csrf = await csrfOf(agent, link);
    const password = 'fresh start at last 99';
    const done = await agent
      .post(link)
      .type('form')
      .send({ _csrf, new_password: password, confirm_password: password });
    expect(done.status).toBe(303);
    expect((await logIn(request.agent(app), fields.email, password)).status).toBe(303);
  });

  it('limits wrong current passwords on "Change password" per account', async () => {
    const app = portal({ passwordChangeFailures: 2 });
    const fields = newPatient();
    const agent = request.agent(app);
    await signUp(agent, fields);
    const change = async (current: string) => {
      const _csrf = await csrfOf(agent, '/profile');
      return agent.post('/profile/password').type('form').send({
        _csrf,
        current_password: current,
        new_password: 'another good passphrase',
        confirm_password: 'another good passphrase',
      });
    };
    expect((await change('wrong 1')).status).toBe(400);
    expect((await change('wrong 2')).status).toBe(400);
    expect((await change(fields.password)).status).toBe(429);
  });
});

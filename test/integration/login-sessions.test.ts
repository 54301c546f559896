import request from 'supertest';
import { LOGIN_FAILED } from '../../src/portal/auth-handlers';
import { textOf } from '../helpers/i18n';
import { openTestDb, testDbKinds, type TestDb } from '../helpers/databases';
import { sessionCookie } from '../helpers/html';
import { buildPortal, csrfOf, logIn, logOut, newPatient, signUp, testConfig } from '../helpers/portal';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(testDbKinds())('login, logout and sessions (%s)', (kind) => {
  let testDb: TestDb;
  let app: ReturnType<typeof buildPortal>;
  const patient = newPatient();

  beforeAll(async () => {
    testDb = await openTestDb(kind);
    app = buildPortal({ db: testDb.db });
    await signUp(request.agent(app), patient);
  });
  afterAll(() => testDb.close());

  it('when the password is right, logs in on a new session id and the pre-login id is dead', async () => {
    const agent = request.agent(app);
    const loginPage = await agent.get('/login');
    const sid0 = sessionCookie(loginPage.headers['set-cookie']);
    expect(sid0).toBeDefined();

    const res = await logIn(agent, patient.email.toUpperCase(), patient.password);

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    const sid1 = sessionCookie(res.headers['set-cookie']);
    expect(sid1).toBeDefined();
    expect(sid1).not.toBe(sid0);
    expect((await agent.get('/profile')).status).toBe(200);
    const replay = await request(app).get('/profile').set('Cookie', sid0!);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe('/login');
  });

  it('when the email is unknown or the password wrong, answers both the same way without logging in', async () => {
    const wrongPassword = await logIn(request.agent(app), patient.email, 'not the password');
    const unknownEmail = await logIn(request.agent(app), 'nobody@example.test', 'not the password');

    for (const res of [wrongPassword, unknownEmail]) {
      expect(res.status).toBe(401);
      expect(res.text).toContain(textOf(LOGIN_FAILED));
      expect(res.headers.location).toBeUndefined();
    }
    const strip = (html: string) => html.replace(/value="[^"]*"/g, '').replace(/nonce="[^"]*"/g, '');
    expect(strip(wrongPassword.text)).toBe(strip(unknownEmail.text));
    expect(Boolean(wrongPassword.headers['set-cookie'])).toBe(Boolean(unknownEmail.headers['set-cookie']));
  });

  it('when the patient logs out, the session is destroyed: a new id, and the old cookie no longer works', async () => {
    const agent = request.agent(app);
    const login = await logIn(agent, patient.email, patient.password);
    const loggedInSid = sessionCookie(login.headers['set-cookie'])!;

    const res = await logOut(agent);

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login?logged_out=1');
    expect(res.headers['clear-site-data']).toBe('"cache"');
    const replay = await request(app).get('/profile').set('Cookie', loggedInSid);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe('/login');
    const sid = loggedInSid.split('=')[1]!.split('.')[0]!.replace(/^s%3A/, '');
    if (kind === 'sqlite' || kind === 'postgres') {
      const row = await testDb.db
        .selectFrom('sessions')
        .selectAll()
        .where('sid', '=', decodeURIComponent(sid))
        .executeTakeFirst();
      // A tombstone, not the session: it refuses late writes (see DbSessionStore, docs/security.md S7).
      expect(row?.sess).toBe('"destroyed"');
    }
    const page = await agent.get('/login?logged_out=1');
    expect(page.text).toContain('You have been logged out');
  });

  it('when a logged-out visitor opens a private page, logs them in and takes them back to it', async () => {
    const agent = request.agent(app);
    const first = await agent.get('/profile');
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/login');

    const res = await logIn(agent, patient.email, patient.password);

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile');
  });

  it('GET /logout does not exist: logging out is a POST', async () => {
    expect((await request(app).get('/logout')).status).toBe(404);
  });

  it('records an audit event for each login and logout, with no personal data', async () => {
    const agent = request.agent(app);
    await logIn(agent, patient.email, patient.password);
    await logOut(agent);
    const events = await testDb.db
      .selectFrom('audit_events')
      .selectAll()
      .orderBy('id', 'desc')
      .limit(2)
      .execute();
    expect(events.map((e) => [e.action, e.outcome])).toEqual([
      ['logout', 'success'],
      ['login', 'success'],
    ]);
    expect(events[0]!.request_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.stringify(events)).not.toContain(patient.email);
  });
});

describe('session lifetimes', () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb('sqlite');
  });
  afterAll(() => testDb.close());

  it('when the patient is idle longer than the idle timeout, they are logged out', async () => {
    const app = buildPortal({ db: testDb.db, config: testConfig({ SESSION_IDLE_MINUTES: '0.02' }) });
    const agent = request.agent(app);
    await signUp(agent, newPatient());
    expect((await agent.get('/profile')).status).toBe(200);

    await sleep(1500);

    const res = await agent.get('/profile');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
  });

  it('when the session is older than the absolute lifetime, it ends however active the patient was', async () => {
    const app = buildPortal({ db: testDb.db, config: testConfig({ SESSION_ABSOLUTE_HOURS: '0.0004' }) });
    const agent = request.agent(app);
    await signUp(agent, newPatient());
    for (let i = 0; i < 3; i += 1) {
      expect((await agent.get('/profile')).status).toBe(200);
      await sleep(300);
    }
    await sleep(700);

    const res = await agent.get('/profile');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    const login = await agent.get('/login');
    expect(login.text).toContain('logged out after a long session');
  });
});

describe('CSRF and origin checks', () => {
  let testDb: TestDb;
  let app: ReturnType<typeof buildPortal>;
  const patient = newPatient({ first_name: 'Unchanged' });

  beforeAll(async () => {
    testDb = await openTestDb('sqlite');
    app = buildPortal({ db: testDb.db });
    await signUp(request.agent(app), patient);
  });
  afterAll(() => testDb.close());

  async function loggedInAgent() {
    const agent = request.agent(app);
    await logIn(agent, patient.email, patient.password);
    return agent;
  }

  const profileUpdate = {
    first_name: 'Changed',
    last_name: 'X',
    dob: '1980-01-01',
    email: 'changed@example.test',
  };

  it('when a POST has no CSRF token, answers 403 and changes nothing', async () => {
    const agent = await loggedInAgent();
    const res = await agent.post('/profile').type('form').send(profileUpdate);
    expect(res.status).toBe(403);
    expect(res.text).toContain('This form has expired');
    const row = await testDb.db
      .selectFrom('accounts')
      .select('first_name')
      .where('email', '=', patient.email)
      .executeTakeFirst();
    expect(row?.first_name).toBe('Unchanged');
  });

  it("when a POST carries another session's token, answers 403 and changes nothing", async () => {
    const other = await loggedInAgent();
    const foreignToken = await csrfOf(other, '/profile');
    const agent = await loggedInAgent();
    const res = await agent
      .post('/profile')
      .type('form')
      .send({ ...profileUpdate, _csrf: foreignToken });
    expect(res.status).toBe(403);
    const row = await testDb.db
      .selectFrom('accounts')
      .select('first_name')
      .where('email', '=', patient.email)
      .executeTakeFirst();
    expect(row?.first_name).toBe('Unchanged');
  });

  it('when the pre-login token is replayed after login, it is refused (the token rotates with the session)', async () => {
    const agent = request.agent(app);
    const preLogin = await csrfOf(agent, '/login');
    await agent
      .post('/login')
      .type('form')
      .send({ email: patient.email, password: patient.password, _csrf: preLogin });
    const res = await agent
      .post('/profile')
      .type('form')
      .send({ ...profileUpdate, _csrf: preLogin });
    expect(res.status).toBe(403);
  });

  it.each([
    ['Origin', 'https://evil.test'],
    ['Sec-Fetch-Site', 'cross-site'],
  ])(
    'when %s says the form came from another site, answers 403 even with a valid token',
    async (header, value) => {
      const agent = await loggedInAgent();
      const _csrf = await csrfOf(agent, '/profile');
      const res = await agent
        .post('/profile')
        .set(header, value)
        .type('form')
        .send({ ...profileUpdate, _csrf });
      expect(res.status).toBe(403);
      const row = await testDb.db
        .selectFrom('accounts')
        .select('first_name')
        .where('email', '=', patient.email)
        .executeTakeFirst();
      expect(row?.first_name).toBe('Unchanged');
    },
  );

  it('when the login form is posted without a token, answers 403 and does not log in (login CSRF)', async () => {
    const agent = request.agent(app);
    const res = await agent
      .post('/login')
      .type('form')
      .send({ email: patient.email, password: patient.password });
    expect(res.status).toBe(403);
    expect((await agent.get('/profile')).status).toBe(303);
  });
});

import request from 'supertest';
import { openTestDb, type TestDb } from '../helpers/databases';
import { LAUNCH_ISSUER, LAUNCH_SECRET, launchClaims, PORTAL_URL, signHs256 } from '../helpers/launch-tokens';
import { buildPortal, testConfig } from '../helpers/portal';
import { csrfFrom } from '../helpers/html';

describe('LOCAL_ACCOUNTS=off', () => {
  let testDb: TestDb;
  let app: ReturnType<typeof buildPortal>;

  beforeAll(async () => {
    testDb = await openTestDb('sqlite');
    app = buildPortal({
      db: testDb.db,
      config: testConfig({
        PUBLIC_URL: PORTAL_URL,
        LOCAL_ACCOUNTS: 'off',
        OIDC_ISSUER: 'http://127.0.0.1:9/oidc',
        OIDC_CLIENT_ID: 'portal',
        OIDC_CLIENT_SECRET: 'secret',
        OIDC_NAME: 'Acme Health',
        LAUNCH_JWT_SECRET: LAUNCH_SECRET,
        LAUNCH_JWT_ISSUER: LAUNCH_ISSUER,
      }),
    });
  });
  afterAll(() => testDb?.close());

  /** An agent with a session and its CSRF token, so a POST reaches the route, not the CSRF check. */
  async function withCsrf() {
    const agent = request.agent(app);
    await agent.get(`/launch?token=${await signHs256(launchClaims({ action: 'visits' }))}`).expect(303);
    return { agent, _csrf: csrfFrom((await agent.get('/').expect(200)).text) };
  }

  it('has no sign-up: /signup answers 404 and no page links to it', async () => {
    await request(app).get('/signup').expect(404);
    const { agent, _csrf } = await withCsrf();
    await agent.post('/signup').type('form').send({ _csrf }).expect(404);
    for (const page of ['/', '/login']) {
      expect((await request(app).get(page).expect(200)).text).not.toContain('href="/signup"');
    }
  });

  it('offers only the provider on the login page; a password login answers 404', async () => {
    const login = await request(app).get('/login').expect(200);
    expect(login.text).toContain('Log in with Acme Health');
    expect(login.text).toContain('href="/auth/oidc"');
    expect(login.text).not.toMatch(/type="password"|name="password"/);
    const { agent, _csrf } = await withCsrf();
    await agent
      .post('/login')
      .type('form')
      .send({ email: 'a@example.test', password: 'x', _csrf })
      .expect(404);
  });

  it('shows a patient from a launch link no password form, and refuses a password change', async () => {
    const agent = request.agent(app);
    await agent.get(`/launch?token=${await signHs256(launchClaims({ action: 'visits' }))}`).expect(303);
    const profile = await agent.get('/profile').expect(200);
    expect(profile.text).not.toMatch(/type="password"|\/profile\/password/);
    await agent
      .post('/profile/password')
      .type('form')
      .send({
        current_password: 'x',
        new_password: 'y',
        confirm_password: 'y',
        _csrf: csrfFrom(profile.text),
      })
      .expect(404);
  });
});

import { randomBytes } from 'node:crypto';
import { parse as parseSetCookie } from 'set-cookie-parser';
import request from 'supertest';
import type { VseeSettings } from '../../src/config';
import { type ClinicHarness, patientOf, startClinic, walkinForm } from '../helpers/clinic';
import { openTestDb, type TestDb } from '../helpers/databases';
import { csrfFrom } from '../helpers/html';
import { buildPortal, csrfOf, newPatient, testConfig, vseeEnv } from '../helpers/portal';

// docs/security.md S3 (the __Host- cookie) and S4 (trust proxy by hop count), as in production: one
// TLS-terminating proxy in front, which sets X-Forwarded-Proto and appends the client to X-Forwarded-For.

const CLINIC: VseeSettings = {
  apiUrl: 'https://api-clinic.example.test/api_v3/',
  clinicUrl: 'https://clinic.example.test/',
  accountCode: 'acme',
  apiKey: 'key',
  apiSecret: 'secret',
  roomCode: 'room',
  disableNavigation: false,
  disableEmails: false,
};

function productionConfig() {
  return testConfig({
    NODE_ENV: 'production',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    // Nothing listens there: this test sends no email; production only insists the setting exists.
    SMTP_URL: 'smtp://127.0.0.1:9',
    REQUIRE_VERIFIED_EMAIL: 'off',
    TRUST_PROXY: '1',
    PUBLIC_URL: 'https://portal.example.test',
    ...vseeEnv(CLINIC),
  });
}

function sessionCookies(res: request.Response) {
  return parseSetCookie(res.headers['set-cookie'] ?? []).filter((c) => /portal\.sid$/.test(c.name));
}

describe('the session cookie behind a TLS-terminating proxy (docs/security.md S3, S4)', () => {
  let testDb: TestDb;
  let app: ReturnType<typeof buildPortal>;

  beforeAll(async () => {
    testDb = await openTestDb('sqlite');
    app = buildPortal({ db: testDb.db, config: productionConfig(), vsee: CLINIC });
  });
  afterAll(() => testDb.close());

  it('S3: with X-Forwarded-Proto: https from the trusted hop, the cookie is __Host-, Secure, HttpOnly, SameSite=Lax, Path=/, no Domain', async () => {
    const res = await request(app).get('/login').set('X-Forwarded-Proto', 'https');

    expect(res.status).toBe(200);
    const cookies = sessionCookies(res);
    expect(cookies).toHaveLength(1);
    const cookie = cookies[0]!;
    expect(cookie.name).toBe('__Host-portal.sid');
    expect(cookie.secure).toBe(true);
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    expect(cookie.path).toBe('/');
    expect(cookie.domain).toBeUndefined();
  });

  it('S4: without X-Forwarded-Proto (plain HTTP reached the app), no session cookie is set at all', async () => {
    const res = await request(app).get('/login');

    expect(res.status).toBe(200);
    expect(sessionCookies(res)).toEqual([]);
  });

  it('S4: twenty logins with spoofed X-Forwarded-For prefixes share the real client’s bucket: the 6th is blocked', async () => {
    const email = newPatient().email;
    const statuses: number[] = [];
    for (let i = 0; i < 20; i += 1) {
      const xff = `${randomBytes(4).join('.')}, 203.0.113.9`;
      const page = await request(app)
        .get('/login')
        .set('X-Forwarded-Proto', 'https')
        .set('X-Forwarded-For', xff);
      const cookie = sessionCookies(page)[0]!;
      const res = await request(app)
        .post('/login')
        .set('X-Forwarded-Proto', 'https')
        .set('X-Forwarded-For', xff)
        .set('Cookie', `${cookie.name}=${encodeURIComponent(cookie.value)}`)
        .type('form')
        .send({ email, password: 'wrong password', _csrf: csrfFrom(page.text) });
      statuses.push(res.status);
    }

    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual(Array<number>(15).fill(429));
  });
});

describe('the Host header never shapes a redirect (docs/security.md C2, S4)', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic();
  });
  afterAll(() => h.close());

  it('when Host is evil.test, the launch 302 still goes to the configured clinic', async () => {
    const { agent } = await patientOf(h);
    const _csrf = await csrfOf(agent, '/');

    const res = await agent.post('/clinic/go').set('Host', 'evil.test').type('form').send({ _csrf });

    expect(res.status).toBe(302);
    expect(new URL(res.headers.location!).origin).toBe(new URL(h.vsee.clinicUrl).origin);
    expect(res.headers.location).not.toContain('evil.test');
  });

  it('when Host is evil.test, the walk-in 302, the login 303 and the login-required 303 stay relative or on the clinic', async () => {
    const { agent, fields } = await patientOf(h);
    const { launchKey, _csrf } = await walkinForm(agent);
    const walkin = await agent
      .post('/visits/walkin')
      .set('Host', 'evil.test')
      .type('form')
      .send({ _csrf, launch_key: launchKey });
    expect(walkin.status).toBe(302);
    expect(new URL(walkin.headers.location!).origin).toBe(new URL(h.vsee.clinicUrl).origin);

    const anonymous = request.agent(h.app);
    const gated = await anonymous.get('/profile').set('Host', 'evil.test');
    expect(gated.status).toBe(303);
    expect(gated.headers.location).toBe('/login');
    const token = csrfFrom((await anonymous.get('/login').set('Host', 'evil.test')).text);
    const login = await anonymous
      .post('/login')
      .set('Host', 'evil.test')
      .type('form')
      .send({ email: fields.email, password: fields.password, _csrf: token });
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/profile');
  });
});

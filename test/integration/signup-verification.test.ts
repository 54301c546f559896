import request from 'supertest';
import { OutboxSender } from '../../src/email/sender';
import { smtpTransport } from '../../src/email/transport';
import { createLogger } from '../../src/web/logger';
import { openTestDb, type TestDb } from '../helpers/databases';
import { sessionCookie } from '../helpers/html';
import {
  buildPortal,
  confirmEmailLink,
  csrfOf,
  logIn,
  newPatient,
  type PatientFields,
  signUp,
  signUpAndConfirm,
  testConfig,
} from '../helpers/portal';
import { linkIn, mailTo, startTestSmtp, type TestSmtp } from '../helpers/smtp';

jest.setTimeout(60_000);

// With email verification on, sign-up only sends the link; opening it finishes sign-up. These tests
// follow the link in every kind of browser: the one that signed up, another one, one logged in elsewhere.

describe('sign-up finished by the emailed link (verification on, real SMTP server)', () => {
  let smtp: TestSmtp;
  let testDb: TestDb;
  let sender: OutboxSender;
  let app: ReturnType<typeof buildPortal>;

  beforeAll(async () => {
    smtp = await startTestSmtp();
    testDb = await openTestDb('sqlite');
    const config = testConfig({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://portal.example.test' });
    app = buildPortal({ db: testDb.db, config });
    sender = new OutboxSender(testDb.db, smtpTransport(smtp.url), config.mail.from, createLogger('silent'), {
      pollMs: 50,
    });
    sender.start();
  });
  afterAll(async () => {
    await sender.stop();
    await smtp.close();
    await testDb.close();
  });

  /** Signs up in `browser` (303 to /signup/sent) and returns the path of the emailed link. */
  async function signUpForLink(browser: ReturnType<typeof request.agent>, fields: PatientFields) {
    const res = await signUp(browser, fields);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/signup/sent');
    return new URL(linkIn(await mailTo(smtp, fields.email, /Confirm your email/), '/email/verify/')).pathname;
  }

  const verifiedAt = async (email: string) =>
    (
      await testDb.db
        .selectFrom('accounts')
        .select('email_verified_at')
        .where('email', '=', email)
        .executeTakeFirstOrThrow()
    ).email_verified_at;

  it('the link, opened in the browser that signed up, confirms the address and logs in on a new session', async () => {
    const browser = request.agent(app);
    const fields = newPatient({ first_name: 'Grace' });
    const link = await signUpForLink(browser, fields);
    const home = await browser.get('/');
    expect(home.text).not.toContain('Hello, Grace');
    const before = sessionCookie(home.headers['set-cookie']);

    const opened = await confirmEmailLink(browser, link);

    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('/');
    const after = sessionCookie(opened.headers['set-cookie']);
    expect(after).toBeDefined();
    expect(after).not.toBe(before);
    const dashboard = await browser.get('/').expect(200);
    expect(dashboard.text).toContain('Hello, Grace');
    expect(dashboard.text).toContain('Your email address is confirmed');
    expect(dashboard.text).not.toContain('data-testid="verify-email-notice"');
    expect(await verifiedAt(fields.email)).not.toBeNull();
    // The session from before the link stays logged out (no fixation); the link works once.
    const oldSession = await request(app).get('/profile').set('Cookie', before!);
    expect(oldSession.headers.location).toBe('/login');
    const again = await request.agent(app).get(link);
    expect(again.status).toBe(410);
    expect((await request.agent(app).post(link).type('form').send({})).status).toBe(403);
  });

  it('a mail scanner that opens the link first (GETs from elsewhere) uses nothing up; the patient still confirms', async () => {
    const browser = request.agent(app);
    const fields = newPatient({ first_name: 'Scanned' });
    const link = await signUpForLink(browser, fields);
    for (let i = 0; i < 3; i += 1) {
      const scanned = await request(app).get(link);
      expect(scanned.status).toBe(200);
      expect(scanned.text).toContain('data-testid="confirm-email"');
    }
    expect(await verifiedAt(fields.email)).toBeNull();

    const confirmed = await confirmEmailLink(browser, link);

    expect(confirmed.status).toBe(303);
    expect((await browser.get('/')).text).toContain('Hello, Scanned');
    expect(await verifiedAt(fields.email)).not.toBeNull();
  });

  it('carries the page the patient was sent away from (a safe returnTo) through sign-up and the link', async () => {
    const browser = request.agent(app);
    expect((await browser.get('/profile')).headers.location).toBe('/login');
    const link = await signUpForLink(browser, newPatient());

    const opened = await confirmEmailLink(browser, link);

    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('/profile');
    expect((await browser.get('/profile')).status).toBe(200);
  });

  it('opened in another browser: confirms the address but does not log that browser in', async () => {
    const fields = newPatient();
    const link = await signUpForLink(request.agent(app), fields);
    const elsewhere = request.agent(app);
    await elsewhere.get('/login').expect(200);

    const opened = await confirmEmailLink(elsewhere, link);

    expect(opened.status).toBe(200);
    expect(opened.text).toContain('data-testid="verified-log-in"');
    expect(opened.text).toContain('href="/login"');
    expect((await elsewhere.get('/profile')).headers.location).toBe('/login');
    expect(await verifiedAt(fields.email)).not.toBeNull();
    // The password still works there, and the address is confirmed.
    expect((await logIn(elsewhere, fields.email, fields.password)).status).toBe(303);
    expect((await elsewhere.get('/')).text).not.toContain('data-testid="verify-email-notice"');
  });

  it('opened in a browser logged in as another account: confirms it, but that browser keeps its account', async () => {
    const browser = request.agent(app);
    const first = newPatient({ first_name: 'Firstaccount' });
    expect((await signUpAndConfirm(browser, first, smtp)).status).toBe(303);
    // A sign-up sent from a tab opened before this browser logged in (the form is still posted).
    const second = newPatient({ first_name: 'Secondaccount' });
    const _csrf = await csrfOf(browser, '/profile');
    const posted = await browser
      .post('/signup')
      .type('form')
      .send({ ...second, _csrf });
    expect(posted.headers.location).toBe('/signup/sent');
    const link = new URL(linkIn(await mailTo(smtp, second.email, /Confirm your email/), '/email/verify/'))
      .pathname;

    const opened = await confirmEmailLink(browser, link);

    expect(opened.status).toBe(200);
    expect(opened.text).toContain('data-testid="verified-other-account"');
    const home = await browser.get('/');
    expect(home.text).toContain('Hello, Firstaccount');
    expect(home.text).not.toContain('Secondaccount');
    expect(await verifiedAt(second.email)).not.toBeNull();
  });

  it('a used, unknown or malformed link logs nobody in', async () => {
    const browser = request.agent(app);
    const link = await signUpForLink(browser, newPatient());
    await confirmEmailLink(request.agent(app), link);

    for (const path of [link, `/email/verify/${'A'.repeat(43)}`, '/email/verify/short']) {
      const res = await browser.get(path);
      expect(res.status).toBe(410);
      expect((await browser.get('/profile')).headers.location).toBe('/login');
    }
  });

  it('with REQUIRE_VERIFIED_EMAIL=off, sign-up logs the new patient in at once (and still sends the link)', async () => {
    const config = testConfig({ SMTP_URL: smtp.url, REQUIRE_VERIFIED_EMAIL: 'off' });
    const unverifiedApp = buildPortal({ db: testDb.db, config });
    const browser = request.agent(unverifiedApp);
    const fields = newPatient({ first_name: 'Quick' });

    const res = await signUp(browser, fields);

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/');
    expect((await browser.get('/')).text).toContain('Hello, Quick');
    await mailTo(smtp, fields.email, /Confirm your email/);
  });
});

import request from 'supertest';
import { OutboxSender } from '../../src/email/sender';
import { smtpTransport } from '../../src/email/transport';
import { openTestDb, type TestDb } from '../helpers/databases';
import { capturingLogger } from '../helpers/logs';
import {
  buildPortal,
  confirmEmailLink,
  csrfOf,
  logIn,
  newPatient,
  signUp,
  signUpAndConfirm,
  testConfig,
} from '../helpers/portal';
import { linkIn, mailTo as mailToHelper, startTestSmtp, type TestSmtp } from '../helpers/smtp';

jest.setTimeout(60_000);

const PUBLIC_URL = 'https://portal.example.test';
const CANARY_PASSWORD = 'canary PASSWORD 7f3e9a horse';

describe('email for accounts: reset, verification, sign-up (real SMTP server)', () => {
  let smtp: TestSmtp;
  let testDb: TestDb;
  let sender: OutboxSender;
  let app: ReturnType<typeof buildPortal>;
  const { logger, lines } = capturingLogger();

  beforeAll(async () => {
    smtp = await startTestSmtp();
    testDb = await openTestDb('sqlite');
    const config = testConfig({ SMTP_URL: smtp.url, PUBLIC_URL });
    app = buildPortal({ db: testDb.db, config, logger });
    sender = new OutboxSender(testDb.db, smtpTransport(smtp.url), config.mail.from, logger, {
      pollMs: 50,
      backoffMs: 50,
    });
    sender.start();
  });
  afterAll(async () => {
    await sender.stop();
    await smtp.close();
    await testDb.close();
  });

  const path = (link: string) => new URL(link).pathname;
  const mailTo = (address: string, subject: RegExp) => mailToHelper(smtp, address, subject);

  /** A patient who signed up and opened the emailed link: logged in, address confirmed. */
  async function registered(overrides = {}) {
    const fields = newPatient({ password: CANARY_PASSWORD, ...overrides });
    const agent = request.agent(app);
    const opened = await signUpAndConfirm(agent, fields, smtp);
    expect(opened.status).toBe(303);
    return { fields, agent };
  }

  /** A patient who signed up but logged in with the password instead of opening the link. */
  async function registeredUnconfirmed() {
    const fields = newPatient({ password: CANARY_PASSWORD });
    expect((await signUp(request.agent(app), fields)).headers.location).toBe('/signup/sent');
    // Delivered before the test goes on: a test that counts this address's mails must find it there.
    await mailTo(fields.email, /Confirm your email/);
    const agent = request.agent(app);
    expect((await logIn(agent, fields.email, CANARY_PASSWORD)).status).toBe(303);
    return { fields, agent };
  }

  it('a reset link sets a new password, ends the other sessions, works once, and the login page links to it', async () => {
    const { fields, agent: otherDevice } = await registeredUnconfirmed();
    expect((await otherDevice.get('/profile')).status).toBe(200);
    expect((await request(app).get('/login')).text).toContain('href="/password/forgot"');

    const browser = request.agent(app);
    const _csrf = await csrfOf(browser, '/password/forgot');
    const asked = await browser
      .post('/password/forgot')
      .type('form')
      .send({ _csrf, email: fields.email.toUpperCase() });
    expect(asked.status).toBe(200);
    expect(asked.text).toContain('If an account uses that address');

    const mail = await mailTo(fields.email, /Reset your/);
    expect(mail.from?.text).toContain('Patient Portal');
    expect(mail.html).toBeTruthy();
    const link = linkIn(mail, '/password/reset/');
    expect(link.startsWith(`${PUBLIC_URL}/password/reset/`)).toBe(true);
    const token = path(link).split('/').pop()!;
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
    const stored = await testDb.db.selectFrom('email_tokens').select('token_hash').execute();
    expect(JSON.stringify(stored)).not.toContain(token);

    const form = await browser.get(path(link));
    expect(form.status).toBe(200);
    const resetCsrf = (/name="_csrf" value="([^"]+)"/.exec(form.text) ?? [])[1];
    const weak = await browser
      .post(path(link))
      .type('form')
      .send({
        _csrf: resetCsrf,
        new_password: `${fields.first_name} is my name`,
        confirm_password: `${fields.first_name} is my name`,
      });
    expect(weak.status).toBe(400);
    expect(weak.text).toContain('must not contain your name');

    const newPassword = 'a brand new passphrase 42';
    const done = await browser
      .post(path(link))
      .type('form')
      .send({ _csrf: resetCsrf, new_password: newPassword, confirm_password: newPassword });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/');
    expect((await browser.get('/')).text).toContain(`Hello, ${fields.first_name}`);

    // The other device is logged out; the old password no longer works; the new one does.
    const other = await otherDevice.get('/profile');
    expect(other.status).toBe(303);
    expect(other.headers.location).toBe('/login');
    expect((await logIn(request.agent(app), fields.email, CANARY_PASSWORD)).status).toBe(401);
    expect((await logIn(request.agent(app), fields.email, newPassword)).status).toBe(303);

    // Used: the same link now gets the plain page with a way to ask again.
    const again = await request(app).get(path(link));
    expect(again.status).toBe(410);
    expect(again.text).toContain('href="/password/forgot"');

    const audit = await testDb.db
      .selectFrom('audit_events')
      .select('action')
      .where('action', '=', 'password_reset')
      .execute();
    expect(audit).toHaveLength(1);
    // Resetting through the emailed link proves the address, too.
    const account = await testDb.db
      .selectFrom('accounts')
      .select('email_verified_at')
      .where('email', '=', fields.email)
      .executeTakeFirstOrThrow();
    expect(account.email_verified_at).not.toBeNull();
  });

  it('for an unknown email, answers the same page and sends nothing', async () => {
    const known = await registered();
    const browser = request.agent(app);
    const ask = async (email: string) => {
      const _csrf = await csrfOf(browser, '/password/forgot');
      return browser.post('/password/forgot').type('form').send({ _csrf, email });
    };
    const strip = (html: string) =>
      html.replace(/name="_csrf" value="[^"]+"/g, '').replace(/nonce="[^"]+"/g, '');
    const unknown = await ask('nobody.here@example.test');
    const existing = await ask(known.fields.email);
    expect(unknown.status).toBe(existing.status);
    expect(strip(unknown.text)).toBe(strip(existing.text));
    await mailTo(known.fields.email, /Reset your/);
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received.some((m) => JSON.stringify(m.to).includes('nobody.here'))).toBe(false);
    const queued = await testDb.db
      .selectFrom('outbox')
      .select('to_address')
      .where('to_address', '=', 'nobody.here@example.test')
      .execute();
    expect(queued).toHaveLength(0);
  });

  it('an account without a password (signed in elsewhere) gets no reset email', async () => {
    const { fields } = await registered();
    await testDb.db
      .updateTable('accounts')
      .set({ password_hash: '' })
      .where('email', '=', fields.email)
      .execute();
    const browser = request.agent(app);
    const _csrf = await csrfOf(browser, '/password/forgot');
    const res = await browser.post('/password/forgot').type('form').send({ _csrf, email: fields.email });
    expect(res.text).toContain('If an account uses that address');
    await new Promise((r) => setTimeout(r, 500));
    const queued = await testDb.db
      .selectFrom('outbox')
      .select('subject')
      .where('to_address', '=', fields.email)
      .execute();
    expect(queued.filter((q) => q.subject.startsWith('Reset'))).toHaveLength(0);
  });

  it('an unknown or malformed link gets the plain page, never an error', async () => {
    for (const token of ['x'.repeat(43), 'short', 'A'.repeat(200)]) {
      const res = await request(app).get(`/password/reset/${token}`);
      expect(res.status).toBe(410);
      expect(res.text).toContain('This link no longer works');
    }
  });

  it('until the address is confirmed no VSee call is made; the link sent again confirms it', async () => {
    const { fields, agent } = await registeredUnconfirmed();
    const dashboard = await agent.get('/');
    expect(dashboard.text).toContain('data-testid="verify-email-notice"');

    // Go to Clinic is refused before any VSee call (this portal's VSee is unreachable anyway).
    const _csrf = await csrfOf(agent, '/');
    const blocked = await agent.post('/clinic/go').type('form').send({ _csrf });
    expect(blocked.status).toBe(403);
    expect(blocked.text).toContain('Please confirm your email address first');
    expect(blocked.text).toContain('Send the link again');

    const before = smtp.received.length;
    const resend = await agent.post('/email/verify/resend').type('form').send({ _csrf });
    expect(resend.status).toBe(303);
    await smtp.waitFor(before + 1);
    const links = smtp.received
      .filter(
        (m) => JSON.stringify(m.to).includes(fields.email) && /Confirm your email/.test(m.subject ?? ''),
      )
      .map((m) => path(linkIn(m, '/email/verify/')));
    expect(links).toHaveLength(2);
    // The link sent again, opened while logged in to this account: on to the dashboard, confirmed.
    const opened = await confirmEmailLink(agent, links[1]!);
    expect(opened.status).toBe(303);
    expect(opened.headers.location).toBe('/');
    const confirmed = await agent.get('/');
    expect(confirmed.text).toContain('Your email address is confirmed');
    expect(confirmed.text).not.toContain('data-testid="verify-email-notice"');
    expect((await request(app).get(links[1]!)).status).toBe(410);
  });

  it('a sign-up with a registered email does not say so; the owner gets an email instead', async () => {
    const { fields } = await registered();
    const res = await signUp(request.agent(app), newPatient({ email: fields.email.toUpperCase() }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/signup/sent');
    const page = await request(app).get('/signup/sent');
    expect(page.text).not.toMatch(/already (registered|taken|in use)|is taken|has an account/i);
    const mail = await mailTo(fields.email, /Someone tried to create/);
    expect(linkIn(mail, '/login')).toBe(`${PUBLIC_URL}/login`);
  });

  it('changing the email re-verifies it and tells the old address', async () => {
    const { fields, agent } = await registered();
    const _csrf = await csrfOf(agent, '/profile');
    const newEmail = `new.${fields.email}`;
    const saved = await agent.post('/profile').type('form').send({
      _csrf,
      first_name: fields.first_name,
      last_name: fields.last_name,
      dob: fields.dob,
      email: newEmail,
    });
    expect(saved.status).toBe(303);
    await mailTo(fields.email, /was changed/);
    const link = linkIn(await mailTo(newEmail, /Confirm your email/), '/email/verify/');
    expect((await confirmEmailLink(agent, path(link))).status).toBe(303);
    const row = await testDb.db
      .selectFrom('accounts')
      .select('email_verified_at')
      .where('email', '=', newEmail)
      .executeTakeFirstOrThrow();
    expect(row.email_verified_at).not.toBeNull();
  });

  it('the password policy refuses the email address and the name; sign-ups are limited per IP', async () => {
    const fields = newPatient();
    const res = await signUp(request.agent(app), { ...fields, password: `my ${fields.email} pw` });
    expect(res.status).toBe(400);
    expect(res.text).toContain('must not contain your email address');
  });

  it('a failed delivery is retried with backoff and logged by code, never by content', async () => {
    smtp.failNext(1);
    const { fields } = await registered();
    const mail = await mailTo(fields.email, /Confirm your email/);
    expect(mail).toBeTruthy();
    expect(lines.some((l) => l.includes('email send failed; will retry') && l.includes('451'))).toBe(true);
  });

  it('canary: no password in any email or log line; tokens only in the email that carries them', () => {
    const logs = lines.join('\n');
    expect(logs).not.toContain(CANARY_PASSWORD);
    expect(logs).not.toContain('a brand new passphrase');
    expect(smtp.raw.join('\n')).not.toContain(CANARY_PASSWORD);
    for (const mail of smtp.received) {
      for (const prefix of ['/password/reset/', '/email/verify/']) {
        const match = new RegExp(`${prefix}([A-Za-z0-9_-]{20,})`).exec(mail.text ?? '');
        if (match) expect(logs).not.toContain(match[1]);
      }
    }
    expect(logs).toContain('/password/reset/[token]');
  });
});

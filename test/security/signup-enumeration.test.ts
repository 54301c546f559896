import { parse as parseSetCookie } from 'set-cookie-parser';
import request from 'supertest';
import { OutboxSender } from '../../src/email/sender';
import { smtpTransport } from '../../src/email/transport';
import { createLogger } from '../../src/web/logger';
import { openTestDb, type TestDb } from '../helpers/databases';
import { csrfFrom, sessionCookie } from '../helpers/html';
import { buildPortal, newPatient, type PatientFields, testConfig } from '../helpers/portal';
import { linkIn, mailTo, startTestSmtp, type TestSmtp } from '../helpers/smtp';

// docs/security.md A2: with email verification on, sign-up answers a new address and a taken one
// alike (status, redirect, cookies, the page after it, timing); only the mailbox's owner learns which.

jest.setTimeout(60_000);

describe('sign-up does not tell a new address from a registered one (docs/security.md A2)', () => {
  let smtp: TestSmtp;
  let testDb: TestDb;
  let sender: OutboxSender;
  let app: ReturnType<typeof buildPortal>;
  const owner = newPatient({ first_name: 'Owner' });

  beforeAll(async () => {
    smtp = await startTestSmtp();
    testDb = await openTestDb('sqlite');
    const config = testConfig({ SMTP_URL: smtp.url, PUBLIC_URL: 'https://portal.example.test' });
    expect(config.mail.requireVerifiedEmail).toBe(true);
    app = buildPortal({ db: testDb.db, config });
    sender = new OutboxSender(testDb.db, smtpTransport(smtp.url), config.mail.from, createLogger('silent'), {
      pollMs: 50,
    });
    sender.start();
    await attempt(owner);
  });
  afterAll(async () => {
    await sender.stop();
    await smtp.close();
    await testDb.close();
  });

  /** One sign-up in a fresh browser: the form's session cookie, the answer and how long it took. */
  async function attempt(fields: PatientFields) {
    const browser = request.agent(app);
    const form = await browser.get('/signup').expect(200);
    const started = process.hrtime.bigint();
    const res = await browser
      .post('/signup')
      .type('form')
      .send({ ...fields, _csrf: csrfFrom(form.text) });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    return { browser, res, ms, formCookie: sessionCookie(form.headers['set-cookie']) };
  }

  const comparable = (html: string) =>
    html.replace(/name="_csrf" value="[^"]*"/g, '').replace(/nonce="[^"]*"/g, '');
  const cookieShape = (res: request.Response) =>
    parseSetCookie(res.headers['set-cookie'] ?? []).map(
      ({ value: _value, expires: _expires, ...rest }) => rest,
    );

  it('the same status, redirect, cookies and page for a new and a taken address; neither is logged in', async () => {
    const fresh = await attempt(newPatient({ first_name: 'Newcomer' }));
    const taken = await attempt(newPatient({ first_name: 'Intruder', email: owner.email.toUpperCase() }));

    expect(fresh.res.status).toBe(303);
    expect(taken.res.status).toBe(fresh.res.status);
    expect(fresh.res.headers.location).toBe('/signup/sent');
    expect(taken.res.headers.location).toBe(fresh.res.headers.location);
    expect(taken.res.text).toBe(fresh.res.text);
    expect(cookieShape(taken.res)).toEqual(cookieShape(fresh.res));

    for (const { browser, res, formCookie } of [fresh, taken]) {
      // Same session as the form (a login would have issued a new id), and it is not logged in.
      expect(sessionCookie(res.headers['set-cookie'])).toBe(formCookie);
      const profile = await browser.get('/profile');
      expect(profile.status).toBe(303);
      expect(profile.headers.location).toBe('/login');
    }
    const [freshPage, takenPage] = await Promise.all([
      fresh.browser.get('/signup/sent'),
      taken.browser.get('/signup/sent'),
    ]);
    expect(freshPage.status).toBe(200);
    expect(comparable(takenPage.text)).toBe(comparable(freshPage.text));
    expect(freshPage.text).toContain('Check your email');
    expect(freshPage.text).toContain('href="/login"');
    expect(freshPage.text).toContain('href="/password/forgot"');
  });

  it('only the mailboxes tell them apart: a confirmation link for the new one, a warning for the owner', async () => {
    const newcomer = newPatient();
    await attempt(newcomer);
    await attempt(newPatient({ email: owner.email }));

    const confirmation = await mailTo(smtp, newcomer.email, /Confirm your email/);
    expect(linkIn(confirmation, '/email/verify/')).toContain('https://portal.example.test/email/verify/');
    const warning = await mailTo(smtp, owner.email, /Someone tried to create/);
    expect(warning.text).toContain('already has one');
    expect(linkIn(warning, '/password/forgot')).toBe('https://portal.example.test/password/forgot');
    expect(warning.text).not.toContain(owner.password);
  });

  it('the median time of the two answers differs by less than 20 ms (both hash the password)', async () => {
    // Interleaved so that load from other processes hits both alike; medians, so one stalled
    // request on a busy machine cannot decide the result.
    const samples = { fresh: [] as number[], taken: [] as number[] };
    for (let i = 0; i < 25; i += 1) {
      samples.fresh.push((await attempt(newPatient())).ms);
      samples.taken.push((await attempt(newPatient({ email: owner.email }))).ms);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const delta = Math.abs(median(samples.fresh) - median(samples.taken));
    expect(delta).toBeLessThan(20);
  });
});

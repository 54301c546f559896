import request from 'supertest';
import { momentLabel } from '../../src/clinic/time-zones';
import type { ReminderScheduler } from '../../src/reminders/scheduler';
import { type Agent, bookingFormWithSlotAfter, type ClinicHarness, patientOf } from '../helpers/clinic';
import { csrfOf, newPatient, signUp } from '../helpers/portal';
import { textOf } from '../helpers/i18n';
import { type MailingClinic, startMailingClinic } from '../helpers/mailing-clinic';
import { mailTo, type TestSmtp } from '../helpers/smtp';

jest.setTimeout(60_000);

const NEW_YORK = 'America/New_York';

/**
 * Every email speaks the recipient's language: the one the patient chose while logged in (kept on
 * the account), else the language of the page that caused it; dates in that language's format.
 */
describe('emails in the patient’s language (real sandbox, real SMTP server)', () => {
  let mailing: MailingClinic;
  let smtp: TestSmtp;
  let h: ClinicHarness;
  let scheduler: ReminderScheduler;

  beforeAll(async () => {
    mailing = await startMailingClinic({ publicUrl: 'https://portal.example.test' });
    ({ smtp, h, scheduler } = mailing);
  });
  afterAll(() => mailing.close());

  /** The first slot more than 26 hours away (outside both reminder offsets), booked. */
  async function book(agent: Agent) {
    const { form, slot } = await bookingFormWithSlotAfter(
      agent,
      `/appointments/new?tz=${NEW_YORK}`,
      26 * 3_600_000,
    );
    const res = await agent
      .post('/appointments')
      .type('form')
      .send({ _csrf: form._csrf, launch_key: form.launchKey, slot: slot.value, tz: NEW_YORK });
    expect(res.status).toBe(303);
    return slot;
  }

  /** Verification (resent), reset (asked for while logged out), confirmation and reminder of one patient. */
  async function mailsOf(language: 'en' | 'es') {
    const { agent, fields } = await patientOf(h);
    // Chosen the way a patient does it: the language switch while logged in.
    if (language === 'es') expect((await agent.get('/?lang=es')).status).toBe(200);
    await agent
      .post('/email/verify/resend')
      .type('form')
      .send({ _csrf: await csrfOf(agent, '/') })
      .expect(303);
    // Forgot password from another browser with no session and no language of its own.
    const browser = request.agent(h.app);
    const _csrf = await csrfOf(browser, '/password/forgot');
    await browser.post('/password/forgot').type('form').send({ _csrf, email: fields.email }).expect(200);
    const slot = await book(agent);
    expect(await scheduler.runOnce(new Date((slot.start - 23 * 3600) * 1000))).toBeGreaterThanOrEqual(1);

    const t = (key: string, values: Record<string, string> = {}) =>
      Object.entries(values).reduce((s, [k, v]) => s.replace(`{{${k}}}`, v), textOf(key, language));
    const clinic = textOf('brand.genericName', language);
    const when = momentLabel(slot.start, NEW_YORK, textOf('meta.intlLocale', language));
    const subject = (text: string) => new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    // The sign-up's own verification email was in the sign-up page's language (English): take the last.
    const verifications = () =>
      smtp.received.filter(
        (m) =>
          JSON.stringify(m.to).includes(fields.email) &&
          subject(t('mail.verify.subject', { clinic })).test(m.subject ?? ''),
      );
    await mailTo(smtp, fields.email, subject(t('mail.verify.subject', { clinic })));
    return {
      when,
      t,
      verify: verifications().at(-1)!,
      reset: await mailTo(smtp, fields.email, subject(t('mail.reset.subject', { clinic }))),
      confirmation: await mailTo(smtp, fields.email, subject(t('mail.confirmation.subject', { when }))),
      reminder: await mailTo(smtp, fields.email, subject(t('mail.reminder.subject', { when }))),
    };
  }

  it('a patient who chose Spanish gets Spanish mail, dates in Spanish, and a Spanish calendar file', async () => {
    const { verify, reset, confirmation, reminder, when, t } = await mailsOf('es');
    expect(when).toMatch(/\d{1,2} de [a-z]+ de \d{4}/);
    expect(verify.text).toContain('Confirme que esta es su dirección de correo electrónico');
    expect(reset.text).toContain('Elegir una contraseña nueva');
    expect(confirmation.text).toContain(`Su cita por video está reservada para el ${when}`);
    expect(reminder.text).toContain(`Le recordamos su cita por video del ${when}`);
    for (const mail of [verify, reset, confirmation, reminder]) {
      expect(mail.text).toContain('Hola, ');
      expect(mail.text).not.toMatch(
        /Hello|Your video appointment|This link works|open it from the patient portal/,
      );
      expect(mail.html).toContain(t('mail.copyLink'));
    }
    const ics = confirmation.attachments[0]!.content.toString('utf8').replace(/\r\n /g, '');
    expect(ics).toContain('SUMMARY;LANGUAGE=es:Cita por video con Portal del paciente');
    expect(ics).toContain('DESCRIPTION;LANGUAGE=es:Con ');
    expect(ics).not.toContain('Video appointment');
  });

  it('a patient who signs up on the Spanish page keeps Spanish on the account, and their mail is Spanish', async () => {
    const fields = newPatient();
    const browser = request.agent(h.app);
    browser.set('Accept-Language', 'es-MX,es;q=0.9');
    await signUp(browser, fields);
    const account = await h.testDb.db
      .selectFrom('accounts')
      .select('language')
      .where('email', '=', fields.email.toLowerCase())
      .executeTakeFirstOrThrow();
    expect(account.language).toBe('es');
    const clinic = textOf('brand.genericName', 'es');
    const verify = await mailTo(
      smtp,
      fields.email,
      new RegExp(`^${textOf('mail.verify.subject', 'es').replace('{{clinic}}', clinic)}$`),
    );
    expect(verify.text).toContain('Confirme que esta es su dirección de correo electrónico');
  });

  it('a patient who chose nothing gets English mail with US dates and a 12-hour clock', async () => {
    const { verify, reset, confirmation, reminder, when } = await mailsOf('en');
    expect(when).toMatch(/^[A-Z][a-z]+day, [A-Z][a-z]+ \d{1,2}, \d{4}, \d{1,2}:\d{2} [AP]M /);
    expect(verify.text).toContain('Please confirm that this is your email address');
    expect(reset.text).toContain('Choose a new password');
    expect(confirmation.text).toContain(`Your video appointment is booked for ${when}`);
    expect(reminder.text).toContain(`This is a reminder of your video appointment on ${when}`);
    for (const mail of [verify, reset, confirmation, reminder]) expect(mail.text).not.toMatch(/Hola|Su cita/);
    const ics = confirmation.attachments[0]!.content.toString('utf8').replace(/\r\n /g, '');
    expect(ics).toContain('SUMMARY;LANGUAGE=en:Video appointment with Patient Portal');
  });
});

import { randomBytes } from 'node:crypto';
import type { OutboxSender } from '../../src/email/sender';
import type { ReminderScheduler } from '../../src/reminders/scheduler';
import { bookingFormWithSlotAfter, type ClinicHarness, patientOf } from '../helpers/clinic';
import { csrfFrom } from '../helpers/html';
import { type MailingClinic, startMailingClinic } from '../helpers/mailing-clinic';
import { linkIn, type TestSmtp } from '../helpers/smtp';

jest.setTimeout(60_000);

const PUBLIC_URL = 'https://portal.example.test';
const NEW_YORK = 'America/New_York';

describe('appointment emails: confirmation and reminders (real sandbox, real SMTP server)', () => {
  let mailing: MailingClinic;
  let smtp: TestSmtp;
  let h: ClinicHarness;
  let sender: OutboxSender;
  let scheduler: ReminderScheduler;
  const reason = `CANARYREASON${randomBytes(6).toString('hex')}`;

  beforeAll(async () => {
    mailing = await startMailingClinic({
      publicUrl: PUBLIC_URL,
      sandbox: { tokenFactory: () => `CANARYTOKEN${randomBytes(14).toString('hex')}` },
    });
    ({ smtp, h, sender, scheduler } = mailing);
  });
  afterAll(() => mailing.close());

  /** The first slot more than 26 hours away: booked outside both offsets, whatever the time of day. */
  async function bookFirstSlot() {
    const { agent, fields, account } = await patientOf(h);
    const { form, slot } = await bookingFormWithSlotAfter(
      agent,
      `/appointments/new?tz=${NEW_YORK}`,
      26 * 3_600_000,
    );
    const res = await agent
      .post('/appointments')
      .type('form')
      .send({ _csrf: form._csrf, launch_key: form.launchKey, slot: slot.value, tz: NEW_YORK, reason });
    expect(res.status).toBe(303);
    const visitId = Number(res.headers.location!.split('/').pop());
    return { agent, fields, account, slot, visitId };
  }

  const mailsTo = (email: string) => smtp.received.filter((m) => JSON.stringify(m.to).includes(email));

  it('a booking sends a confirmation linking to the portal page, with a calendar file that has an alarm', async () => {
    const { fields, visitId, slot, agent } = await bookFirstSlot();
    await smtp.waitFor(smtp.received.length + 1).catch(() => undefined);
    const until = Date.now() + 15_000;
    while (!mailsTo(fields.email).some((m) => /appointment/.test(m.subject ?? '')) && Date.now() < until)
      await new Promise((r) => setTimeout(r, 25));
    const mail = mailsTo(fields.email).find((m) => /Your video appointment/.test(m.subject ?? ''))!;
    expect(mail).toBeDefined();
    expect(linkIn(mail, '/appointments/')).toBe(`${PUBLIC_URL}/appointments/${visitId}`);
    expect(mail.text).toContain(slot.provider);
    // One visit type at this clinic: no type step, and no type named.
    expect(mail.text).not.toContain('Visit type');
    const ics = mail.attachments.find((a) => a.filename === 'appointment.ics')!.content.toString('utf8');
    expect(ics).toContain('METHOD:PUBLISH');
    expect(ics).toContain('BEGIN:VALARM');
    expect(ics).toContain('TRIGGER:-PT60M');
    expect(ics).toContain(`URL:${PUBLIC_URL}/appointments/${visitId}`);
    expect(ics).toMatch(new RegExp(`UID:appointment-${visitId}-\\d{14}@portal.example.test`));
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);

    // The link, followed: the portal's own page of the appointment.
    expect((await agent.get(new URL(linkIn(mail, '/appointments/')).pathname)).status).toBe(200);
    const download = await agent.get(`/appointments/${visitId}/calendar.ics`);
    expect(download.text).toContain('BEGIN:VALARM');
  });

  it('reminders go out once per offset, at once when booked inside one, never for a cancelled one', async () => {
    const { fields, visitId, slot } = await bookFirstSlot();
    // As if booked where the clinic offers several types (test/integration/visit-types.test.ts).
    await h.testDb.db
      .updateTable('visits')
      .set({ visit_type: 'Follow-up (30 min)' })
      .where('id', '=', visitId)
      .execute();
    const reminders = () => mailsTo(fields.email).filter((m) => /^Reminder/.test(m.subject ?? ''));
    const at = (secondsBefore: number) => new Date((slot.start - secondsBefore) * 1000);

    expect(await scheduler.runOnce(at(25 * 3600))).toBe(0);
    expect(await scheduler.runOnce(at(23 * 3600))).toBeGreaterThanOrEqual(1);
    expect(await scheduler.runOnce(at(23 * 3600 - 60))).toBe(0);
    const claims = await h.testDb.db
      .selectFrom('reminder_claims')
      .selectAll()
      .where('visit_id', '=', visitId)
      .execute();
    expect(claims.map((c) => c.offset_minutes)).toEqual([1440]);
    const until = Date.now() + 15_000;
    while (reminders().length < 1 && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    const reminder = reminders()[0]!;
    expect(linkIn(reminder, '/appointments/')).toBe(`${PUBLIC_URL}/appointments/${visitId}`);
    expect(reminder.text).toContain('Visit type: Follow-up (30 min).');
    await sender.drainOnce();
    expect(reminders()).toHaveLength(1);

    await h.testDb.db.updateTable('visits').set({ status: 'cancelled' }).where('id', '=', visitId).execute();
    await scheduler.runOnce(at(30 * 60));
    const after = await h.testDb.db
      .selectFrom('reminder_claims')
      .selectAll()
      .where('visit_id', '=', visitId)
      .execute();
    expect(after).toHaveLength(1);
  });

  it('an appointment booked inside both offsets gets one reminder at once; reminders off means none', async () => {
    const { fields, visitId, slot } = await bookFirstSlot();
    expect(await scheduler.runOnce(new Date((slot.start - 30 * 60) * 1000))).toBeGreaterThanOrEqual(1);
    const claims = await h.testDb.db
      .selectFrom('reminder_claims')
      .select('offset_minutes')
      .where('visit_id', '=', visitId)
      .execute();
    expect(claims.map((c) => c.offset_minutes).sort()).toEqual([1440, 60].sort());
    const queued = await h.testDb.db
      .selectFrom('outbox')
      .select('subject')
      .where('to_address', '=', fields.email)
      .execute();
    expect(queued.filter((r) => r.subject.startsWith('Reminder'))).toHaveLength(1);

    const other = await bookFirstSlot();
    // Turned off the way a patient does it: the profile's switch.
    const profile = await other.agent.get('/profile');
    expect(profile.text).toContain('Turn reminders off');
    const off = await other.agent
      .post('/profile/reminders')
      .type('form')
      .send({ _csrf: csrfFrom(profile.text), reminders: 'off' });
    expect(off.status).toBe(303);
    expect((await other.agent.get('/profile')).text).toContain('data-testid="reminders-off"');
    await scheduler.runOnce(new Date((other.slot.start - 30 * 60) * 1000));
    const none = await h.testDb.db
      .selectFrom('reminder_claims')
      .selectAll()
      .where('visit_id', '=', other.visitId)
      .execute();
    expect(none).toHaveLength(0);
  });

  it('canary: no visit reason or VSee token in any email or log line', async () => {
    await sender.drainOnce();
    const everything = [...smtp.raw, ...h.logLines].join('\n');
    expect(everything).not.toContain(reason);
    expect(everything).not.toContain('CANARYTOKEN');
  });
});

import { randomBytes } from 'node:crypto';
import { testId } from '../helpers/html';
import { csrfOf } from '../helpers/portal';
import {
  auditOf,
  beforeNextWorkday,
  type ClinicHarness,
  endpointsCalled,
  fieldError,
  followIntoSandbox,
  launchForm,
  parseLaunch,
  patientOf,
  sandboxVisitsOf,
  slotsOf,
  startClinic,
  visitRowsOf,
} from '../helpers/clinic';

const NEW_YORK = 'America/New_York';

/** What the portal should show for a Unix time in a zone: an independent Intl call, not the app's helper. */
const wallClock = (unixSeconds: number, timeZone: string) =>
  new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', minute: '2-digit' }).format(
    unixSeconds * 1000,
  );

describe('Schedule an appointment, against the sandbox', () => {
  let h: ClinicHarness;
  // The sandbox's slots follow its clock: pinned before a working day, the first slot offered is the
  // same at any time of day the tests run (09:00 UTC, where both providers have one).
  const clock = beforeNextWorkday();
  beforeAll(async () => {
    h = await startClinic({
      sandbox: { tokenFactory: () => `CANARY${randomBytes(14).toString('hex')}`, now: clock.now },
    });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sandbox.requestLog.clear());
  afterEach(() => expect(h.logLines.join('\n')).not.toContain('CANARY'));

  /** Books the first slot offered, as the patient would from the slot page. */
  async function book(agent: Parameters<typeof launchForm>[0], extra: Record<string, string> = {}) {
    const form = await launchForm(agent, `/appointments/new?tz=${NEW_YORK}`);
    const slot = slotsOf(form.page.text)[0]!;
    h.sandbox.requestLog.clear();
    const res = await agent
      .post('/appointments')
      .type('form')
      .send({ _csrf: form._csrf, launch_key: form.launchKey, slot: slot.value, tz: NEW_YORK, ...extra });
    return { res, slot, form };
  }

  it("lists the days with open times, then the first day's times, in the patient's time zone and on a 12-hour clock", async () => {
    const { agent, account } = await patientOf(h);

    const page = await agent.get(`/appointments/new?tz=${NEW_YORK}`);

    expect(page.status).toBe(200);
    expect(page.text).toMatch(/Times are shown in America\/New_York \((EST|EDT)\)/);
    const slots = slotsOf(page.text);
    expect(slots.length).toBeGreaterThan(0);
    const first = slots[0]!;
    // The sandbox opens slots from 09:00 UTC; in New York that is 04:00 or 05:00.
    expect(first.start).toBe(clock.firstSlotStart);
    expect(first.time).toBe(`${wallClock(first.start, NEW_YORK)}–${wallClock(first.end, NEW_YORK)}`);
    expect(first.time).not.toBe(`${wallClock(first.start, 'UTC')}–${wallClock(first.end, 'UTC')}`);
    // At 09:00 both providers have a slot: the 30-minute provider (id 501) is listed first, then 502.
    expect(first.provider).toBe('Avery Sandbox');
    expect(slots[1]).toMatchObject({ start: clock.firstSlotStart, provider: 'Jordan Example' });
    expect(first.time).toMatch(/^\d{1,2}:\d{2}\s(AM|PM)–/);
    // One day's times on the page; the other days are links, each with its count.
    expect(new Set(slots.map((s) => s.day)).size).toBe(1);
    expect(page.text.match(/class="day-link"/g)!.length).toBeGreaterThan(1);
    expect(testId(page.text, 'first-available')).toContain(wallClock(first.start, NEW_YORK));
    expect(slots.map((s) => s.start)).toEqual([...slots.map((s) => s.start)].sort((a, b) => a - b));

    // The room once (its visit types, kept for a few minutes), then SSO and availability: no second
    // read of the room for the clinic's time zone.
    const calls = h.sandbox.requestLog.entries();
    expect(calls.map((c) => c.endpoint)).toEqual(['rooms/:code', 'users/sso', 'availability']);
    const availability = calls.find((c) => c.endpoint === 'availability')!;
    expect(availability.method).toBe('GET');
    expect(availability.tokenKind).toBe('patient');
    expect(availability.fields).toMatchObject({
      room_code: h.vsee.roomCode,
      member_id: h.sandbox.state.userByCode(account.vsee_code)!.id,
    });
    expect(Number(availability.fields.end) - Number(availability.fields.start)).toBe(14 * 86_400);
  });

  it("without a time zone from the browser, it falls back to the clinic's zone and names it", async () => {
    const { agent } = await patientOf(h);
    const page = await agent.get('/appointments/new').expect(200);
    // The sandbox room's default_timezone is UTC.
    expect(page.text).toContain('Times are shown in UTC (UTC).');
    const first = slotsOf(page.text)[0]!;
    expect(first.time).toBe(`${wallClock(first.start, 'UTC')}–${wallClock(first.end, 'UTC')}`);
    expect(first.time).toBe('9:00 AM–9:30 AM');
  });

  it('booking a slot: SSO → intake (type 2) → POST /visits, then the confirmation page that says when it opens (no raw link)', async () => {
    const { agent, account } = await patientOf(h, { first_name: 'Booker', last_name: 'Tee' });

    const { res, slot, form } = await book(agent, { reason: 'Follow-up' });

    expect(res.status).toBe(303);
    const rows = await visitRowsOf(h, account.id);
    expect(rows).toHaveLength(1);
    expect(res.headers.location).toBe(`/appointments/${rows[0]!.id}`);
    const visit = sandboxVisitsOf(h, account.vsee_code).pop()!;
    expect(rows[0]).toMatchObject({
      kind: 'appointment',
      launch_key: form.launchKey,
      vsee_visit_id: visit.id,
      status: 'confirmed',
      appointment_token: visit.appointmentToken,
      provider_name: expect.stringContaining(slot.provider),
      starts_at: slot.start,
      ends_at: slot.end,
    });
    const member = h.sandbox.state.userByCode(account.vsee_code)!;
    const calls = h.sandbox.requestLog.entries();
    expect(calls.map((c) => c.endpoint)).toEqual(['users/sso', 'intakes', 'visits']);
    expect(calls[1]!.fields).toMatchObject({
      type: 2,
      member_id: member.id,
      provider_id: slot.providerId,
      reason_for_visit: 'Follow-up',
      room_code: h.vsee.roomCode,
    });
    expect(calls[2]!.tokenKind).toBe('patient');
    expect(calls[2]!.fields).toEqual({
      intake_id: visit.intakeId,
      room_code: h.vsee.roomCode,
      provider_id: slot.providerId,
      member_id: member.id,
      start: slot.start,
      end: slot.end,
      timezone: NEW_YORK,
    });
    const audit = await auditOf(h, account.id, 'launch_appointment');
    expect(audit).toEqual([expect.objectContaining({ outcome: 'success', vsee_visit_id: visit.id })]);

    const page = await agent.get(res.headers.location!).expect(200);
    expect(testId(page.text, 'appointment-when')).toContain(wallClock(slot.start, NEW_YORK));
    expect(testId(page.text, 'appointment-when')).toContain(slot.day);
    expect(testId(page.text, 'appointment-provider')).toBe(rows[0]!.provider_name);
    // The one-time link is a credential: Open appointment uses it, the page never shows it.
    expect(page.text).not.toContain(visit.appointmentToken!);
    expect(testId(page.text, 'appointment-opens')).toMatch(
      /You can open the appointment (now|from .*15 minutes before it starts)/,
    );
  });

  it('Open appointment: a fresh SSO token, a 302 through /auth, landing on the sandbox page of that appointment', async () => {
    const { agent, account } = await patientOf(h, { first_name: 'Opal', last_name: 'Open' });
    const { res: booked } = await book(agent);
    const visit = sandboxVisitsOf(h, account.vsee_code).pop()!;
    const _csrf = await csrfOf(agent, booked.headers.location!);
    h.sandbox.requestLog.clear();

    const res = await agent.post(`${booked.headers.location!}/open`).type('form').send({ _csrf });

    expect(res.status).toBe(302);
    expect(res.text).toBe('');
    const launch = parseLaunch(res.headers.location);
    expect(launch.origin).toBe(h.sandbox.url);
    expect(launch.path).toBe('/vc/next/auth');
    expect(launch.ssoToken).toBe(h.sandbox.state.lastTokenFor(account.vsee_code));
    expect(launch.next).toBe(`/members/appointment/${visit.id}?token=${visit.appointmentToken}`);
    // The visit is read back first: no link is built until VSee says it is this patient's.
    expect(endpointsCalled(h)).toEqual(['users/sso', 'visits/:id']);
    const audit = await auditOf(h, account.id, 'launch_open_appointment');
    expect(audit).toEqual([expect.objectContaining({ outcome: 'success', vsee_visit_id: visit.id })]);

    const { page } = await followIntoSandbox(h, res.headers.location!);
    expect(page.status).toBe(200);
    expect(testId(page.text, 'page-title')).toBe(`Appointment ${visit.id}`);
    expect(testId(page.text, 'visit-id')).toBe(visit.id);
    expect(testId(page.text, 'logged-in-as')).toBe('Opal Open');
  });

  it('Add to calendar: a text/calendar file whose DTSTART is the booked slot', async () => {
    const { agent } = await patientOf(h);
    const { res: booked, slot } = await book(agent);

    const ics = await agent.get(`${booked.headers.location!}/calendar.ics`);

    expect(ics.status).toBe(200);
    expect(ics.headers['content-type']).toMatch(/^text\/calendar/);
    const utc = new Date(slot.start * 1000)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    expect(ics.text).toContain(`DTSTART:${utc}\r\n`);
  });

  it('when the slot was taken meanwhile, the patient is back on the slot page with "that time was just taken" and no visit is left', async () => {
    const first = await patientOf(h);
    const second = await patientOf(h);
    const form = await launchForm(second.agent, '/appointments/new');
    const slot = slotsOf(form.page.text)[0]!;
    await book(first.agent); // the same first slot, booked by someone else first
    h.sandbox.requestLog.clear();

    const res = await second.agent
      .post('/appointments')
      .type('form')
      .send({ _csrf: form._csrf, launch_key: form.launchKey, slot: slot.value, reason: 'Kept' });

    expect(res.status).toBe(409);
    expect(fieldError(res.text, 'slot')).toBe('Sorry, that time was just taken. Please choose another.');
    expect(slotsOf(res.text).map((s) => s.value)).not.toContain(slot.value);
    expect(res.text).toContain('value="Kept"');
    expect(endpointsCalled(h).slice(0, 3)).toEqual(['users/sso', 'intakes', 'visits']);
    expect((await visitRowsOf(h, second.account.id)).map((r) => r.status)).toEqual(['failed']);
    expect(sandboxVisitsOf(h, second.account.vsee_code)).toHaveLength(0);
    const visits = await second.agent.get('/visits').expect(200);
    expect(visits.text).toContain('You have no visits yet.');
  });

  it('resubmitting the same launch key returns the same appointment, with one POST /visits', async () => {
    const { agent, account } = await patientOf(h);
    const { res: one, slot, form } = await book(agent);

    const two = await agent
      .post('/appointments')
      .type('form')
      .send({ _csrf: form._csrf, launch_key: form.launchKey, slot: slot.value, tz: NEW_YORK });

    expect(two.status).toBe(303);
    expect(two.headers.location).toBe(one.headers.location);
    expect(endpointsCalled(h).filter((e) => e === 'visits')).toHaveLength(1);
    expect(await visitRowsOf(h, account.id)).toHaveLength(1);
    expect(sandboxVisitsOf(h, account.vsee_code)).toHaveLength(1);
  });

  it('an invalid slot value is answered 400 with the message beside the field, and nothing is booked', async () => {
    const { agent, account } = await patientOf(h);
    const form = await launchForm(agent, '/appointments/new');
    h.sandbox.requestLog.clear();

    const res = await agent
      .post('/appointments')
      .type('form')
      .send({ _csrf: form._csrf, launch_key: form.launchKey, slot: 'tomorrow-at-nine', reason: 'Rash' });

    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'slot')).toBe('Choose a time');
    expect(res.text).toContain('value="Rash"');
    expect(endpointsCalled(h)).not.toContain('intakes');
    expect(endpointsCalled(h)).not.toContain('visits');
    expect(await visitRowsOf(h, account.id)).toHaveLength(0);
  });
});

import { SEEDED_CONSULTATIONS } from '../../src/sandbox/seed';
import {
  dayLinksOf,
  type ClinicHarness,
  endpointsCalled,
  launchForm,
  patientOf,
  slotsOf,
  startClinic,
} from '../helpers/clinic';
import { textOf } from '../helpers/i18n';

/** The query and body fields of the sandbox's availability calls since the log was cleared. */
function availabilityCalls(h: ClinicHarness) {
  return h.sandbox.requestLog.entries().filter((e) => e.endpoint === 'availability');
}

const escaped = (text: string) => text.replace(/'/g, '&#39;').replace(/"/g, '&#34;');

describe('the booking page asks for the visit type when the clinic offers several', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    // The sandbox's own room: two types, 15 and 30 minutes.
    h = await startClinic({ sandbox: { consultations: SEEDED_CONSULTATIONS } });
  });
  afterAll(() => h.close());

  it('asks for the type first, without asking VSee for times; sending no choice says to choose', async () => {
    const { agent } = await patientOf(h);
    h.sandbox.requestLog.clear();
    const page = await agent.get('/appointments/new?tz=UTC').expect(200);
    expect(page.text).toContain(escaped(textOf('schedule.chooseType')));
    expect(page.text).toContain('Consultation (15 min)');
    expect(page.text).toContain('Consultation (30 min)');
    expect(slotsOf(page.text)).toEqual([]);
    expect(endpointsCalled(h)).not.toContain('availability');
    expect(endpointsCalled(h)).not.toContain('users/sso');

    const none = await agent.get('/appointments/new?tz=UTC&step=type').expect(400);
    expect(none.text).toContain(textOf('schedule.typeMissing'));
  });

  it('a chosen type goes to availability as consultation_id, stays in the day links and the forms, and is kept with the appointment', async () => {
    const { agent, account } = await patientOf(h);
    h.sandbox.requestLog.clear();
    const { page, launchKey, _csrf } = await launchForm(agent, '/appointments/new?tz=UTC&type=2');
    expect(availabilityCalls(h).map((c) => c.fields.consultation_id)).toEqual(['2']);
    const slots = slotsOf(page.text);
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.every((s) => s.end - s.start === 30 * 60)).toBe(true);
    expect(page.text).toContain('data-testid="visit-type"');
    const days = dayLinksOf(page.text);
    expect(days.length).toBeGreaterThan(1);
    expect(days.every((d) => d.includes('type=2'))).toBe(true);
    expect(page.text).toContain('<input type="hidden" name="type" value="2">');

    const booked = await agent
      .post('/appointments')
      .type('form')
      .send({ _csrf, launch_key: launchKey, slot: slots[0]!.value, tz: 'UTC', type: '2' });
    expect(booked.status).toBe(303);

    // The type stays with the appointment: its page and its confirmation email name it.
    const appointment = await agent.get(booked.headers.location!).expect(200);
    expect(appointment.text).toMatch(
      /<dt>Type of visit<\/dt><dd data-testid="appointment-type">Consultation \(30 min\)<\/dd>/,
    );
    const visitId = Number(/\/appointments\/(\d+)$/.exec(booked.headers.location!)![1]);
    const [row] = await h.testDb.db
      .selectFrom('visits')
      .select('visit_type')
      .where('id', '=', visitId)
      .execute();
    expect(row!.visit_type).toBe('Consultation (30 min)');
    const mail = await h.testDb.db
      .selectFrom('outbox')
      .select('text_body')
      .where('to_address', '=', account.email)
      .where('subject', 'like', '%appointment%')
      .execute();
    expect(mail.map((m) => m.text_body).join('\n')).toContain('Visit type: Consultation (30 min).');
  });

  it('a type the room does not offer answers 400 with a clear message and books nothing', async () => {
    const { agent } = await patientOf(h);
    const unknown = await agent.get('/appointments/new?tz=UTC&type=99').expect(400);
    expect(unknown.text).toContain(escaped(textOf('schedule.typeUnknown')));
    expect(unknown.text).toContain('Consultation (30 min)');

    const { page, launchKey, _csrf } = await launchForm(agent, '/appointments/new?tz=UTC&type=1');
    const slot = slotsOf(page.text)[0]!;
    h.sandbox.requestLog.clear();
    const posted = await agent
      .post('/appointments')
      .type('form')
      .send({ _csrf, launch_key: launchKey, slot: slot.value, tz: 'UTC', type: '99' });
    expect(posted.status).toBe(400);
    expect(posted.text).toContain(escaped(textOf('schedule.typeUnknown')));
    expect(endpointsCalled(h)).not.toContain('visits');
    expect(endpointsCalled(h)).not.toContain('intakes');
  });
});

describe('with one visit type the booking page skips the step', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic();
  });
  afterAll(() => h.close());

  it('lists times at once, and asks VSee for them without a consultation', async () => {
    const { agent } = await patientOf(h);
    h.sandbox.requestLog.clear();
    const { page } = await launchForm(agent, '/appointments/new?tz=UTC');
    expect(slotsOf(page.text).length).toBeGreaterThan(0);
    expect(page.text).not.toContain(escaped(textOf('schedule.chooseType')));
    expect(availabilityCalls(h).map((c) => c.fields.consultation_id)).toEqual([undefined]);
  });
});

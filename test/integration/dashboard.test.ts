import { testId } from '../helpers/html';
import {
  type ClinicHarness,
  launchForm,
  patientOf,
  slotsOf,
  startClinic,
  walkinForm,
} from '../helpers/clinic';

describe('a dashboard that knows the patient', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic();
  });
  afterAll(() => h.close());

  it('a new patient sees the four actions, See a doctor now first, and nothing about visits; VSee is not asked', async () => {
    const { agent } = await patientOf(h);
    h.sandbox.requestLog.clear();
    const page = await agent.get('/').expect(200);
    expect(testId(page.text, 'dashboard-summary')).toBeUndefined();
    const actions = [...page.text.matchAll(/<h3>([^<]+)<\/h3>/g)].map((m) => m[1]);
    expect(actions).toEqual([
      'See a doctor now',
      'Schedule an appointment',
      'Ask a doctor (eConsult)',
      'Go to Clinic',
    ]);
    expect(page.text).toContain('href="/device-check"');
    expect(h.sandbox.requestLog.entries()).toEqual([]);
  });

  it('with a walk-in open, an appointment booked and a question waiting, says so with Rejoin, Open appointment and Add to calendar', async () => {
    const { agent } = await patientOf(h);
    const walkin = await walkinForm(agent);
    await agent
      .post('/visits/walkin')
      .type('form')
      .send({ _csrf: walkin._csrf, launch_key: walkin.launchKey })
      .expect(302);
    const booking = await launchForm(agent, '/appointments/new?tz=America/New_York');
    const slot = slotsOf(booking.page.text)[0]!;
    const booked = await agent
      .post('/appointments')
      .type('form')
      .send({ _csrf: booking._csrf, launch_key: booking.launchKey, slot: slot.value, tz: 'America/New_York' })
      .expect(303);
    const question = await launchForm(agent, '/econsult/new');
    await agent
      .post('/econsult')
      .type('form')
      .send({ _csrf: question._csrf, launch_key: question.launchKey, reason: 'A rash' })
      .expect(303);

    const page = await agent.get('/').expect(200);

    expect(page.text).toContain('You are in the waiting room');
    expect(page.text).toMatch(/action="\/visits\/\d+\/rejoin"/);
    expect(page.text).toContain('Your next appointment');
    expect(page.text).toContain(`href="${booked.headers.location}"`);
    expect(page.text).toContain(`href="${booked.headers.location}/calendar.ics"`);
    expect(page.text).toMatch(/You can open it from .* (AM|PM) E[SD]T\./);
    expect(page.text).toContain('Questions waiting for an answer');
    // The summary comes before the actions.
    expect(page.text.indexOf('You are in the waiting room')).toBeLessThan(
      page.text.indexOf('<h3>See a doctor now</h3>'),
    );
  });
});

import { type ClinicHarness, endpointsCalled, launchForm, patientOf, startClinic } from '../helpers/clinic';

/** The slot page asks VSee (SSO, availability, the room): it must be cheap to view and bounded per patient. */
describe('Schedule an appointment: a slot page that is cheap and bounded', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic();
  });
  afterAll(() => h.close());
  beforeEach(() => h.sandbox.requestLog.clear());

  // First in this file: the room is read by the first slot page of the process.
  it('the room is read once for everyone: the first view asks VSee for it once (visit types and time zone), later views of other patients not at all', async () => {
    const first = await patientOf(h);
    h.sandbox.requestLog.clear();

    // No time zone from the browser: the page needs the clinic's, from the same room as the types.
    const page = await first.agent.get('/appointments/new').expect(200);

    expect(page.text).toContain('Times are shown in UTC (UTC).');
    expect(endpointsCalled(h)).toEqual(['rooms/:code', 'users/sso', 'availability']);

    const second = await patientOf(h);
    h.sandbox.requestLog.clear();
    await second.agent.get('/appointments/new').expect(200);
    expect(endpointsCalled(h)).toEqual(['users/sso', 'availability']);
  });

  it('views within a short time reuse the patient’s slot list: 10 views, one SSO', async () => {
    const { agent } = await patientOf(h);
    h.sandbox.requestLog.clear();

    for (let i = 0; i < 10; i++) await agent.get('/appointments/new').expect(200);

    expect(endpointsCalled(h).filter((e) => e === 'users/sso')).toHaveLength(1);
    expect(endpointsCalled(h).filter((e) => e === 'availability')).toHaveLength(1);
  });

  it('views are counted against the per-patient launch limit: past 30 a minute the page answers 429 and asks VSee nothing', async () => {
    const { agent } = await patientOf(h);
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) statuses.push((await agent.get('/appointments/new')).status);

    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429, 429, 429, 429]);
    expect(endpointsCalled(h).filter((e) => e === 'users/sso')).toHaveLength(1);
  });

  it('a form error on booking redraws the slots without calling VSee again', async () => {
    const { agent } = await patientOf(h);
    const form = await launchForm(agent, '/appointments/new');
    h.sandbox.requestLog.clear();

    const res = await agent
      .post('/appointments')
      .type('form')
      .send({ _csrf: form._csrf, launch_key: form.launchKey, slot: '' });

    expect(res.status).toBe(400);
    expect(res.text).toContain('Choose a time');
    expect(endpointsCalled(h)).toEqual([]);
  });
});

import { randomUUID } from 'node:crypto';
import { SANDBOX_CREDENTIALS } from '../../src/sandbox';
import {
  type Agent,
  type ClinicHarness,
  endpointsCalled,
  launchForm,
  myVisit,
  patientOf,
  sandboxVisitsOf,
  slotsOf,
  startClinic,
  visitRowsOf,
  walkinForm,
} from '../helpers/clinic';
import { testId } from '../helpers/html';
import { testConfig } from '../helpers/portal';
import { until } from '../helpers/waiting';

jest.setTimeout(60_000);

// The harness's VSee client gives up on a call after 1.5 s; the sandbox's latency knob waits, then
// does the work: VSee creates the visit after the portal has given up ("late create").
const LATE_MS = 6_000;

function pressWalkin(agent: Agent, form: { _csrf: string; launchKey: string }) {
  return agent.post('/visits/walkin').type('form').send({ _csrf: form._csrf, launch_key: form.launchKey });
}

/** A fresh dashboard form each time: a new launch key, as a patient pressing again from the dashboard. */
async function pressFromDashboard(agent: Agent) {
  return pressWalkin(agent, await walkinForm(agent));
}

function landedIn(location: string | undefined): string | null {
  return new URL(location!).searchParams.get('next');
}

describe('exactly one visit per intent, against the sandbox over HTTP', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    // No admin token: a lost answer is found through the intake alone (the visit list has its own test).
    h = await startClinic({ vsee: { adminToken: undefined } });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sandbox.requestLog.clear());
  afterEach(() => h.sandbox.knobs.reset());

  it('late walk-in: VSee creates the visit after the portal gave up; presses from new forms check first, then land in that one visit', async () => {
    const { agent, account } = await patientOf(h);
    h.sandbox.knobs.setLatency('visits/add_walkin', LATE_MS);

    const first = await pressFromDashboard(agent);

    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/visits/checking');
    expect(await visitRowsOf(h, account.id)).toEqual([expect.objectContaining({ status: 'unknown' })]);
    // Pressed again at once from the dashboard (a new form): VSee has not said yet, nothing new is sent.
    const again = await pressFromDashboard(agent);
    expect(again.headers.location).toBe('/visits/checking');
    const checking = await agent.get('/visits/checking');
    expect(checking.status).toBe(202);
    expect(checking.headers.refresh).toBe('5');
    expect(testId(checking.text, 'checking')).toContain('asking the clinic');

    await until(() => sandboxVisitsOf(h, account.vsee_code).length === 1);
    h.sandbox.knobs.reset();
    const [visit] = sandboxVisitsOf(h, account.vsee_code);

    // The page that checks by itself now finds the visit and sends the patient to My visits.
    const settled = await agent.get('/visits/checking');
    expect(settled.status).toBe(303);
    expect(settled.headers.location).toBe('/visits');
    const third = await pressFromDashboard(agent);

    expect(third.status).toBe(302);
    expect(landedIn(third.headers.location)).toBe(`/visits/start/${visit!.id}`);
    expect(sandboxVisitsOf(h, account.vsee_code)).toHaveLength(1);
    expect(endpointsCalled(h).filter((e) => e === 'visits/add_walkin')).toHaveLength(1);
    const rows = await visitRowsOf(h, account.id);
    const shown = rows.filter((r) => r.status !== 'failed');
    expect(shown).toEqual([expect.objectContaining({ vsee_visit_id: visit!.id, status: 'pending' })]);
    expect(await myVisit(agent, shown[0]!.id)).toMatchObject({
      status: 'Waiting for a provider',
      rejoin: true,
    });
  });

  it('late booking: the patient’s own slot is not "just taken"; the booking is found and shown as booked, once', async () => {
    const { agent, account } = await patientOf(h);
    const form = await launchForm(agent, '/appointments/new');
    const slot = slotsOf(form.page.text)[0]!;
    h.sandbox.knobs.setLatency('visits', LATE_MS);

    const first = await agent
      .post('/appointments')
      .type('form')
      .send({ _csrf: form._csrf, launch_key: form.launchKey, slot: slot.value });
    expect(first.headers.location).toBe('/visits/checking');
    const retry = await launchForm(agent, '/appointments/new');
    const book = () =>
      agent
        .post('/appointments')
        .type('form')
        .send({ _csrf: retry._csrf, launch_key: retry.launchKey, slot: slot.value });
    expect((await book()).headers.location).toBe('/visits/checking');

    await until(() => sandboxVisitsOf(h, account.vsee_code).length === 1);
    h.sandbox.knobs.reset();
    const res = await book();

    const rows = (await visitRowsOf(h, account.id)).filter((r) => r.vsee_visit_id !== null);
    expect(rows).toEqual([expect.objectContaining({ starts_at: slot.start, status: 'confirmed' })]);
    // Read back from VSee once found: the provider, as a normal booking has it.
    expect(rows[0]!.provider_name).toContain(slot.provider);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/appointments/${rows[0]!.id}`);
    expect(sandboxVisitsOf(h, account.vsee_code)).toHaveLength(1);
    expect(endpointsCalled(h).filter((e) => e === 'visits')).toHaveLength(1);
    expect(await myVisit(agent, rows[0]!.id)).toMatchObject({ status: 'Booked' });
  });

  it('late eConsult: the same form sent again checks first, then finds the one eConsult', async () => {
    const { agent, account } = await patientOf(h);
    const form = await launchForm(agent, '/econsult/new');
    const send = () =>
      agent
        .post('/econsult')
        .type('form')
        .send({ _csrf: form._csrf, launch_key: form.launchKey, reason: 'Rash on my arm' });
    h.sandbox.knobs.setLatency('visits/add_econsult', LATE_MS);

    expect((await send()).headers.location).toBe('/visits/checking');
    expect((await send()).headers.location).toBe('/visits/checking');
    await until(() => sandboxVisitsOf(h, account.vsee_code).length === 1);
    h.sandbox.knobs.reset();
    const res = await send();

    const [row] = await visitRowsOf(h, account.id);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/econsult/${row!.id}`);
    expect(sandboxVisitsOf(h, account.vsee_code)).toHaveLength(1);
    expect(endpointsCalled(h).filter((e) => e === 'visits/add_econsult')).toHaveLength(1);
    expect(await myVisit(agent, row!.id)).toMatchObject({ status: 'Submitted' });
  });

  it('a booking whose answer was lost and whose intake cannot be read back, resubmitted, books once', async () => {
    const { agent, account } = await patientOf(h);
    const form = await launchForm(agent, '/appointments/new');
    const slot = slotsOf(form.page.text)[0]!;
    const book = () =>
      agent
        .post('/appointments')
        .type('form')
        .send({ _csrf: form._csrf, launch_key: form.launchKey, slot: slot.value });
    h.sandbox.knobs.failNext('visits', { status: 500, when: 'after' });
    h.sandbox.knobs.failNext('intakes/:id', { status: 503, times: 1000 });

    expect((await book()).headers.location).toBe('/visits/checking');
    expect(await myVisit(agent, (await visitRowsOf(h, account.id))[0]!.id)).toMatchObject({
      status: 'Checking with the clinic',
    });
    expect((await book()).headers.location).toBe('/visits/checking');
    h.sandbox.knobs.reset();
    const res = await book();

    const [row] = await visitRowsOf(h, account.id);
    expect(res.headers.location).toBe(`/appointments/${row!.id}`);
    expect(sandboxVisitsOf(h, account.vsee_code)).toHaveLength(1);
    expect(endpointsCalled(h).filter((e) => e === 'visits')).toHaveLength(1);
    expect(row).toMatchObject({ status: 'confirmed', starts_at: slot.start });
  });

  it('three presses of See a doctor now from three tabs (three forms) at once end in one visit', async () => {
    const { agent, account } = await patientOf(h);
    const forms = [await walkinForm(agent), await walkinForm(agent), await walkinForm(agent)];
    h.sandbox.knobs.setLatency('visits/add_walkin', 300);

    const presses = await Promise.all(forms.map((form) => pressWalkin(agent, form)));

    const [visit, ...others] = sandboxVisitsOf(h, account.vsee_code);
    expect(others).toEqual([]);
    expect(presses.map((r) => r.status)).toEqual([302, 302, 302]);
    expect(presses.map((r) => landedIn(r.headers.location))).toEqual(
      Array(3).fill(`/visits/start/${visit!.id}`),
    );
    expect(endpointsCalled(h).filter((e) => e === 'visits/add_walkin')).toHaveLength(1);
    const shown = (await visitRowsOf(h, account.id)).filter((r) => r.vsee_visit_id !== null);
    expect(shown).toHaveLength(1);
    expect((await agent.get('/visits').expect(200)).text.match(/data-testid="visit-\d+"/g)).toHaveLength(1);
  });

  it('the status of a visit never moves backwards: a webhook said in progress, then Invite and a repeated press read VSee’s older "pending"', async () => {
    const secret = 'exactly-once-webhook-secret-0123';
    const h2 = await startClinic({
      vsee: { adminToken: undefined },
      config: testConfig({ VSEE_WEBHOOK_SECRET: secret }),
    });
    try {
      const { agent, account } = await patientOf(h2);
      await pressFromDashboard(agent).then((r) => expect(r.status).toBe(302));
      const [row] = await visitRowsOf(h2, account.id);
      await agent
        .post(`/webhooks/vsee/${secret}`)
        .send({
          version: '1.0',
          id: randomUUID(),
          type: 'visit.updated',
          created: Math.floor(Date.now() / 1000),
          account_code: 'sandbox',
          data: { id: row!.vsee_visit_id, status: '25' },
        })
        .expect(200);

      await agent.get(`/visits/${row!.id}/invite`).expect(200);
      const again = await pressFromDashboard(agent);

      expect(landedIn(again.headers.location)).toBe(`/visits/start/${row!.vsee_visit_id}`);
      expect(sandboxVisitsOf(h2, account.vsee_code)[0]!.status).toBe('10'); // VSee still says pending
      expect((await visitRowsOf(h2, account.id)).filter((r) => r.vsee_visit_id)).toEqual([
        expect.objectContaining({ status: 'in_progress' }),
      ]);
    } finally {
      await h2.close();
    }
  });
});

describe('unknown outcomes: settled after the late-create grace, and a checking page bounded in time', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic({
      vsee: { adminToken: undefined },
      clinicTiming: { lateCreateGraceMs: 300, checkingForMs: 60_000 },
    });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sandbox.requestLog.clear());
  afterEach(() => h.sandbox.knobs.reset());

  it('when VSee says the intake has no visit once the grace has passed, the earlier press made nothing and the next press creates one visit', async () => {
    const { agent, account } = await patientOf(h);
    h.sandbox.knobs.failNext('visits/add_walkin', { status: 500 });
    expect((await pressFromDashboard(agent)).headers.location).toBe('/visits/checking');

    await new Promise((resolve) => setTimeout(resolve, 400));
    const settled = await agent.get('/visits/checking');
    expect(settled.headers.location).toBe('/visits');
    expect((await agent.get('/visits').expect(200)).text).toContain('You have no visits yet.');
    const res = await pressFromDashboard(agent);

    expect(res.status).toBe(302);
    expect(sandboxVisitsOf(h, account.vsee_code)).toHaveLength(1);
  });

  it('while VSee cannot be read, the checking page keeps checking by itself, then says what to do', async () => {
    const { agent, account } = await patientOf(h);
    h.sandbox.knobs.failNext('visits/add_walkin', { status: 500 });
    h.sandbox.knobs.failNext('intakes/:id', { status: 503, times: 1000 });
    await pressFromDashboard(agent);

    const checking = await agent.get('/visits/checking');
    expect(checking.status).toBe(202);
    expect(checking.headers.refresh).toBe('5');
    expect((await pressFromDashboard(agent)).headers.location).toBe('/visits/checking');
    expect((await agent.get('/').expect(200)).text).toContain('data-testid="checking-earlier"');

    // Two minutes later (the row's clock moved back), the page stops refreshing and says what to do.
    const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
    await h.testDb.db
      .updateTable('visits')
      .set({ status_updated_at: twoMinutesAgo })
      .where('account_id', '=', account.id)
      .execute();
    const gaveUp = await agent.get('/visits/checking');
    expect(gaveUp.status).toBe(202);
    expect(gaveUp.headers.refresh).toBeUndefined();
    expect(testId(gaveUp.text, 'checking-gave-up')?.replace(/\s+/g, ' ')).toContain(
      'We did not send a second one',
    );
    expect(sandboxVisitsOf(h, account.vsee_code)).toHaveLength(0);
    expect(endpointsCalled(h).filter((e) => e === 'visits/add_walkin')).toHaveLength(1);
  });

  it('with an admin token, a lost create whose intake cannot be read is found in the clinic’s visit list', async () => {
    const h2 = await startClinic({ vsee: { adminToken: SANDBOX_CREDENTIALS.adminToken } });
    try {
      const { agent, account } = await patientOf(h2);
      h2.sandbox.knobs.failNext('visits/add_walkin', { status: 502, when: 'after' });
      h2.sandbox.knobs.failNext('intakes/:id', { status: 503, times: 3 });

      const res = await pressFromDashboard(agent);

      const [visit] = sandboxVisitsOf(h2, account.vsee_code);
      expect(res.status).toBe(302);
      expect(landedIn(res.headers.location)).toBe(`/visits/start/${visit!.id}`);
      expect(endpointsCalled(h2)).toContain('visits/list');
      expect(sandboxVisitsOf(h2, account.vsee_code)).toHaveLength(1);
    } finally {
      await h2.close();
    }
  });
});

import {
  beforeNextWorkday,
  type ClinicHarness,
  endpointsCalled,
  errorPageOf,
  launchForm,
  parseLaunch,
  patientOf,
  sandboxVisitsOf,
  slotsOf,
  startClinic,
  visitRowsOf,
  walkinForm,
  type Agent,
} from '../helpers/clinic';
import { csrfOf } from '../helpers/portal';

// The per-patient limits in front of VSee, closed appointments, and the walk-in VSee cannot say
// anything about. Each case counts what reached the sandbox, not only what the patient saw.

describe('launch limits and closed visits, against the sandbox', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    // The default limits (3 new visits and 30 launches per patient per minute), as in production.
    h = await startClinic({ sandbox: { now: beforeNextWorkday().now } });
  });
  afterAll(() => h.close());
  beforeEach(() => {
    h.sandbox.knobs.reset();
    h.sandbox.requestLog.clear();
  });

  /** Books the first slot the page offers, with the page's own form, as the patient would. */
  async function book(agent: Agent) {
    const form = await launchForm(agent, '/appointments/new');
    h.sandbox.requestLog.clear();
    const res = await agent
      .post('/appointments')
      .type('form')
      .send({ _csrf: form._csrf, launch_key: form.launchKey, slot: slotsOf(form.page.text)[0]!.value });
    return { res, calls: endpointsCalled(h) };
  }

  const postVisitsCalls = () =>
    h.sandbox.requestLog.entries().filter((c) => c.endpoint === 'visits' && c.method === 'POST');

  it('a 4th new appointment within a minute → 429, and VSee never sees a 4th POST /visits', async () => {
    const { agent, account } = await patientOf(h);
    for (let i = 0; i < 3; i += 1) {
      const { res, calls } = await book(agent);
      expect(res.status).toBe(303);
      expect(calls).toContain('visits');
    }

    const { res, calls } = await book(agent);

    expect(res.status).toBe(429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    expect(calls).not.toContain('visits');
    expect(calls).not.toContain('intakes');
    expect(sandboxVisitsOf(h, account.vsee_code)).toHaveLength(3);
    expect((await visitRowsOf(h, account.id)).filter((r) => r.status === 'confirmed')).toHaveLength(3);
    expect(postVisitsCalls()).toEqual([]);
  });

  it('the 31st launch within a minute → 429, with no SSO call for it', async () => {
    const { agent } = await patientOf(h);
    const _csrf = await csrfOf(agent, '/');
    const go = () => agent.post('/clinic/go').type('form').send({ _csrf });
    for (let i = 0; i < 30; i += 1) expect((await go()).status).toBe(302);
    expect(endpointsCalled(h).filter((e) => e === 'users/sso')).toHaveLength(30);
    h.sandbox.requestLog.clear();

    const res = await go();

    expect(res.status).toBe(429);
    expect(res.headers.location).toBeUndefined();
    expect(h.sandbox.requestLog.entries()).toEqual([]);
  });

  describe('opening an appointment that is over → 409 "This visit has ended", no SSO call', () => {
    async function bookedAppointment() {
      const { agent, account } = await patientOf(h);
      const { res } = await book(agent);
      expect(res.status).toBe(303);
      const [row] = await visitRowsOf(h, account.id);
      return { agent, id: row!.id };
    }

    async function open(agent: Agent, id: number) {
      const _csrf = await csrfOf(agent, `/appointments/${id}`);
      h.sandbox.requestLog.clear();
      return agent.post(`/appointments/${id}/open`).type('form').send({ _csrf });
    }

    it('cancelled', async () => {
      const { agent, id } = await bookedAppointment();
      await h.testDb.db.updateTable('visits').set({ status: 'cancelled' }).where('id', '=', id).execute();

      const res = await open(agent, id);

      expect(res.status).toBe(409);
      expect(errorPageOf(res.text).title).toBe('This visit has ended');
      expect(res.headers.location).toBeUndefined();
      expect(h.sandbox.requestLog.entries()).toEqual([]);
    });

    it('ended (its end time has passed)', async () => {
      const { agent, id } = await bookedAppointment();
      const anHourAgo = Math.floor(Date.now() / 1000) - 3600;
      await h.testDb.db
        .updateTable('visits')
        .set({ starts_at: anHourAgo - 1800, ends_at: anHourAgo })
        .where('id', '=', id)
        .execute();

      const res = await open(agent, id);

      expect(res.status).toBe(409);
      expect(errorPageOf(res.text).title).toBe('This visit has ended');
      expect(h.sandbox.requestLog.entries()).toEqual([]);
    });
  });

  it('VSee cannot say whether the open walk-in is still open: a new press goes back into the same visit', async () => {
    const { agent, account } = await patientOf(h);
    const first = await walkinForm(agent);
    const one = await agent
      .post('/visits/walkin')
      .type('form')
      .send({ launch_key: first.launchKey, _csrf: first._csrf });
    expect(one.status).toBe(302);
    const [visit] = sandboxVisitsOf(h, account.vsee_code);

    // From the dashboard again: a new form, so a new launch key, while GET visits/:id keeps failing.
    const second = await walkinForm(agent);
    expect(second.launchKey).not.toBe(first.launchKey);
    h.sandbox.requestLog.clear();
    // More failures than one press reads (3 attempts a read): VSee stays unreadable for the whole press.
    h.sandbox.knobs.failNext('visits/:id', { status: 503, times: 9 });

    const two = await agent
      .post('/visits/walkin')
      .type('form')
      .send({ launch_key: second.launchKey, _csrf: second._csrf });

    expect(two.status).toBe(302);
    expect(parseLaunch(two.headers.location).next).toBe(`/visits/start/${visit!.id}`);
    // Every read of the visit failed: the press went back on "VSee cannot say", not on a good answer.
    const reads = h.sandbox.requestLog.entries().filter((c) => c.endpoint === 'visits/:id');
    expect(reads.length).toBeGreaterThan(0);
    expect(reads.map((c) => c.status)).toEqual(reads.map(() => 503));
    expect(endpointsCalled(h)).not.toContain('visits/add_walkin');
    expect(endpointsCalled(h)).not.toContain('intakes');
    expect(sandboxVisitsOf(h, account.vsee_code)).toHaveLength(1);
    const open = (await visitRowsOf(h, account.id)).filter((r) => r.vsee_visit_id !== null);
    expect(open.map((r) => r.vsee_visit_id)).toEqual([visit!.id]);
  });
});

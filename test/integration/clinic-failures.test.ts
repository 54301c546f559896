import { randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import type { EndpointName, FailureSpec } from '../../src/sandbox/knobs';
import { csrfOf } from '../helpers/portal';
import {
  auditOf,
  type ClinicHarness,
  endpointsCalled,
  errorPageOf,
  launchForm,
  patientOf,
  sandboxVisitsOf,
  slotsOf,
  startClinic,
  visitRowsOf,
  walkinForm,
} from '../helpers/clinic';

type Kind = 'unavailable' | 'timeout' | 'rejected' | 'bad_response';
type Flow = 'clinic' | 'walkin' | 'slots' | 'booking' | 'econsult' | 'invite';

/** How the sandbox fails a call, and the VseeError kind the client must turn it into. */
const MODES: Record<string, { spec: FailureSpec; kind: Kind }> = {
  '401': { spec: { status: 401 }, kind: 'rejected' },
  '500': { spec: { status: 500 }, kind: 'unavailable' },
  'a timeout': { spec: { mode: 'hang' }, kind: 'timeout' }, // the harness's client gives up after 1.5 s
  'a dropped connection': { spec: { mode: 'drop' }, kind: 'unavailable' },
  'malformed JSON': { spec: { mode: 'malformed' }, kind: 'bad_response' },
  'a missing field': { spec: { mode: 'missing_field' }, kind: 'bad_response' },
};

/** The patient's page per kind (src/clinic/errors.ts). */
const PAGES: Record<Kind, { status: number; title: string; retryAfter?: string }> = {
  unavailable: { status: 503, title: 'The clinic is not answering right now', retryAfter: '30' },
  timeout: { status: 504, title: 'The clinic took too long to answer', retryAfter: '30' },
  rejected: { status: 502, title: 'The clinic could not accept this request' },
  bad_response: { status: 502, title: 'The clinic sent an answer we did not understand' },
};

/** Every VSee step of every flow, in the order the flow calls them. */
const STEPS: Array<[Flow, EndpointName]> = [
  ['clinic', 'users/sso'],
  ['walkin', 'users/sso'],
  ['walkin', 'intakes'],
  ['walkin', 'visits/add_walkin'],
  ['slots', 'users/sso'],
  ['slots', 'availability'],
  ['booking', 'users/sso'],
  ['booking', 'intakes'],
  ['booking', 'visits'],
  ['econsult', 'users/sso'],
  ['econsult', 'intakes'],
  ['econsult', 'visits/add_econsult'],
  ['invite', 'users/sso'],
  ['invite', 'visits/:id'],
];
const GETS: EndpointName[] = ['availability', 'visits/:id'];
const CREATES: Flow[] = ['walkin', 'booking', 'econsult'];

describe('when VSee fails a step, the patient gets a friendly page and nothing is lost or duplicated', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic({
      vsee: { adminToken: undefined }, // Invite then needs SSO first, so both of its steps can fail
      sandbox: { tokenFactory: () => `CANARY${randomBytes(14).toString('hex')}` },
      // VSee's "no visit from this intake" is believed at once here, so a failed create is a failure
      // the patient may retry. With the default grace (VSee may still do the work late) the press
      // shows the page that checks by itself instead: test/integration/exactly-once.test.ts.
      clinicTiming: { lateCreateGraceMs: 0 },
    });
  });
  afterAll(() => h.close());
  beforeEach(() => h.sandbox.requestLog.clear());
  afterEach(() => {
    h.sandbox.knobs.reset();
    expect(h.logLines.join('\n')).not.toContain('CANARY');
  });

  /** A logged-in patient with the flow's page loaded (and, for Invite, a visit); `press` repeats the same submission. */
  async function arrange(flow: Flow) {
    const patient = await patientOf(h);
    const { agent } = patient;
    let press: () => Promise<Response>;
    if (flow === 'clinic') {
      const _csrf = await csrfOf(agent, '/');
      press = () => agent.post('/clinic/go').type('form').send({ _csrf });
    } else if (flow === 'walkin') {
      const form = await walkinForm(agent);
      press = () =>
        agent.post('/visits/walkin').type('form').send({ _csrf: form._csrf, launch_key: form.launchKey });
    } else if (flow === 'slots') {
      press = () => agent.get('/appointments/new');
    } else if (flow === 'booking') {
      const form = await launchForm(agent, '/appointments/new');
      const slot = slotsOf(form.page.text)[0]!.value;
      press = () =>
        agent
          .post('/appointments')
          .type('form')
          .send({ _csrf: form._csrf, launch_key: form.launchKey, slot });
    } else if (flow === 'econsult') {
      const form = await launchForm(agent, '/econsult/new');
      press = () =>
        agent
          .post('/econsult')
          .type('form')
          .send({ _csrf: form._csrf, launch_key: form.launchKey, reason: 'Rash' });
    } else {
      const form = await walkinForm(agent);
      await agent.post('/visits/walkin').type('form').send({ _csrf: form._csrf, launch_key: form.launchKey });
      const visits = await agent.get('/visits').expect(200);
      const invitePath = /href="(\/visits\/\d+\/invite)"/.exec(visits.text)![1]!;
      press = () => agent.get(invitePath);
    }
    h.sandbox.requestLog.clear();
    return { ...patient, press };
  }

  /** The friendly page: status, plain title, a reference id logged with the detail; no VSee text, token or stack. */
  function expectFriendlyPage(res: Response, kind: Kind, step: EndpointName) {
    const expected = PAGES[kind];
    expect(res.status).toBe(expected.status);
    expect(res.headers['retry-after']).toBe(expected.retryAfter);
    const page = errorPageOf(res.text);
    expect(page.title).toBe(expected.title);
    expect(res.text).toContain('data-testid="error-ref"');
    expect(page.ref).toMatch(/^[\w-]{8,}$/);
    expect(res.text).not.toMatch(/CANARY|Sandbox: injected|VseeError|\n\s+at |\.ts:\d+/);
    expect(h.logLines.some((l) => l.includes(page.ref!) && l.includes(`VSee ${step} failed: ${kind}`))).toBe(
      true,
    );
  }

  // A missing field on a create endpoint means VSee did create the visit: those cases recover
  // (see "VSee created the visit but its answer was lost" below) rather than fail.
  const CREATE_STEPS: EndpointName[] = ['visits/add_walkin', 'visits', 'visits/add_econsult'];
  const CASES = STEPS.flatMap(([flow, step]) =>
    Object.entries(MODES).map(([how, { spec, kind }]) => ({ flow, step, how, spec, kind })),
  ).filter(({ step, how }) => !(how === 'a missing field' && CREATE_STEPS.includes(step)));

  it.each(CASES)(
    'when VSee answers $step with $how during $flow, the patient sees the $kind page and no visit is half-made',
    async ({ flow, step, spec, kind }) => {
      const { agent, account, press } = await arrange(flow);
      const rowsBefore = await visitRowsOf(h, account.id);
      const isGet = GETS.includes(step);
      // GETs are retried (3 attempts in all): fail every attempt. Availability items carry no `id`.
      h.sandbox.knobs.failNext(step, {
        ...spec,
        times: isGet ? 3 : 1,
        field: step === 'availability' ? 'start' : undefined,
      });

      const res = await press();

      expectFriendlyPage(res, kind, step);
      const calls = endpointsCalled(h);
      const retried = isGet && (kind === 'unavailable' || kind === 'timeout');
      expect(calls.filter((e) => e === step)).toHaveLength(retried ? 3 : 1);
      const later = STEPS.filter(([f]) => f === flow).map(([, s]) => s);
      expect(calls.filter((e) => later.indexOf(e as EndpointName) > later.indexOf(step))).toEqual([]);

      const rows = await visitRowsOf(h, account.id);
      expect(rows.filter((r) => r.status === 'starting')).toEqual([]);
      if (CREATES.includes(flow)) {
        expect(rows.map((r) => r.status)).toEqual(['failed']);
        expect((await agent.get('/visits').expect(200)).text).toContain('You have no visits yet.');
      } else {
        expect(rows).toEqual(rowsBefore);
      }
      if (flow !== 'slots') {
        const actions = (await auditOf(h, account.id)).map((a) => `${a.action}:${a.outcome}`);
        expect(actions[actions.length - 1]).toMatch(/:failure$/);
      }
    },
  );

  it.each([
    ['walkin', 'visits/add_walkin', 302],
    ['booking', 'visits', 303],
    ['econsult', 'visits/add_econsult', 303],
  ] as const)(
    'after VSee failed %s on %s, pressing again with the same launch key succeeds and creates exactly one visit',
    async (flow, step, status) => {
      const { account, press } = await arrange(flow);
      h.sandbox.knobs.failNext(step, { status: 503 });
      expect((await press()).status).toBe(503);

      const res = await press();

      expect(res.status).toBe(status);
      const rows = await visitRowsOf(h, account.id);
      expect(rows).toHaveLength(1);
      expect(rows[0]!.status).not.toMatch(/starting|failed/);
      expect(sandboxVisitsOf(h, account.vsee_code).map((v) => v.id)).toEqual([rows[0]!.vsee_visit_id]);
      expect(endpointsCalled(h).filter((e) => e === step)).toHaveLength(2);
    },
  );

  it.each([
    ['walkin', 'visits/add_walkin', { status: 500, when: 'after' }, 302],
    ['walkin', 'visits/add_walkin', { mode: 'missing_field' }, 302],
    ['booking', 'visits', { status: 500, when: 'after' }, 303],
    ['booking', 'visits', { mode: 'missing_field' }, 303],
    ['econsult', 'visits/add_econsult', { status: 502, when: 'after' }, 303],
    ['econsult', 'visits/add_econsult', { mode: 'missing_field' }, 303],
  ] as Array<[Flow, EndpointName, FailureSpec, number]>)(
    'when VSee created the %s visit but its answer on %s was lost (%j), the portal finds it through the intake instead of posting again',
    async (flow, step, spec, status) => {
      const { agent, account, press } = await arrange(flow);
      h.sandbox.knobs.failNext(step, spec);

      const res = await press();

      expect(res.status).toBe(status);
      const [created, ...others] = sandboxVisitsOf(h, account.vsee_code);
      expect(others).toEqual([]);
      expect(endpointsCalled(h).filter((e) => e === step)).toHaveLength(1);
      expect(endpointsCalled(h).filter((e) => e === 'intakes/:id')).toHaveLength(1);
      const rows = await visitRowsOf(h, account.id);
      expect(rows).toEqual([
        expect.objectContaining({ vsee_visit_id: created!.id, vsee_intake_id: created!.intakeId }),
      ]);
      expect(rows[0]!.status).not.toMatch(/starting|failed/);
      if (flow === 'walkin')
        expect(new URL(res.headers.location!).searchParams.get('next')).toBe(`/visits/start/${created!.id}`);
      expect((await agent.get('/visits').expect(200)).text).not.toContain('You have no visits yet.');
    },
  );

  it('when the intake cannot be read back either, the outcome stays unknown: the patient sees the page that checks, and the same form then finds the visit, never a second walk-in', async () => {
    const { agent, account, press } = await arrange('walkin');
    h.sandbox.knobs.failNext('visits/add_walkin', { status: 500, when: 'after' });
    h.sandbox.knobs.failNext('intakes/:id', { status: 503, times: 3 });

    const first = await press();

    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/visits/checking');
    const [created] = sandboxVisitsOf(h, account.vsee_code);
    expect(await visitRowsOf(h, account.id)).toEqual([
      expect.objectContaining({ status: 'unknown', vsee_visit_id: null, vsee_intake_id: created!.intakeId }),
    ]);
    expect((await auditOf(h, account.id, 'launch_walkin')).map((a) => a.outcome)).toEqual(['unknown']);

    const again = await press();

    expect(again.status).toBe(302);
    expect(new URL(again.headers.location!).searchParams.get('next')).toBe(`/visits/start/${created!.id}`);
    expect(sandboxVisitsOf(h, account.vsee_code)).toHaveLength(1);
    expect(endpointsCalled(h).filter((e) => e === 'visits/add_walkin')).toHaveLength(1);
    expect(await visitRowsOf(h, account.id)).toEqual([
      expect.objectContaining({ status: 'pending', vsee_visit_id: created!.id }),
    ]);
    expect((await agent.get('/visits').expect(200)).text).toContain('Waiting for a provider');
  });

  /** Makes the patient's only row look like a launch its process abandoned two minutes ago. */
  async function abandonLaunch(accountId: number, intakeId: string | null) {
    const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
    await h.testDb.db
      .updateTable('visits')
      .set({ status: 'starting', vsee_visit_id: null, vsee_intake_id: intakeId, updated_at: twoMinutesAgo })
      .where('account_id', '=', accountId)
      .execute();
  }

  it('a launch its process abandoned mid-way (row left "starting") can be pressed again: it goes through instead of waiting forever', async () => {
    const { account, press } = await arrange('walkin');
    h.sandbox.knobs.failNext('users/sso', { status: 503 });
    expect((await press()).status).toBe(503);
    await abandonLaunch(account.id, null);

    const res = await press();

    expect(res.status).toBe(302);
    expect(sandboxVisitsOf(h, account.vsee_code)).toHaveLength(1);
    expect(await visitRowsOf(h, account.id)).toEqual([expect.objectContaining({ status: 'pending' })]);
  });

  it('an abandoned launch whose intake VSee had already turned into a visit is recovered, not made twice', async () => {
    const { account, press } = await arrange('walkin');
    h.sandbox.knobs.failNext('visits/add_walkin', { status: 500, when: 'after' });
    h.sandbox.knobs.failNext('intakes/:id', { status: 503, times: 3 });
    await press();
    const [created] = sandboxVisitsOf(h, account.vsee_code);
    await abandonLaunch(account.id, created!.intakeId);

    const res = await press();

    expect(res.status).toBe(302);
    expect(new URL(res.headers.location!).searchParams.get('next')).toBe(`/visits/start/${created!.id}`);
    expect(sandboxVisitsOf(h, account.vsee_code)).toHaveLength(1);
  });

  it('a launch still within its minute is not taken over: a second press waits for it and lands in its visit', async () => {
    const { account, press } = await arrange('walkin');
    await press();
    const [row] = await visitRowsOf(h, account.id);
    const visits = () => h.testDb.db.updateTable('visits').where('id', '=', row!.id);
    await visits()
      .set({ status: 'starting', vsee_visit_id: null, updated_at: new Date().toISOString() })
      .execute();
    h.sandbox.requestLog.clear();

    const second = press();
    await new Promise((resolve) => setTimeout(resolve, 300));
    await visits().set({ status: 'pending', vsee_visit_id: row!.vsee_visit_id }).execute();
    const res = await second;

    expect(res.status).toBe(302);
    expect(new URL(res.headers.location!).searchParams.get('next')).toBe(
      `/visits/start/${row!.vsee_visit_id}`,
    );
    expect(endpointsCalled(h).filter((e) => e === 'visits/add_walkin')).toHaveLength(0);
  });

  it('Invite: a single 503 on GET /visits/:id is retried and succeeds; three 503s show the unavailable page', async () => {
    const once = await arrange('invite');
    h.sandbox.knobs.failNext('visits/:id', { status: 503 });
    expect((await once.press()).status).toBe(200);
    expect(endpointsCalled(h).filter((e) => e === 'visits/:id')).toHaveLength(2);

    const thrice = await arrange('invite');
    h.sandbox.knobs.failNext('visits/:id', { status: 503, times: 3 });
    const res = await thrice.press();
    expectFriendlyPage(res, 'unavailable', 'visits/:id');
    expect(endpointsCalled(h).filter((e) => e === 'visits/:id')).toHaveLength(3);
  });
});

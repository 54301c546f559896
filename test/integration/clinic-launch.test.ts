import request from 'supertest';
import { testId } from '../helpers/html';
import { csrfOf } from '../helpers/portal';
import {
  type ClinicHarness,
  followIntoSandbox,
  parseLaunch,
  patientOf,
  startClinic,
  walkinForm,
} from '../helpers/clinic';

describe('Go to Clinic and See a doctor now, against the sandbox', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic();
  });
  afterAll(() => h.close());
  beforeEach(() => h.sandbox.requestLog.clear());

  it('Go to Clinic: one SSO call, then a bare 302 to the clinic dashboard with the token VSee issued', async () => {
    const { agent, fields, account } = await patientOf(h, { first_name: 'Olive', last_name: 'Oyl' });
    const _csrf = await csrfOf(agent, '/');

    const res = await agent.post('/clinic/go').type('form').send({ _csrf });

    expect(res.status).toBe(302);
    expect(res.text).toBe('');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    const launch = parseLaunch(res.headers.location);
    expect(launch.origin).toBe(h.sandbox.url);
    expect(launch.path).toBe('/vc/next/auth');
    expect(launch.ssoToken).toBe(h.sandbox.state.lastTokenFor(account.vsee_code));
    expect(launch.next).toBe('/u/clinic');
    expect(launch.params.has('disable_navigation')).toBe(false);

    const calls = h.sandbox.requestLog.entries();
    expect(calls.map((c) => c.endpoint)).toEqual(['users/sso']);
    expect(calls[0]!.headers['x-accountcode']).toBe(h.vsee.accountCode);
    expect(calls[0]!.headers['x-apikey']).toContain('(masked)');
    expect(calls[0]!.headers['x-apisecret']).toContain('(masked)');
    expect(calls[0]!.fields).toEqual({
      first_name: 'Olive',
      last_name: 'Oyl',
      dob: fields.dob,
      email: fields.email.toLowerCase(),
      type: 200,
      code: account.vsee_code,
    });
    const audit = await h.testDb.db
      .selectFrom('audit_events')
      .selectAll()
      .where('account_id', '=', account.id)
      .where('action', '=', 'launch_clinic')
      .execute();
    expect(audit.map((a) => a.outcome)).toEqual(['success']);

    const { page } = await followIntoSandbox(h, res.headers.location!);
    expect(page.status).toBe(200);
    expect(testId(page.text, 'logged-in-as')).toBe('Olive Oyl');
  });

  it('See a doctor now: SSO → intake (type 1) → walk-in, a 302 into that visit, and the visit recorded', async () => {
    const { agent, account } = await patientOf(h, { first_name: 'Walker', last_name: 'Inn' });
    const { launchKey, _csrf } = await walkinForm(agent);

    const res = await agent
      .post('/visits/walkin')
      .type('form')
      .send({ _csrf, launch_key: launchKey, reason: 'Sore throat' });

    expect(res.status).toBe(302);
    expect(res.text).toBe('');
    const launch = parseLaunch(res.headers.location);
    const visit = [...h.sandbox.state.visitsOf(h.sandbox.state.userByCode(account.vsee_code)!.id)].pop()!;
    expect(launch.origin).toBe(h.sandbox.url);
    expect(launch.path).toBe('/vc/next/auth');
    expect(launch.ssoToken).toBe(h.sandbox.state.lastTokenFor(account.vsee_code));
    expect(launch.next).toBe(`/visits/start/${visit.id}`);

    const calls = h.sandbox.requestLog.entries();
    expect(calls.map((c) => c.endpoint)).toEqual(['users/sso', 'intakes', 'visits/add_walkin']);
    const member = h.sandbox.state.userByCode(account.vsee_code)!;
    expect(calls[1]!.tokenKind).toBe('patient');
    expect(calls[1]!.fields).toMatchObject({
      type: 1,
      member_id: member.id,
      reason_for_visit: 'Sore throat',
      room_code: h.vsee.roomCode,
    });
    expect(calls[2]!.tokenKind).toBe('patient');
    expect(calls[2]!.fields).toMatchObject({
      intake_id: calls[1] && expect.any(String),
      room_code: h.vsee.roomCode,
    });

    const rows = await h.testDb.db
      .selectFrom('visits')
      .selectAll()
      .where('account_id', '=', account.id)
      .execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      kind: 'walkin',
      launch_key: launchKey,
      vsee_visit_id: visit.id,
      status: 'pending',
    });
    const audit = await h.testDb.db
      .selectFrom('audit_events')
      .selectAll()
      .where('account_id', '=', account.id)
      .where('action', '=', 'launch_walkin')
      .execute();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ outcome: 'success', vsee_visit_id: visit.id });

    const { page } = await followIntoSandbox(h, res.headers.location!);
    expect(page.status).toBe(200);
    expect(testId(page.text, 'visit-id')).toBe(visit.id);
    expect(testId(page.text, 'patient-name')).toBe('Walker Inn');
  });

  it('when two POSTs carry the same launch key at once, VSee gets one walk-in and both land in it', async () => {
    const { agent, account } = await patientOf(h);
    const { launchKey, _csrf } = await walkinForm(agent);
    h.sandbox.knobs.setLatency('visits/add_walkin', 300);
    try {
      const [a, b] = await Promise.all([
        agent.post('/visits/walkin').type('form').send({ _csrf, launch_key: launchKey }),
        agent.post('/visits/walkin').type('form').send({ _csrf, launch_key: launchKey }),
      ]);
      expect([a.status, b.status]).toEqual([302, 302]);
      expect(parseLaunch(a.headers.location).next).toBe(parseLaunch(b.headers.location).next);
    } finally {
      h.sandbox.knobs.setLatency('visits/add_walkin', 0);
    }
    expect(h.sandbox.requestLog.entries().filter((c) => c.endpoint === 'visits/add_walkin')).toHaveLength(1);
    const rows = await h.testDb.db
      .selectFrom('visits')
      .selectAll()
      .where('account_id', '=', account.id)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('when the patient already waits in an open walk-in, a new press takes them back to it instead of queueing twice', async () => {
    const { agent } = await patientOf(h);
    const first = await walkinForm(agent);
    const one = await agent
      .post('/visits/walkin')
      .type('form')
      .send({ _csrf: first._csrf, launch_key: first.launchKey });
    const second = await walkinForm(agent);

    const two = await agent
      .post('/visits/walkin')
      .type('form')
      .send({ _csrf: second._csrf, launch_key: second.launchKey });

    expect(two.status).toBe(302);
    expect(parseLaunch(two.headers.location).next).toBe(parseLaunch(one.headers.location).next);
    expect(parseLaunch(two.headers.location).ssoToken).not.toBe(parseLaunch(one.headers.location).ssoToken);
    expect(h.sandbox.requestLog.entries().filter((c) => c.endpoint === 'visits/add_walkin')).toHaveLength(1);
  });

  it('Rejoin from My visits: a fresh token and the same visit', async () => {
    const { agent } = await patientOf(h);
    const form = await walkinForm(agent);
    const first = await agent
      .post('/visits/walkin')
      .type('form')
      .send({ _csrf: form._csrf, launch_key: form.launchKey });
    const visits = await agent.get('/visits').expect(200);
    const rejoinAction = /action="(\/visits\/\d+\/rejoin)"/.exec(visits.text)?.[1];
    expect(rejoinAction).toBeDefined();
    h.sandbox.requestLog.clear();

    const res = await agent
      .post(rejoinAction!)
      .type('form')
      .send({ _csrf: await csrfOf(agent, '/visits') });

    expect(res.status).toBe(302);
    expect(parseLaunch(res.headers.location).next).toBe(parseLaunch(first.headers.location).next);
    expect(parseLaunch(res.headers.location).ssoToken).not.toBe(parseLaunch(first.headers.location).ssoToken);
    // The stored visit id is checked with VSee to be this patient's before a link is built from it.
    expect(h.sandbox.requestLog.entries().map((c) => c.endpoint)).toEqual(['users/sso', 'visits/:id']);
  });

  it('with VSEE_DISABLE_NAVIGATION=1, every launch URL carries disable_navigation=1; with VSEE_DISABLE_EMAILS=1, SSO sends disable_emails=1', async () => {
    const h2 = await startClinic({ vsee: { disableNavigation: true, disableEmails: true } });
    try {
      const { agent } = await patientOf(h2);
      const res = await agent
        .post('/clinic/go')
        .type('form')
        .send({ _csrf: await csrfOf(agent, '/') });
      expect(parseLaunch(res.headers.location).params.get('disable_navigation')).toBe('1');
      expect(h2.sandbox.requestLog.entries()[0]!.fields).toMatchObject({ disable_emails: 1 });
    } finally {
      await h2.close();
    }
  });

  it('a launch is never a GET', async () => {
    const { agent } = await patientOf(h);
    expect((await agent.get('/clinic/go')).status).toBe(404);
    expect((await agent.get('/visits/walkin')).status).toBe(404);
    expect(h.sandbox.requestLog.entries()).toHaveLength(0);
  });

  it('a logged-out visitor pressing a button is sent to log in, and VSee is not called', async () => {
    const agent = request.agent(h.app);
    const _csrf = await csrfOf(agent, '/login');
    const res = await agent.post('/clinic/go').type('form').send({ _csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/login');
    expect(h.sandbox.requestLog.entries()).toHaveLength(0);
  });
});

import { SANDBOX_CREDENTIALS } from '../../src/sandbox';
import { csrfOf } from '../helpers/portal';
import {
  auditOf,
  type ClinicHarness,
  endpointsCalled,
  errorPageOf,
  launchForm,
  patientOf,
  slotsOf,
  startClinic,
  visitRowsOf,
  walkinForm,
} from '../helpers/clinic';

/**
 * A stored VSee visit id is only ever turned into a link once VSee says the visit is this patient's:
 * a database restored against another clinic or environment (or a restarted development sandbox)
 * would otherwise send a patient into someone else's visit.
 */
describe.each([
  ['the patient’s own token', undefined],
  ['the admin token', SANDBOX_CREDENTIALS.adminToken],
])('visit ids belong to their patient (VSee read with %s)', (_how, adminToken) => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic({ vsee: { adminToken } });
  });
  afterAll(() => h.close());

  /** Patient A's walk-in, and patient B whose own walk-in row is made to point at A's VSee visit. */
  async function restoredAgainstAnother() {
    const a = await patientOf(h);
    const aForm = await walkinForm(a.agent);
    await a.agent
      .post('/visits/walkin')
      .type('form')
      .send({ _csrf: aForm._csrf, launch_key: aForm.launchKey });
    const [aRow] = await visitRowsOf(h, a.account.id);
    const b = await patientOf(h);
    const bForm = await walkinForm(b.agent);
    await b.agent
      .post('/visits/walkin')
      .type('form')
      .send({ _csrf: bForm._csrf, launch_key: bForm.launchKey });
    const [bRow] = await visitRowsOf(h, b.account.id);
    await h.testDb.db
      .updateTable('visits')
      .set({ vsee_visit_id: aRow!.vsee_visit_id })
      .where('id', '=', bRow!.id)
      .execute();
    h.sandbox.requestLog.clear();
    return { b, bRow: bRow!, foreignVisit: aRow!.vsee_visit_id! };
  }

  function expectRefused(res: { status: number; text: string; headers: Record<string, string> }) {
    expect(res.status).toBe(409);
    expect(errorPageOf(res.text).title).toBe('We could not open this visit');
    expect(res.headers.location).toBeUndefined();
    expect(res.text).not.toMatch(/sso_token|visits\/join\//);
  }

  it('Rejoin of a visit VSee says is another patient’s is refused with a clear page, logged and audited', async () => {
    const { b, bRow } = await restoredAgainstAnother();
    // The form's page is read first: My visits may ask VSee for the clinic's zone (once per process).
    const _csrf = await csrfOf(b.agent, '/visits');
    h.sandbox.requestLog.clear();

    const res = await b.agent.post(`/visits/${bRow.id}/rejoin`).type('form').send({ _csrf });

    expectRefused(res);
    expect(endpointsCalled(h)).toEqual(['users/sso', 'visits/:id']);
    expect((await auditOf(h, b.account.id, 'visit_ownership')).map((e) => e.outcome)).toEqual(['rejected']);
    expect(h.logLines.some((l) => l.includes('not this patient'))).toBe(true);
  });

  it('Invite for such a visit builds no join link', async () => {
    const { b, bRow } = await restoredAgainstAnother();

    expectRefused(await b.agent.get(`/visits/${bRow.id}/invite`));
  });

  it('a new See a doctor now press does not send the patient back into it', async () => {
    const { b } = await restoredAgainstAnother();
    const form = await walkinForm(b.agent);

    const res = await b.agent
      .post('/visits/walkin')
      .type('form')
      .send({ _csrf: form._csrf, launch_key: form.launchKey });

    expectRefused(res);
  });

  it('Open appointment of a booking VSee no longer knows (the sandbox restarted) is refused', async () => {
    const { agent, account } = await patientOf(h);
    const form = await launchForm(agent, '/appointments/new');
    await agent
      .post('/appointments')
      .type('form')
      .send({ _csrf: form._csrf, launch_key: form.launchKey, slot: slotsOf(form.page.text)[0]!.value })
      .expect(303);
    const [row] = await visitRowsOf(h, account.id);
    await h.testDb.db
      .updateTable('visits')
      .set({ vsee_visit_id: '999999' })
      .where('id', '=', row!.id)
      .execute();

    const res = await agent
      .post(`/appointments/${row!.id}/open`)
      .type('form')
      .send({ _csrf: await csrfOf(agent, `/appointments/${row!.id}`) });

    expectRefused(res);
  });
});

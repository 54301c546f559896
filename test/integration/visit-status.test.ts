import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { testId } from '../helpers/html';
import {
  type ClinicHarness,
  endpointsCalled,
  launchForm,
  patientOf,
  startClinic,
  visitRowsOf,
  walkinForm,
  myVisit,
} from '../helpers/clinic';
import { testConfig } from '../helpers/portal';

const SECRET = 'loop-secret-0123456789abcdef';

async function walkin(h: ClinicHarness) {
  const patient = await patientOf(h);
  const form = await walkinForm(patient.agent);
  await patient.agent
    .post('/visits/walkin')
    .type('form')
    .send({ _csrf: form._csrf, launch_key: form.launchKey })
    .expect(302);
  const [row] = await visitRowsOf(h, patient.account.id);
  return { ...patient, id: row!.id, vseeId: row!.vsee_visit_id! };
}

/** Makes a visit's status look two minutes old, as if no webhook had come for a while. */
async function ageStatus(h: ClinicHarness, id: number) {
  const twoMinutesAgo = new Date(Date.now() - 120_000).toISOString();
  await h.testDb.db
    .updateTable('visits')
    .set({ status_updated_at: twoMinutesAgo })
    .where('id', '=', id)
    .execute();
}

/** The VSee calls about visits (the clinic's time zone, read from the room once per process, aside). */
const visitCalls = (h: ClinicHarness) => endpointsCalled(h).filter((e) => e !== 'rooms/:code');

describe('the whole loop: sandbox provider console → webhook → My visits', () => {
  let h: ClinicHarness;
  let server: Server;
  beforeAll(async () => {
    h = await startClinic({ config: testConfig({ VSEE_WEBHOOK_SECRET: SECRET }) });
    server = createServer(h.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    h.sandbox.webhooks.configure({ url: `http://127.0.0.1:${port}/webhooks/vsee/${SECRET}` });
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await h.close();
  });

  it('v1: the provider starts and completes the walk-in in the console; My visits shows Completed and no Rejoin', async () => {
    const { agent, id, vseeId } = await walkin(h);
    const console = request(h.sandbox.app);
    const action = (name: string) =>
      console.post(`/vc/next/providers/visits/${vseeId}/${name}`).type('form').send({}).expect(303);

    await action('start');
    await h.sandbox.webhooks.flush();
    expect(await myVisit(agent, id)).toMatchObject({ status: 'In progress', rejoin: true });

    await action('complete');
    await h.sandbox.webhooks.flush();
    expect(await myVisit(agent, id)).toMatchObject({ status: 'Completed', rejoin: false });

    const sent = h.sandbox.webhooks.sent().filter((s) => s.visitId === vseeId);
    expect(sent.map((s) => [s.type, s.status])).toEqual([
      ['visit.created', 200],
      ['visit.updated', 200],
      ['visit.ended', 200],
    ]);
    expect(endpointsCalled(h)).not.toContain('visits/:id');
  });

  it('v2: an eConsult accepted and answered through state.transition reads Accepted, then Answered', async () => {
    const port = (server.address() as AddressInfo).port;
    h.sandbox.webhooks.configure({
      url: `http://127.0.0.1:${port}/webhooks/vsee`,
      version: 2,
      secretHeader: SECRET,
    });
    try {
      const { agent, account } = await patientOf(h);
      const form = await launchForm(agent, '/econsult/new');
      await agent
        .post('/econsult')
        .type('form')
        .send({ _csrf: form._csrf, launch_key: form.launchKey, reason: 'A rash' })
        .expect(303);
      const [row] = await visitRowsOf(h, account.id);
      const providerId = [...h.sandbox.state.providers.keys()][0]!;

      h.sandbox.state.transition(row!.vsee_visit_id!, 'accept', providerId);
      await h.sandbox.webhooks.flush();
      expect((await myVisit(agent, row!.id)).status).toBe('Accepted');

      h.sandbox.state.transition(row!.vsee_visit_id!, 'start');
      h.sandbox.state.transition(row!.vsee_visit_id!, 'complete');
      await h.sandbox.webhooks.flush();
      expect((await myVisit(agent, row!.id)).status).toBe('Answered');
    } finally {
      h.sandbox.webhooks.configure({ url: `http://127.0.0.1:${port}/webhooks/vsee/${SECRET}` });
    }
  });

  it('the detail page reloads itself while the patient waits, and stops (without Rejoin) once the visit is over', async () => {
    const { agent, id, vseeId } = await walkin(h);

    const waiting = await agent.get(`/visits/${id}`).expect(200);
    expect(waiting.headers.refresh).toBe('15');
    expect(testId(waiting.text, 'visit-status')).toBe('Waiting for a provider');
    expect(waiting.text).toContain(`/visits/${id}/rejoin`);
    expect(testId(waiting.text, 'visit-auto-refresh')).toMatch(/every 15 seconds/);

    h.sandbox.state.transition(vseeId, 'start');
    h.sandbox.state.transition(vseeId, 'complete');
    await h.sandbox.webhooks.flush();

    const over = await agent.get(`/visits/${id}`).expect(200);
    expect(over.headers.refresh).toBeUndefined();
    expect(testId(over.text, 'visit-status')).toBe('Completed');
    expect(testId(over.text, 'visit-status-changed')).toEqual(expect.any(String));
    expect(over.text).not.toContain('/rejoin');
    expect(over.text).not.toContain('visit-auto-refresh');
  });

  it("another patient's visit, or a word in place of an id, is a 404", async () => {
    const { id } = await walkin(h);
    const other = await patientOf(h);
    await other.agent.get(`/visits/${id}`).expect(404);
    await other.agent.get('/visits/walkin').expect(404);
    await other.agent.get('/visits/12abc').expect(404);
  });
});

describe('fallback refresh when no webhook came', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic(); // the sandbox sends no webhooks here
  });
  afterAll(() => h.close());
  beforeEach(() => h.sandbox.knobs.reset());

  it('a fresh status is trusted: My visits does not ask VSee', async () => {
    const { agent, id, vseeId } = await walkin(h);
    h.sandbox.state.transition(vseeId, 'start');
    h.sandbox.requestLog.clear();

    expect((await myVisit(agent, id)).status).toBe('Waiting for a provider');
    expect(visitCalls(h)).toEqual([]);
  });

  it('a status older than a minute is read again with GET visits/:id, and My visits shows the new one', async () => {
    const { agent, id, vseeId } = await walkin(h);
    h.sandbox.state.transition(vseeId, 'start');
    await ageStatus(h, id);
    h.sandbox.requestLog.clear();

    expect(await myVisit(agent, id)).toMatchObject({ status: 'In progress', lastUpdated: undefined });
    expect(endpointsCalled(h)).toEqual(['visits/:id']);

    // Checked just now: the next page view does not ask again.
    h.sandbox.requestLog.clear();
    await myVisit(agent, id);
    expect(endpointsCalled(h)).toEqual([]);
  });

  it.each([
    ['answers 500 three times', { status: 500, times: 3 }],
    ['hangs', { mode: 'hang' as const, times: 3 }],
  ])(
    'when VSee %s, the page still renders the last known status and says when it was last updated',
    async (_name, spec) => {
      const { agent, account, id, vseeId } = await walkin(h);
      h.sandbox.state.transition(vseeId, 'start');
      await ageStatus(h, id);
      h.sandbox.knobs.failNext('visits/:id', spec);

      const started = Date.now();
      const seen = await myVisit(agent, id);

      expect(Date.now() - started).toBeLessThan(4_000);
      expect(seen.status).toBe('Waiting for a provider');
      expect(seen.rejoin).toBe(true);
      expect(seen.lastUpdated).toMatch(/Last updated .*\d:\d\d (AM|PM)/);
      const [row] = await visitRowsOf(h, account.id);
      expect(row!.status).toBe('pending');
    },
  );
});

describe('fallback refresh without an admin token', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic({ vsee: { adminToken: undefined } });
  });
  afterAll(() => h.close());

  it('signs the patient in once for the whole page, then reads each stale visit', async () => {
    const { agent, account, vseeId } = await walkin(h);
    const form = await launchForm(agent, '/econsult/new');
    await agent
      .post('/econsult')
      .type('form')
      .send({ _csrf: form._csrf, launch_key: form.launchKey, reason: 'A rash' })
      .expect(303);
    const rows = await visitRowsOf(h, account.id);
    h.sandbox.state.transition(vseeId, 'cancel');
    for (const row of rows) await ageStatus(h, row.id);
    h.sandbox.requestLog.clear();

    expect((await myVisit(agent, rows[0]!.id)).status).toBe('Cancelled');
    expect(visitCalls(h)).toEqual(['users/sso', 'visits/:id', 'visits/:id']);
  });
});

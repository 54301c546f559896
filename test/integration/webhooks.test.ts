import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  type ClinicHarness,
  launchForm,
  patientOf,
  startClinic,
  visitRowsOf,
  walkinForm,
  myVisit,
} from '../helpers/clinic';
import { buildPortal, testConfig } from '../helpers/portal';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../../src/web/rate-limits';

const SECRET = 'whsec-0123456789abcdef-test';
const HOOK = `/webhooks/vsee/${SECRET}`;

/** The documented v1 payload (docs/vsee-contract.md §10): account_code, numeric-string status. */
function v1(type: string, visitId: string, status: string, id = randomUUID(), created = now()) {
  return {
    version: '1.0',
    id,
    type,
    created,
    account_code: 'sandbox',
    data: { id: visitId, member_id: '10001', provider_id: null, status, completed_by: null },
  };
}

/** The documented v2 payload: clinic_code, status words, numeric times. */
function v2(type: string, visitId: string, status: string, id = randomUUID(), created = now()) {
  return {
    version: '2.0',
    id,
    type,
    created,
    clinic_code: 'sandbox',
    data: { id: visitId, member_id: '10001', start: created, status, status_updated_by: '20001' },
  };
}

const now = () => Math.floor(Date.now() / 1000);

describe('VSee webhook receiver (POST /webhooks/vsee)', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic({ config: testConfig({ VSEE_WEBHOOK_SECRET: SECRET }) });
  });
  afterAll(() => h.close());

  /** A patient with a walk-in VSee created: our row id and VSee's visit id. */
  async function walkin() {
    const { agent, account } = await patientOf(h);
    const form = await walkinForm(agent);
    await agent.post('/visits/walkin').type('form').send({ _csrf: form._csrf, launch_key: form.launchKey });
    const [row] = await visitRowsOf(h, account.id);
    return { agent, account, id: row!.id, vseeId: row!.vsee_visit_id! };
  }

  const post = (body: unknown, path = HOOK) =>
    request(h.app)
      .post(path)
      .send(body as object);
  const rowOf = async (accountId: number) => (await visitRowsOf(h, accountId))[0]!;

  it('v1: in progress then completed changes what My visits shows, and Rejoin goes away', async () => {
    const { agent, id, vseeId } = await walkin();
    expect(await myVisit(agent, id)).toMatchObject({ status: 'Waiting for a provider', rejoin: true });

    const started = await post(v1('visit.updated', vseeId, '25'));
    expect(started.status).toBe(200);
    expect(started.body).toEqual({ outcome: 'applied' });
    expect(await myVisit(agent, id)).toMatchObject({ status: 'In progress', rejoin: true });

    await post(v1('visit.ended', vseeId, '30')).expect(200, { outcome: 'applied' });
    expect(await myVisit(agent, id)).toMatchObject({ status: 'Completed', rejoin: false });
  });

  it('v2: an eConsult reads Submitted, Accepted, Answered; the event time becomes "last changed"', async () => {
    const { agent, account } = await patientOf(h);
    const form = await launchForm(agent, '/econsult/new');
    await agent
      .post('/econsult')
      .type('form')
      .send({ _csrf: form._csrf, launch_key: form.launchKey, reason: 'A rash' })
      .expect(303);
    const { id, vseeId } = await rowOf(account.id).then((r) => ({ id: r.id, vseeId: r.vsee_visit_id! }));
    expect((await myVisit(agent, id)).status).toBe('Submitted');

    await post(v2('visit.updated', vseeId, 'confirmed')).expect(200);
    expect((await myVisit(agent, id)).status).toBe('Accepted');

    const at = Date.parse('2025-03-04T05:06:00Z') / 1000;
    await post(v2('visit.ended', vseeId, 'completed', randomUUID(), at)).expect(200);
    expect((await myVisit(agent, id)).status).toBe('Answered');
    expect((await rowOf(account.id)).status_updated_at).toBe('2025-03-04T05:06:00.000Z');
    expect((await myVisit(agent, id)).changed).toContain('March 4, 2025');
  });

  it('v2 cancelled, with the secret in the X-Webhook-Secret header', async () => {
    const { agent, id, vseeId } = await walkin();
    await request(h.app)
      .post('/webhooks/vsee')
      .set('X-Webhook-Secret', SECRET)
      .send(v2('visit.ended', vseeId, 'cancelled'))
      .expect(200, { outcome: 'applied' });
    expect(await myVisit(agent, id)).toMatchObject({ status: 'Cancelled', rejoin: false });
  });

  it('a replayed event (same id) is applied once', async () => {
    const { account, vseeId } = await walkin();
    const event = v1('visit.updated', vseeId, '25');
    await post(event).expect(200, { outcome: 'applied' });
    const after = await rowOf(account.id);

    await post({ ...event, created: now() + 100 }).expect(200, { outcome: 'replayed' });
    expect(await rowOf(account.id)).toEqual(after);
    const stored = await h.testDb.db
      .selectFrom('webhook_events')
      .selectAll()
      .where('event_id', '=', event.id)
      .execute();
    expect(stored).toHaveLength(1);
  });

  it.each([
    ['v1', (id: string) => ({ ...v1('visit.ended', id, '30'), account_code: 'another-clinic' })],
    ['v2', (id: string) => ({ ...v2('visit.ended', id, 'completed'), clinic_code: 'another-clinic' })],
  ])('%s: an event about another clinic is ignored (204) and changes nothing', async (_v, event) => {
    const { agent, id, vseeId } = await walkin();
    const before = await myVisit(agent, id);

    await post(event(vseeId)).expect(204);

    expect(await myVisit(agent, id)).toEqual(before);
    expect(before.rejoin).toBe(true);
  });

  it('out of order: completed then a late in-progress update leaves the visit completed', async () => {
    const { agent, account, id, vseeId } = await walkin();
    await post(v1('visit.ended', vseeId, '30', randomUUID(), now())).expect(200, { outcome: 'applied' });
    const completed = await rowOf(account.id);

    await post(v1('visit.updated', vseeId, '25', randomUUID(), now() - 60)).expect(200, {
      outcome: 'unchanged',
    });
    await post(v2('visit.ended', vseeId, 'cancelled')).expect(200, { outcome: 'unchanged' });
    await post(v1('visit.created', vseeId, '10')).expect(200, { outcome: 'unchanged' });

    expect(await rowOf(account.id)).toEqual(completed);
    expect(await myVisit(agent, id)).toMatchObject({ status: 'Completed', rejoin: false });
  });

  it.each([
    ['no secret at all', () => request(h.app).post('/webhooks/vsee')],
    ['a wrong secret in the path', () => request(h.app).post(`/webhooks/vsee/${SECRET}x`)],
    [
      'a prefix of the secret in the path',
      () => request(h.app).post(`/webhooks/vsee/${SECRET.slice(0, 10)}`),
    ],
    [
      'a wrong secret in the header',
      () => request(h.app).post('/webhooks/vsee').set('X-Webhook-Secret', 'nope-nope-nope-nope'),
    ],
  ])('with %s: 401 and nothing changes', async (_name, req) => {
    const { account, vseeId } = await walkin();
    const before = await rowOf(account.id);
    const event = v1('visit.ended', vseeId, '30');

    const res = await req().send(event);

    expect(res.status).toBe(401);
    expect(await rowOf(account.id)).toEqual(before);
    expect(
      await h.testDb.db.selectFrom('webhook_events').selectAll().where('event_id', '=', event.id).execute(),
    ).toEqual([]);
  });

  it('when no VSEE_WEBHOOK_SECRET is configured, the receiver is off: 404', async () => {
    const app = buildPortal({ db: h.testDb.db, vsee: h.vsee });
    await request(app)
      .post(HOOK)
      .send(v1('visit.ended', '1', '30'))
      .expect(404);
    await request(app)
      .post('/webhooks/vsee')
      .send(v1('visit.ended', '1', '30'))
      .expect(404);
  });

  it('a body over 10 kB gets 413 and changes nothing', async () => {
    const { account, vseeId } = await walkin();
    const before = await rowOf(account.id);
    const event = { ...v1('visit.ended', vseeId, '30'), padding: 'x'.repeat(11 * 1024) };
    const res = await post(event);
    expect(res.status).toBe(413);
    expect(await rowOf(account.id)).toEqual(before);
  });

  it.each([
    ['broken JSON', '{"type":"visit.ended",', 'application/json'],
    ['a JSON array', '[]', 'application/json'],
    ['no event id', JSON.stringify({ ...v1('visit.ended', 'VID', '30'), id: undefined }), 'application/json'],
    [
      'no visit id',
      JSON.stringify({ ...v1('visit.ended', 'VID', '30'), data: { status: '30' } }),
      'application/json',
    ],
    [
      'no account or clinic code',
      JSON.stringify({ ...v1('visit.ended', 'VID', '30'), account_code: undefined }),
      'application/json',
    ],
    ['no type', JSON.stringify({ ...v1('visit.ended', 'VID', '30'), type: undefined }), 'application/json'],
  ])('malformed (%s): 400 and nothing changes', async (_name, body, type) => {
    const { account, vseeId } = await walkin();
    const before = await rowOf(account.id);
    const res = await request(h.app).post(HOOK).set('Content-Type', type).send(body.replace('VID', vseeId));
    expect(res.status).toBe(400);
    expect(await rowOf(account.id)).toEqual(before);
  });

  it('a body that is not JSON gets 415', async () => {
    await request(h.app).post(HOOK).type('form').send({ type: 'visit.ended' }).expect(415);
  });

  it('an event for a visit the portal does not know is acknowledged (202) and logged with its id only', async () => {
    const res = await post(v1('visit.ended', '987654321', '30'));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ outcome: 'unknown_visit' });
    const line = h.logLines.find((l) => l.includes('987654321'));
    expect(line).toContain('does not know');
  });

  it.each(['user.created', 'visit.note.signed_and_sent', 'visit.invoice.processed'])(
    'another event type (%s) is ignored with 204',
    async (type) => {
      await post({
        version: '2.0',
        id: randomUUID(),
        type,
        created: now(),
        clinic_code: 'sandbox',
        data: {},
      }).expect(204);
    },
  );

  it('a delivery prunes event ids older than a week, after answering', async () => {
    const app = buildPortal({
      db: h.testDb.db,
      vsee: h.vsee,
      config: testConfig({ VSEE_WEBHOOK_SECRET: SECRET }),
    });
    const old = randomUUID();
    await h.testDb.db
      .insertInto('webhook_events')
      .values({ event_id: old, received_at: new Date(Date.now() - 8 * 24 * 3_600_000).toISOString() })
      .execute();
    const { vseeId } = await walkin();
    const fresh = v1('visit.updated', vseeId, '25');

    await request(app).post(HOOK).send(fresh).expect(200, { outcome: 'applied' });

    const remembered = async (id: string) =>
      (await h.testDb.db.selectFrom('webhook_events').select('event_id').where('event_id', '=', id).execute())
        .length;
    for (let i = 0; i < 250 && (await remembered(old)) > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(await remembered(old)).toBe(0);
    expect(await remembered(fresh.id)).toBe(1);
  });

  it('too many deliveries from one IP get 429 with Retry-After', async () => {
    const app = buildPortal({
      db: h.testDb.db,
      vsee: h.vsee,
      config: testConfig({ VSEE_WEBHOOK_SECRET: SECRET }),
      rateLimits: new RateLimits({ ...DEFAULT_RATE_LIMITS, webhooksPerIpPerMinute: 2 }),
    });
    const event = () => v1('user.created', '1', '10');
    await request(app).post(HOOK).send(event()).expect(204);
    await request(app).post(HOOK).send(event()).expect(204);
    const third = await request(app).post(HOOK).send(event());
    expect(third.status).toBe(429);
    expect(Number(third.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('the secret never reaches a log line; the path is logged as /webhooks/vsee/[secret]', async () => {
    await post(v1('visit.ended', '55555', '30'));
    await request(h.app).post(`/webhooks/vsee/${SECRET}-wrong`).send({});
    const logs = h.logLines.join('\n');
    expect(logs).toContain('/webhooks/vsee/[secret]');
    expect(h.logLines.filter((l) => l.includes(SECRET))).toEqual([]);
  });
});

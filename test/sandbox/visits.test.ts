import request from 'supertest';
import { createSandbox } from '../../src/sandbox';
import {
  ADMIN,
  API,
  asToken,
  C,
  createIntake,
  eConsult,
  manualClock,
  ssoPatient,
  T0_SECONDS,
  walkIn,
} from './helpers';

describe('POST /visits/add_walkin', () => {
  it('answers the full visit object: numeric-string id, 32-hex code, type "1", status "10"', async () => {
    const { app } = createSandbox({ now: manualClock().now });
    const { token, userId } = await ssoPatient(app);
    const intakeId = await createIntake(app, token, { reason_for_visit: 'Rash' });

    const res = await request(app)
      .post(`${API}/visits/add_walkin`)
      .set(asToken(token))
      .send({ intake_id: intakeId, room_code: C.roomCode, provider_id: '502' });

    expect(res.status).toBe(200);
    const v = res.body.data;
    expect(v.id).toMatch(/^\d+$/);
    expect(v._id).toBe(v.id);
    expect(v.code).toMatch(/^[0-9a-f]{32}$/);
    expect(v).toMatchObject({
      type: '1',
      status: '10',
      member_id: userId,
      provider_id: '502',
      start: String(T0_SECONDS),
      end: String(T0_SECONDS + 15 * 60),
      actual_start: null,
      created: T0_SECONDS,
      payment: { duration: 15 },
      intake: { id: intakeId, reason_for_visit: 'Rash', type: '1', visit_id: v.id },
      provider: { id: '502', first_name: 'Jordan', last_name: 'Example' },
      member: { id: userId, first_name: 'Pat', last_name: 'Ient' },
    });
  });

  it('assigns the room’s first provider when provider_id is left out', async () => {
    const { app } = createSandbox();
    const { visit } = await walkIn(app);
    expect(visit.provider_id).toBe('501');
  });

  it.each(['intake_id', 'room_code'])('answers 400 when %s is missing', async (field) => {
    const { app, state } = createSandbox();
    const { token } = await ssoPatient(app);
    const body: Record<string, unknown> = {
      intake_id: await createIntake(app, token),
      room_code: C.roomCode,
    };
    delete body[field];
    const res = await request(app).post(`${API}/visits/add_walkin`).set(asToken(token)).send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 400, message: `Missing or invalid field: ${field}` });
    expect(state.visits.size).toBe(0);
  });

  it('answers 404 for an unknown intake, room or provider, and 403 for another patient’s intake', async () => {
    const { app } = createSandbox();
    const one = await ssoPatient(app, 'one');
    const two = await ssoPatient(app, 'two');
    const intakeId = await createIntake(app, one.token);
    const post = (token: string, body: Record<string, unknown>) =>
      request(app).post(`${API}/visits/add_walkin`).set(asToken(token)).send(body);

    expect((await post(one.token, { intake_id: 'nope', room_code: C.roomCode })).status).toBe(404);
    expect((await post(one.token, { intake_id: intakeId, room_code: 'nowhere' })).status).toBe(404);
    expect(
      (await post(one.token, { intake_id: intakeId, room_code: C.roomCode, provider_id: '9' })).status,
    ).toBe(404);
    const foreign = await post(two.token, { intake_id: intakeId, room_code: C.roomCode });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe(403);
  });

  it('answers 401 for an expired patient token', async () => {
    const clock = manualClock();
    const { app } = createSandbox({ now: clock.now });
    const { token } = await ssoPatient(app);
    const intakeId = await createIntake(app, token);
    clock.advance(86_400_000);
    const res = await request(app)
      .post(`${API}/visits/add_walkin`)
      .set(asToken(token))
      .send({ intake_id: intakeId, room_code: C.roomCode });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 401, message: 'Token expired.' });
  });
});

describe('POST /visits/add_econsult', () => {
  it.each(['/visits/add_econsult', '/add_econsult'])(
    'via %s creates an unassigned visit, type "3", status "10"',
    async (path) => {
      const { app, state } = createSandbox();
      const { token } = await ssoPatient(app);
      const intakeId = await createIntake(app, token, { reason_for_visit: 'Question about pills' });

      const res = await request(app)
        .post(`${API}${path}`)
        .set(asToken(token))
        .send({ intake_id: intakeId, room_code: C.roomCode, provider_id: '501' });

      expect(res.status).toBe(200);
      expect(res.body.data).toMatchObject({ type: '3', status: '10', provider_id: null, provider: null });
      expect(res.body.data.id).toMatch(/^\d+$/);
      expect(state.visits.get(res.body.data.id)?.kind).toBe('econsult');
    },
  );

  it('stays unassigned until a provider accepts it', async () => {
    const { app, state } = createSandbox();
    const { token, visit } = await eConsult(app);

    expect(() => state.transition(visit.id, 'start')).toThrow('Accept the eConsult before starting it.');
    state.transition(visit.id, 'accept', '502');
    const res = await request(app).get(`${API}/visits/${visit.id}`).set(asToken(token)).expect(200);

    expect(res.body.data).toMatchObject({ provider_id: '502', status: '20', provider: { id: '502' } });
  });

  it('answers 400 without intake_id and 401 without a token', async () => {
    const { app } = createSandbox();
    const { token } = await ssoPatient(app);
    const missing = await request(app)
      .post(`${API}/visits/add_econsult`)
      .set(asToken(token))
      .send({ room_code: C.roomCode });
    const anonymous = await request(app)
      .post(`${API}/visits/add_econsult`)
      .set({ 'X-AccountCode': C.accountCode })
      .send({ intake_id: 'x', room_code: C.roomCode });
    expect(missing.status).toBe(400);
    expect(missing.body).toEqual({ code: 400, message: 'Missing or invalid field: intake_id' });
    expect(anonymous.status).toBe(401);
  });
});

describe('GET /visits/:id', () => {
  it('answers the visit, code included, to its own patient and to the admin token', async () => {
    const { app } = createSandbox();
    const { token, visit } = await walkIn(app);

    const own = await request(app).get(`${API}/visits/${visit.id}`).set(asToken(token));
    const admin = await request(app).get(`${API}/visits/${visit.id}`).set(ADMIN);

    expect(own.status).toBe(200);
    expect(own.body.data).toEqual(visit);
    expect(own.body.data.code).toBe(visit.code);
    expect(admin.status).toBe(200);
    expect(admin.body.data.id).toBe(visit.id);
  });

  it('answers 403 to another patient, 404 for an unknown id, 401 without a token', async () => {
    const { app } = createSandbox();
    const { visit } = await walkIn(app, 'one');
    const other = await ssoPatient(app, 'two');

    const foreign = await request(app).get(`${API}/visits/${visit.id}`).set(asToken(other.token));
    const unknown = await request(app).get(`${API}/visits/999999`).set(ADMIN);
    const anonymous = await request(app)
      .get(`${API}/visits/${visit.id}`)
      .set({ 'X-AccountCode': C.accountCode });

    expect(foreign.status).toBe(403);
    expect(foreign.body).toEqual({ code: 403, message: 'This visit belongs to another patient.' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ code: 404, message: 'Visit not found.' });
    expect(anonymous.status).toBe(401);
  });

  it('shows status changes made by a provider', async () => {
    const { app, state } = createSandbox();
    const { token, visit } = await walkIn(app);
    state.transition(visit.id, 'start');
    const started = await request(app).get(`${API}/visits/${visit.id}`).set(asToken(token)).expect(200);
    state.transition(visit.id, 'complete');
    const done = await request(app).get(`${API}/visits/${visit.id}`).set(asToken(token)).expect(200);
    expect(started.body.data.status).toBe('25');
    expect(started.body.data.actual_start).toMatch(/^\d+$/);
    expect(done.body.data).toMatchObject({ status: '30', completed_by: '501' });
  });
});

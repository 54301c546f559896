import request from 'supertest';
import { createSandbox } from '../../src/sandbox';
import { ADMIN, API, asToken, C, manualClock, ssoPatient } from './helpers';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('POST /intakes and GET /intakes/:id', () => {
  it('creates an intake with a UUID id and echoes the custom fields', async () => {
    const { app } = createSandbox();
    const { token, userId } = await ssoPatient(app);
    const res = await request(app).post(`${API}/intakes`).set(asToken(token)).send({
      room_code: C.roomCode,
      type: 1,
      reason_for_visit: 'Sore throat',
      member_id: userId,
      custom_symptoms: 'fever',
    });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { id: expect.stringMatching(UUID), custom_symptoms: 'fever' } });
  });

  it('returns the stored intake, custom fields included, to its patient', async () => {
    const { app } = createSandbox({ now: manualClock().now });
    const { token, userId } = await ssoPatient(app);
    const created = await request(app)
      .post(`${API}/intakes`)
      .set(asToken(token))
      .send({ room_code: C.roomCode, type: '2', reason_for_visit: 'Follow-up', custom_pharmacy: 'Main St' })
      .expect(200);

    const res = await request(app).get(`${API}/intakes/${created.body.data.id}`).set(asToken(token));

    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      id: created.body.data.id,
      type: '2',
      reason_for_visit: 'Follow-up',
      member_id: userId,
      room_code: C.roomCode,
      custom_pharmacy: 'Main St',
      attachments: [],
      visit_id: null,
    });
    expect(typeof res.body.data.created).toBe('number');
  });

  it.each(['room_code', 'type'])('answers 400 when %s is missing', async (field) => {
    const { app, state } = createSandbox();
    const { token } = await ssoPatient(app);
    const body: Record<string, unknown> = { room_code: C.roomCode, type: 1 };
    delete body[field];
    const res = await request(app).post(`${API}/intakes`).set(asToken(token)).send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 400, message: `Missing or invalid field: ${field}` });
    expect(state.intakes.size).toBe(0);
  });

  it('answers 400 for a type other than 1 or 2', async () => {
    const { app } = createSandbox();
    const { token } = await ssoPatient(app);
    const res = await request(app)
      .post(`${API}/intakes`)
      .set(asToken(token))
      .send({ room_code: C.roomCode, type: 3 });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(400);
  });

  it('answers 404 for an unknown room_code or provider_id', async () => {
    const { app } = createSandbox();
    const { token } = await ssoPatient(app);
    const room = await request(app)
      .post(`${API}/intakes`)
      .set(asToken(token))
      .send({ room_code: 'nowhere', type: 1 });
    const provider = await request(app)
      .post(`${API}/intakes`)
      .set(asToken(token))
      .send({ room_code: C.roomCode, type: 1, provider_id: '999' });
    expect(room.status).toBe(404);
    expect(room.body).toEqual({ code: 404, message: 'Room not found.' });
    expect(provider.status).toBe(404);
  });

  it('answers 403 when a patient names another member_id', async () => {
    const { app } = createSandbox();
    const { token } = await ssoPatient(app, 'one');
    const other = await ssoPatient(app, 'two');
    const res = await request(app)
      .post(`${API}/intakes`)
      .set(asToken(token))
      .send({ room_code: C.roomCode, type: 1, member_id: other.userId });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe(403);
  });

  it('lets the admin token create an intake for a named member', async () => {
    const { app, state } = createSandbox();
    const { userId } = await ssoPatient(app);
    const res = await request(app)
      .post(`${API}/intakes`)
      .set(ADMIN)
      .send({ room_code: C.roomCode, type: 1, member_id: userId });
    expect(res.status).toBe(200);
    expect(state.intakes.get(res.body.data.id)?.memberId).toBe(userId);
  });

  it('answers 404 for an unknown intake id and 403 for another patient’s intake', async () => {
    const { app } = createSandbox();
    const one = await ssoPatient(app, 'one');
    const two = await ssoPatient(app, 'two');
    const created = await request(app)
      .post(`${API}/intakes`)
      .set(asToken(one.token))
      .send({ room_code: C.roomCode, type: 1 })
      .expect(200);

    const unknown = await request(app)
      .get(`${API}/intakes/00000000-0000-4000-8000-000000000000`)
      .set(asToken(one.token));
    const foreign = await request(app).get(`${API}/intakes/${created.body.data.id}`).set(asToken(two.token));
    const admin = await request(app).get(`${API}/intakes/${created.body.data.id}`).set(ADMIN);

    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ code: 404, message: 'Intake not found.' });
    expect(foreign.status).toBe(403);
    expect(admin.status).toBe(200);
  });

  it('answers 401 without X-ApiToken, with an unknown token, or with an expired one', async () => {
    const clock = manualClock();
    const { app } = createSandbox({ now: clock.now, tokenTtlSeconds: 60 });
    const { token } = await ssoPatient(app);
    const body = { room_code: C.roomCode, type: 1 };

    const missing = await request(app)
      .post(`${API}/intakes`)
      .set({ 'X-AccountCode': C.accountCode })
      .send(body);
    const unknown = await request(app)
      .post(`${API}/intakes`)
      .set(asToken('f'.repeat(32)))
      .send(body);
    await request(app).post(`${API}/intakes`).set(asToken(token)).send(body).expect(200);
    clock.advance(60_000);
    const expired = await request(app).post(`${API}/intakes`).set(asToken(token)).send(body);

    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ code: 401, message: 'Missing X-ApiToken header.' });
    expect(unknown.body).toEqual({ code: 401, message: 'Invalid token.' });
    expect(expired.status).toBe(401);
    expect(expired.body).toEqual({ code: 401, message: 'Token expired.' });
  });

  it('accepts attachments as a comma list', async () => {
    const { app, state } = createSandbox();
    const { token } = await ssoPatient(app);
    const res = await request(app)
      .post(`${API}/intakes`)
      .set(asToken(token))
      .type('form')
      .send({ room_code: C.roomCode, type: '1', attachments: 'a1,b2' })
      .expect(200);
    expect(state.intakes.get(res.body.data.id)?.attachments).toEqual([{ id: 'a1' }, { id: 'b2' }]);
  });
});

import request from 'supertest';
import { createSandbox, KnobError } from '../../src/sandbox';
import { API, asToken, C, createIntake, SSO_HEADERS, ssoPatient } from './helpers';

const patient = { first_name: 'Pat', last_name: 'Ient', type: 200, code: 'knob-1' };
const sso = (app: Parameters<typeof request>[0]) =>
  request(app).post(`${API}/users/sso`).set(SSO_HEADERS).send(patient);

describe('fault knobs (in code)', () => {
  it('delays answers of one endpoint by the set latency', async () => {
    const { app, knobs } = createSandbox();
    knobs.setLatency('users/sso', 150);
    const started = Date.now();
    await sso(app).expect(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('applies a * latency to every endpoint, and reset removes it', async () => {
    // Relative to the latency set, not an absolute figure: a loaded machine took 102 ms for a plain call.
    const latencyMs = 600;
    const { app, knobs } = createSandbox();
    knobs.setLatency('*', latencyMs);
    let started = Date.now();
    await request(app).get(`${API}/rooms/${C.roomCode}`).set('X-AccountCode', C.accountCode).expect(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(latencyMs - 10);
    knobs.reset();
    started = Date.now();
    await request(app).get(`${API}/rooms/${C.roomCode}`).set('X-AccountCode', C.accountCode).expect(200);
    expect(Date.now() - started).toBeLessThan(latencyMs / 2);
  });

  it('answers the next N calls with the given status, then normally, without doing the work', async () => {
    const { app, knobs, state } = createSandbox();
    knobs.failNext('users/sso', { status: 503, times: 2 });
    const first = await sso(app);
    const second = await sso(app);
    const third = await sso(app);
    expect(first.status).toBe(503);
    expect(first.body).toEqual({ code: 503, message: 'Sandbox: injected failure.' });
    expect(second.status).toBe(503);
    expect(third.status).toBe(200);
    expect(state.users.size).toBe(1);
  });

  it('queues failures in order: 500 then 429 then success', async () => {
    const { app, knobs } = createSandbox();
    knobs.failNext('users/sso');
    knobs.failNext('users/sso', { status: 429 });
    expect((await sso(app)).status).toBe(500);
    expect((await sso(app)).status).toBe(429);
    expect((await sso(app)).status).toBe(200);
  });

  it('does not touch other endpoints', async () => {
    const { app, knobs } = createSandbox();
    knobs.failNext('visits/add_walkin', { status: 500 });
    expect((await sso(app)).status).toBe(200);
  });

  it('answers malformed JSON with status 200', async () => {
    const { app, knobs } = createSandbox();
    knobs.failNext('users/sso', { mode: 'malformed' });
    const res = await sso(app)
      .buffer(true)
      .parse((r, cb) => {
        let text = '';
        r.on('data', (c: Buffer) => (text += c.toString()));
        r.on('end', () => cb(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(() => JSON.parse(res.body as string)).toThrow();
  });

  it('leaves out a field of the real answer (data.token.token by default for SSO)', async () => {
    const { app, knobs, state } = createSandbox();
    knobs.failNext('users/sso', { mode: 'missing_field' });
    const res = await sso(app);
    expect(res.status).toBe(200);
    expect(res.body.data.id).toMatch(/^\d+$/);
    expect(res.body.data.token).not.toHaveProperty('token');
    expect(res.body.data.token.expiry).toEqual(expect.any(Number));
    expect(state.users.size).toBe(1);
  });

  it('resolves the default missing field for the endpoint that takes a * failure', async () => {
    const { app, knobs } = createSandbox();
    knobs.failNext('*', { mode: 'missing_field' });
    const res = await sso(app);
    expect(res.body.data.id).toMatch(/^\d+$/);
    expect(res.body.data.token).not.toHaveProperty('token');
  });

  it('leaves out a named field of a walk-in answer while the visit is still created', async () => {
    const { app, knobs, state } = createSandbox();
    const { token } = await ssoPatient(app);
    const intakeId = await createIntake(app, token);
    knobs.failNext('visits/add_walkin', { mode: 'missing_field', field: 'data.id' });
    const res = await request(app)
      .post(`${API}/visits/add_walkin`)
      .set(asToken(token))
      .send({ intake_id: intakeId, room_code: C.roomCode });
    expect(res.status).toBe(200);
    expect(res.body.data).not.toHaveProperty('id');
    expect(res.body.data.code).toMatch(/^[0-9a-f]{32}$/);
    expect(state.visits.size).toBe(1);
  });

  it('with when: "after", does the work and then fails the answer', async () => {
    const { app, knobs, state } = createSandbox();
    const { token } = await ssoPatient(app);
    const intakeId = await createIntake(app, token);
    knobs.failNext('visits/add_walkin', { status: 502, when: 'after' });
    const res = await request(app)
      .post(`${API}/visits/add_walkin`)
      .set(asToken(token))
      .send({ intake_id: intakeId, room_code: C.roomCode });
    expect(res.status).toBe(502);
    expect(res.body).toEqual({ code: 502, message: 'Sandbox: injected failure.' });
    expect(state.visits.size).toBe(1);
  });

  it('throws on an unknown endpoint name or impossible values', () => {
    const { knobs } = createSandbox();
    expect(() => knobs.failNext('users/ssoo' as 'users/sso')).toThrow(KnobError);
    expect(() => knobs.setLatency('visits', -1)).toThrow(KnobError);
    expect(() => knobs.failNext('visits', { status: 99 })).toThrow(KnobError);
    expect(() => knobs.failNext('visits', { times: 0 })).toThrow(KnobError);
  });
});

describe('request log', () => {
  it('records endpoint, method, path, masked headers, token kind, fields and status', async () => {
    const { app, requestLog } = createSandbox();
    const { token } = await ssoPatient(app);
    await request(app)
      .post(`${API}/intakes.json`)
      .set(asToken(token))
      .send({ room_code: C.roomCode, type: 1, reason_for_visit: 'Cough' })
      .expect(200);

    const [ssoCall, intakeCall] = requestLog.entries();
    expect(ssoCall).toMatchObject({
      endpoint: 'users/sso',
      method: 'POST',
      path: `${API}/users/sso`,
      tokenKind: 'none',
      status: 200,
    });
    expect(ssoCall?.headers['x-apikey']).toBe('sand…(masked)');
    expect(ssoCall?.headers['X-ApiSecret']).toBe('sand…(masked)');
    expect(ssoCall?.headers['x-accountcode']).toBe('sandbox');
    expect(ssoCall?.fields).toMatchObject({ first_name: 'Pat', code: 'patient-1' });
    expect(intakeCall).toMatchObject({
      endpoint: 'intakes',
      path: `${API}/intakes.json`,
      tokenKind: 'patient',
      fields: { room_code: C.roomCode, type: 1, reason_for_visit: 'Cough' },
      status: 200,
    });
    expect(intakeCall?.headers['x-apitoken']).toBe(`${token.slice(0, 4)}…(masked)`);
    expect(JSON.stringify(requestLog.entries())).not.toContain(token);
    expect(JSON.stringify(requestLog.entries())).not.toContain(C.apiSecret);
  });

  it('tells admin, unknown and missing tokens apart, and logs unmatched paths and failures', async () => {
    const { app, requestLog, knobs } = createSandbox();
    await request(app).get(`${API}/visits/1`).set(asToken(C.adminToken)).expect(404);
    await request(app).get(`${API}/visits/1`).set(asToken('nope')).expect(401);
    await request(app).get(`${API}/nothing`).expect(404);
    knobs.failNext('rooms/:code', { status: 503 });
    await request(app).get(`${API}/rooms/${C.roomCode}`).set('X-AccountCode', C.accountCode).expect(503);

    expect(requestLog.entries().map((e) => [e.endpoint, e.tokenKind, e.status])).toEqual([
      ['visits/:id', 'admin', 404],
      ['visits/:id', 'unknown', 401],
      ['(unmatched)', 'none', 404],
      ['rooms/:code', 'none', 503],
    ]);
  });

  it('records query parameters of a GET as fields', async () => {
    const { app, requestLog } = createSandbox();
    const { token } = await ssoPatient(app);
    requestLog.clear();
    await request(app).get(`${API}/availability`).query({ start: 1, end: 2 }).set(asToken(token)).expect(200);
    expect(requestLog.entries()).toEqual([
      expect.objectContaining({ endpoint: 'availability', fields: { start: '1', end: '2' } }),
    ]);
  });

  it('clears', async () => {
    const { app, requestLog } = createSandbox();
    await sso(app);
    requestLog.clear();
    expect(requestLog.entries()).toEqual([]);
  });
});

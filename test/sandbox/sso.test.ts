import request from 'supertest';
import { createSandbox } from '../../src/sandbox';
import { API, C, manualClock, SSO_HEADERS, T0_SECONDS } from './helpers';

const patient = { first_name: 'Pat', last_name: 'Ient', type: 200, code: 'acct-42' };

describe('POST /users/sso', () => {
  it('creates the user on the first call and answers the VSee user object with a 32-hex, 24 h token', async () => {
    const { app } = createSandbox({ now: manualClock().now });
    const res = await request(app)
      .post(`${API}/users/sso`)
      .set(SSO_HEADERS)
      .send({ ...patient, dob: '1990-01-01', email: 'pat@example.test', disable_emails: 1 });

    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const data = res.body.data;
    expect(data).toMatchObject({
      code: 'acct-42',
      first_name: 'Pat',
      last_name: 'Ient',
      dob: '1990-01-01',
      email: 'pat@example.test',
      disable_emails: 1,
      active: true,
    });
    expect(data.id).toMatch(/^\d+$/);
    expect(data.username).toMatch(/^[0-9a-f]{32}$/);
    expect(data.vseeid).toBe(`sandbox+${data.username}`);
    expect(data.token.token).toMatch(/^[0-9a-f]{32}$/);
    expect(data.token.user_id).toBe(data.id);
    expect(data.token.expiry).toBe(T0_SECONDS + 86_400);
    expect(data.token.refresh_token.expiry).toBe(T0_SECONDS + 30 * 86_400);
  });

  it('returns the same user (same data.id) with a new token on later calls with the same code', async () => {
    const { app, state } = createSandbox();
    const first = await request(app).post(`${API}/users/sso`).set(SSO_HEADERS).send(patient).expect(200);
    const second = await request(app).post(`${API}/users/sso`).set(SSO_HEADERS).send(patient).expect(200);

    expect(second.body.data.id).toBe(first.body.data.id);
    expect(second.body.data.token.token).not.toBe(first.body.data.token.token);
    expect(state.users.size).toBe(1);
    expect(state.lastTokenFor('acct-42')).toBe(second.body.data.token.token);
  });

  it('gives different codes different users', async () => {
    const { app } = createSandbox();
    const a = await request(app).post(`${API}/users/sso`).set(SSO_HEADERS).send(patient).expect(200);
    const b = await request(app)
      .post(`${API}/users/sso`)
      .set(SSO_HEADERS)
      .send({ ...patient, code: 'acct-43' })
      .expect(200);
    expect(b.body.data.id).not.toBe(a.body.data.id);
  });

  it('mints tokens with the injected tokenFactory (for canary leak tests)', async () => {
    let n = 0;
    const { app } = createSandbox({ tokenFactory: () => `CANARY-${++n}` });
    const res = await request(app).post(`${API}/users/sso`).set(SSO_HEADERS).send(patient).expect(200);
    expect(res.body.data.token.token).toBe('CANARY-1');
  });

  it('adds data.vsee when asked with ?fields=vsee', async () => {
    const { app } = createSandbox();
    const res = await request(app)
      .post(`${API}/users/sso?fields=vsee`)
      .set(SSO_HEADERS)
      .send(patient)
      .expect(200);
    expect(res.body.data.vsee).toEqual({
      id: res.body.data.vseeid,
      token: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
  });

  it('creates a new guest with a generated code for every type 600 call', async () => {
    const { app } = createSandbox();
    const guest = { first_name: 'Gus', last_name: 'Guest', type: 600 };
    const a = await request(app).post(`${API}/users/sso`).set(SSO_HEADERS).send(guest).expect(200);
    const b = await request(app).post(`${API}/users/sso`).set(SSO_HEADERS).send(guest).expect(200);
    expect(a.body.data.code).toMatch(/^[0-9a-f]{32}$/);
    expect(b.body.data.id).not.toBe(a.body.data.id);
  });

  it.each(['first_name', 'last_name', 'code'])(
    'answers 400 {code,message} when %s is missing',
    async (field) => {
      const { app } = createSandbox();
      const body: Record<string, unknown> = { ...patient };
      delete body[field];
      const res = await request(app).post(`${API}/users/sso`).set(SSO_HEADERS).send(body);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 400, message: `Missing or invalid field: ${field}` });
    },
  );

  it('answers 400 for an unknown user type or a malformed dob', async () => {
    const { app } = createSandbox();
    const badType = await request(app)
      .post(`${API}/users/sso`)
      .set(SSO_HEADERS)
      .send({ ...patient, type: 100 });
    const badDob = await request(app)
      .post(`${API}/users/sso`)
      .set(SSO_HEADERS)
      .send({ ...patient, dob: '01/02/1990' });
    expect(badType.status).toBe(400);
    expect(badDob.status).toBe(400);
    expect(badDob.body.code).toBe(400);
  });

  it.each([
    ['X-AccountCode', 'Missing X-AccountCode header.'],
    ['X-ApiKey', 'Missing X-ApiKey header.'],
    ['X-ApiSecret', 'Missing X-ApiSecret header.'],
  ])('answers 401 when the %s header is missing', async (header, message) => {
    const { app, state } = createSandbox();
    const headers: Record<string, string> = { ...SSO_HEADERS };
    delete headers[header];
    const res = await request(app).post(`${API}/users/sso`).set(headers).send(patient);
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ code: 401, message });
    expect(state.users.size).toBe(0);
  });

  it('answers 401 for a wrong key, secret or account code', async () => {
    const { app } = createSandbox();
    for (const wrong of [{ 'X-ApiKey': 'nope' }, { 'X-ApiSecret': 'nope' }, { 'X-AccountCode': 'other' }]) {
      const res = await request(app)
        .post(`${API}/users/sso`)
        .set({ ...SSO_HEADERS, ...wrong })
        .send(patient);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe(401);
    }
  });

  it('does not accept a user token in place of the API key and secret', async () => {
    const { app } = createSandbox();
    const res = await request(app)
      .post(`${API}/users/sso`)
      .set({ 'X-AccountCode': C.accountCode, 'X-ApiToken': C.adminToken })
      .send(patient);
    expect(res.status).toBe(401);
  });

  it('updates name, dob, email and disable_emails on a repeat call (assumption, docs/sandbox.md)', async () => {
    const { app } = createSandbox();
    await request(app).post(`${API}/users/sso`).set(SSO_HEADERS).send(patient).expect(200);
    const res = await request(app)
      .post(`${API}/users/sso`)
      .set(SSO_HEADERS)
      .send({ ...patient, first_name: 'Patricia', email: 'new@example.test', disable_emails: '1' })
      .expect(200);
    expect(res.body.data).toMatchObject({
      first_name: 'Patricia',
      email: 'new@example.test',
      disable_emails: 1,
    });
  });
});

import request from 'supertest';
import { createSandbox } from '../../src/sandbox';
import { API, asToken, C, createIntake, SSO_HEADERS, ssoPatient } from './helpers';

const patient = {
  first_name: 'Pat',
  last_name: 'Ient',
  type: '200',
  code: 'enc-1',
  email: 'pat@example.test',
};

describe('body encodings', () => {
  it('accepts a JSON body', async () => {
    const { app } = createSandbox();
    const res = await request(app)
      .post(`${API}/users/sso`)
      .set(SSO_HEADERS)
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(patient));
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ code: 'enc-1', email: 'pat@example.test' });
  });

  it('accepts an urlencoded body', async () => {
    const { app } = createSandbox();
    const res = await request(app).post(`${API}/users/sso`).set(SSO_HEADERS).type('form').send(patient);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ code: 'enc-1', email: 'pat@example.test' });
  });

  it('accepts a multipart body (curl -F)', async () => {
    const { app } = createSandbox();
    let req = request(app).post(`${API}/users/sso`).set(SSO_HEADERS);
    for (const [k, v] of Object.entries(patient)) req = req.field(k, v);
    const res = await req;
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ code: 'enc-1', email: 'pat@example.test' });
  });

  it('keeps intake custom fields in all three encodings', async () => {
    const { app } = createSandbox();
    const { token } = await ssoPatient(app);
    const fields = { room_code: C.roomCode, type: '1', custom_note: 'hello' };
    const json = await request(app).post(`${API}/intakes`).set(asToken(token)).send(fields);
    const form = await request(app).post(`${API}/intakes`).set(asToken(token)).type('form').send(fields);
    const multipart = await request(app)
      .post(`${API}/intakes`)
      .set(asToken(token))
      .field('room_code', C.roomCode)
      .field('type', '1')
      .field('custom_note', 'hello');
    for (const res of [json, form, multipart]) {
      expect(res.status).toBe(200);
      expect(res.body.data.custom_note).toBe('hello');
    }
  });

  it('answers 400 {code,message} for malformed JSON', async () => {
    const { app } = createSandbox();
    const res = await request(app)
      .post(`${API}/users/sso`)
      .set(SSO_HEADERS)
      .set('Content-Type', 'application/json')
      .send('{"first_name":');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 400, message: 'Malformed request body.' });
  });

  it('answers 400 for a file in a multipart body', async () => {
    const { app } = createSandbox();
    const res = await request(app)
      .post(`${API}/users/sso`)
      .set(SSO_HEADERS)
      .field('first_name', 'Pat')
      .attach('photo', Buffer.from('x'), 'x.png');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(400);
  });

  it('answers 413 for a body over 100 kB', async () => {
    const { app } = createSandbox();
    const res = await request(app)
      .post(`${API}/users/sso`)
      .set(SSO_HEADERS)
      .send({ ...patient, first_name: 'x'.repeat(200_000) });
    expect(res.status).toBe(413);
    expect(res.body).toEqual({ code: 413, message: 'Request body too large.' });
  });
});

describe('paths', () => {
  it('serves every endpoint with and without the .json suffix', async () => {
    const { app } = createSandbox();
    const { token } = await ssoPatient(app);
    const intakeId = await createIntake(app, token);
    const plain = await request(app).get(`${API}/intakes/${intakeId}`).set(asToken(token));
    const suffixed = await request(app).get(`${API}/intakes/${intakeId}.json`).set(asToken(token));
    const sso = await request(app).post(`${API}/users/sso.json`).set(SSO_HEADERS).send(patient);
    const room = await request(app)
      .get(`${API}/rooms/${C.roomCode}/providers.json`)
      .set('X-AccountCode', C.accountCode);
    const walkin = await request(app)
      .post(`${API}/visits/add_walkin.json?x=1`)
      .set(asToken(token))
      .send({ intake_id: intakeId, room_code: C.roomCode });

    expect(plain.status).toBe(200);
    expect(suffixed.status).toBe(200);
    expect(suffixed.body).toEqual(plain.body);
    expect(sso.status).toBe(200);
    expect(room.status).toBe(200);
    expect(walkin.status).toBe(200);
  });

  it('serves the API only under its prefix; unknown API paths answer VSee’s 404 envelope', async () => {
    const { app } = createSandbox();
    const bare = await request(app).post('/users/sso').set(SSO_HEADERS).send(patient);
    const unknown = await request(app).get(`${API}/nothing/here`).set(SSO_HEADERS);
    expect(bare.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ code: 404, message: 'Sorry, this page is not available.' });
  });

  it('moves the API and the pages to other prefixes when asked (e.g. vc/stable)', async () => {
    const sandbox = createSandbox({ apiPrefix: '/vc/stable/api_v3/', clinicPrefix: 'vc/stable' });
    const res = await request(sandbox.app)
      .post('/vc/stable/api_v3/users/sso.json')
      .set(SSO_HEADERS)
      .send(patient);
    const old = await request(sandbox.app).post(`${API}/users/sso`).set(SSO_HEADERS).send(patient);
    const auth = await request(sandbox.app)
      .get('/vc/stable/auth')
      .query({ sso_token: res.body.data.token.token });

    expect(res.status).toBe(200);
    expect(old.status).toBe(404);
    expect(auth.status).toBe(302);
    expect(auth.headers.location).toBe('/vc/stable/u/clinic');
    expect(sandbox.settings('http://127.0.0.1:4000/')).toMatchObject({
      apiUrl: 'http://127.0.0.1:4000/vc/stable/api_v3/',
      clinicUrl: 'http://127.0.0.1:4000/vc/stable/',
    });
  });

  it('builds VseeSettings for a portal from its base URL', () => {
    const { settings } = createSandbox();
    expect(settings('http://127.0.0.1:4000')).toEqual({
      apiUrl: 'http://127.0.0.1:4000/vc/next/api_v3/',
      clinicUrl: 'http://127.0.0.1:4000/vc/next/',
      accountCode: 'sandbox',
      apiKey: C.apiKey,
      apiSecret: C.apiSecret,
      roomCode: C.roomCode,
      adminToken: C.adminToken,
      disableNavigation: false,
      disableEmails: false,
    });
  });
});

import request from 'supertest';
import { createSandbox } from '../../src/sandbox';
import { API, C, SSO_HEADERS, walkIn } from './helpers';

const patient = { first_name: 'Pat', last_name: 'Ient', type: 200, code: 'http-knob' };

describe('knobs over HTTP under /_sandbox/', () => {
  it('POST /_sandbox/fail-next makes the next calls fail', async () => {
    const { app } = createSandbox();
    const set = await request(app)
      .post('/_sandbox/fail-next')
      .send({ endpoint: 'users/sso', status: 503, times: 1 });
    expect(set.status).toBe(200);
    expect(set.body.data.failures['users/sso']).toEqual([
      { mode: 'status', status: 503, when: 'before', remaining: 1 },
    ]);
    expect((await request(app).post(`${API}/users/sso`).set(SSO_HEADERS).send(patient)).status).toBe(503);
    expect((await request(app).post(`${API}/users/sso`).set(SSO_HEADERS).send(patient)).status).toBe(200);
  });

  it('POST /_sandbox/latency delays answers', async () => {
    const { app } = createSandbox();
    await request(app).post('/_sandbox/latency').send({ endpoint: '*', ms: 150 }).expect(200);
    const started = Date.now();
    await request(app).get(`${API}/rooms/${C.roomCode}`).set('X-AccountCode', C.accountCode).expect(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('answers 400 for an unknown endpoint, mode or a bad value', async () => {
    const { app } = createSandbox();
    for (const body of [
      { endpoint: 'users/ssoo' },
      { endpoint: 'visits', mode: 'explode' },
      { endpoint: 'visits', status: 42 },
    ]) {
      const res = await request(app).post('/_sandbox/fail-next').send(body);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(400);
    }
    expect((await request(app).post('/_sandbox/latency').send({ endpoint: 'visits', ms: -5 })).status).toBe(
      400,
    );
  });

  it('GET /_sandbox/requests reads the log, with secrets masked; DELETE clears it', async () => {
    const { app } = createSandbox();
    const sso = await request(app).post(`${API}/users/sso`).set(SSO_HEADERS).send(patient).expect(200);
    const log = await request(app).get('/_sandbox/requests');
    expect(log.status).toBe(200);
    expect(log.body.data).toEqual([
      expect.objectContaining({ endpoint: 'users/sso', method: 'POST', status: 200, tokenKind: 'none' }),
    ]);
    expect(log.body.data[0].headers['x-apisecret']).toBe('sand…(masked)');
    expect(log.text).not.toContain(C.apiSecret);
    expect(log.text).not.toContain(sso.body.data.token.token);

    await request(app).delete('/_sandbox/requests').expect(204);
    expect((await request(app).get('/_sandbox/requests')).body.data).toEqual([]);
  });

  it('POST /_sandbox/reset clears knobs and the log, and with {state:true} the users and visits too', async () => {
    const { app, state } = createSandbox();
    await walkIn(app);
    await request(app).post('/_sandbox/fail-next').send({ endpoint: '*', status: 500, times: 5 }).expect(200);
    await request(app).post('/_sandbox/reset').send({}).expect(204);
    expect((await request(app).get('/_sandbox/knobs')).body.data).toEqual({ latency: {}, failures: {} });
    expect((await request(app).get('/_sandbox/requests')).body.data).toEqual([]);
    expect(state.visits.size).toBe(1);

    await request(app).post('/_sandbox/reset').send({ state: true }).expect(204);
    expect(state.visits.size).toBe(0);
    expect(state.users.size).toBe(0);
    expect(state.providers.size).toBe(2);
  });

  it('GET /_sandbox/visits lists visits and POST /_sandbox/visits/:id/:action moves one', async () => {
    const { app } = createSandbox();
    const { visit } = await walkIn(app);
    const started = await request(app).post(`/_sandbox/visits/${visit.id}/start`).send({});
    const refused = await request(app)
      .post(`/_sandbox/visits/${visit.id}/accept`)
      .send({ provider_id: '501' });
    const unknown = await request(app).post('/_sandbox/visits/999999/start').send({});
    const list = await request(app).get('/_sandbox/visits');

    expect(started.status).toBe(200);
    expect(started.body.data.status).toBe('25');
    expect(refused.status).toBe(400);
    expect(unknown.status).toBe(404);
    expect(list.body.data.map((v: { id: string; status: string }) => [v.id, v.status])).toEqual([
      [visit.id, '25'],
    ]);
  });
});

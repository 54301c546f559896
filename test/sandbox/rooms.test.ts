import request from 'supertest';
import { createSandbox } from '../../src/sandbox';
import { API, C } from './helpers';

describe('GET /rooms/:code and /rooms/:code/providers (public)', () => {
  it('answers the room configuration with only X-AccountCode', async () => {
    const { app } = createSandbox();
    const res = await request(app).get(`${API}/rooms/${C.roomCode}`).set('X-AccountCode', C.accountCode);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      code: C.roomCode,
      provider_ids: ['501', '502'],
      visits: { walkin: { enabled: true }, appointment: { enabled: true } },
      operation_settings: { is_closed: false },
    });
    expect(res.body.data.payment.consultations[0]).toMatchObject({ id: '1', duration: 15 });
  });

  it('lists at least two seeded providers', async () => {
    const { app } = createSandbox();
    const res = await request(app)
      .get(`${API}/rooms/${C.roomCode}/providers`)
      .set('X-AccountCode', C.accountCode);
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(2);
    expect(res.body.data[0]).toMatchObject({
      id: '501',
      subtype: '482',
      first_name: 'Avery',
      last_name: 'Sandbox',
    });
    expect(res.body.data[0].code).toMatch(/^[0-9a-f]{32}$/);
  });

  it('answers 404 for an unknown room and 401 without X-AccountCode', async () => {
    const { app } = createSandbox();
    const unknown = await request(app)
      .get(`${API}/rooms/nowhere/providers`)
      .set('X-AccountCode', C.accountCode);
    const anonymous = await request(app).get(`${API}/rooms/${C.roomCode}`);
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ code: 404, message: 'Room not found.' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ code: 401, message: 'Missing X-AccountCode header.' });
  });
});

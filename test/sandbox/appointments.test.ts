import request from 'supertest';
import { createSandbox } from '../../src/sandbox';
import { ADMIN, API, asToken, C, createIntake, manualClock, ssoPatient, T0_SECONDS } from './helpers';

const HOUR = 3600;
const DAY = 86_400;
/** 2030-01-07 09:00 UTC, the first seeded slot of the test day (the clock stands at 08:00). */
const NINE = T0_SECONDS + HOUR;

async function setup() {
  const clock = manualClock();
  const sandbox = createSandbox({ now: clock.now });
  const patient = await ssoPatient(sandbox.app);
  const intakeId = await createIntake(sandbox.app, patient.token, { type: 2 });
  return { ...sandbox, ...patient, intakeId, clock };
}

describe('GET /availability', () => {
  it('lists open slots of the room’s providers, earliest first, as {start,end,provider_id,provider}', async () => {
    const { app, token, userId } = await setup();
    const res = await request(app)
      .get(`${API}/availability`)
      .query({ member_id: userId, start: NINE, end: NINE + HOUR, room_code: C.roomCode })
      .set(asToken(token));

    expect(res.status).toBe(200);
    expect(res.body.data[0]).toEqual({
      start: NINE,
      end: NINE + 1800,
      provider_id: '501',
      provider: {
        id: '501',
        first_name: 'Avery',
        last_name: 'Sandbox',
        title: 'Dr.',
        vseeid: expect.any(String),
      },
    });
    // 2 × 30 min for 501 and 4 × 15 min for 502 in the hour.
    expect(res.body.data).toHaveLength(6);
    const starts = res.body.data.map((s: { start: number }) => s.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('offers working hours (09–17 UTC) for the coming 14 days only, never the past', async () => {
    const { app, token, clock } = await setup();
    clock.advance(2 * HOUR * 1000); // 10:00
    const res = await request(app)
      .get(`${API}/availability`)
      .query({ start: T0_SECONDS - DAY, end: T0_SECONDS + 30 * DAY })
      .set(asToken(token))
      .expect(200);
    const slots: { start: number; end: number }[] = res.body.data;
    const now = T0_SECONDS + 2 * HOUR;
    expect(slots.every((s) => s.start > now && s.start < now + 14 * DAY)).toBe(true);
    expect(
      slots.every(
        (s) => new Date(s.start * 1000).getUTCHours() >= 9 && new Date(s.end * 1000).getUTCHours() <= 17,
      ),
    ).toBe(true);
    const dates = new Set(slots.map((s) => new Date(s.start * 1000).toISOString().slice(0, 10)));
    // A rolling window: the rest of today, 13 full days, and the morning of the 14th day until 10:00.
    expect(dates.size).toBe(15);
    expect(dates.has('2030-01-21')).toBe(true);
    expect(slots.at(-1)?.start).toBe(now + 14 * DAY - 900); // 502’s 09:45–10:00 slot
  });

  it('filters by provider_id and by duration in minutes', async () => {
    const { app, token } = await setup();
    const byProvider = await request(app)
      .get(`${API}/availability`)
      .query({ start: NINE, end: NINE + HOUR, provider_id: '502' })
      .set(asToken(token))
      .expect(200);
    const byDuration = await request(app)
      .get(`${API}/availability`)
      .query({ start: NINE, end: NINE + HOUR, duration: 30 })
      .set(asToken(token))
      .expect(200);
    expect(byProvider.body.data.map((s: { provider_id: string }) => s.provider_id)).toEqual([
      '502',
      '502',
      '502',
      '502',
    ]);
    expect(byDuration.body.data).toHaveLength(2);
  });

  it('also answers POST with the parameters in the body', async () => {
    const { app, token } = await setup();
    const res = await request(app)
      .post(`${API}/availability`)
      .set(asToken(token))
      .type('form')
      .send({ start: String(NINE), end: String(NINE + HOUR) });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(6);
  });

  it('answers 400 without start or end, or with end before start', async () => {
    const { app, token } = await setup();
    const noStart = await request(app).get(`${API}/availability`).query({ end: NINE }).set(asToken(token));
    const backwards = await request(app)
      .get(`${API}/availability`)
      .query({ start: NINE, end: NINE - 1 })
      .set(asToken(token));
    expect(noStart.status).toBe(400);
    expect(noStart.body).toEqual({ code: 400, message: 'Missing or invalid field: start' });
    expect(backwards.status).toBe(400);
  });

  it('answers 401 without a token and 404 for an unknown room', async () => {
    const { app, token } = await setup();
    const anonymous = await request(app)
      .get(`${API}/availability`)
      .query({ start: NINE, end: NINE + HOUR })
      .set({ 'X-AccountCode': C.accountCode });
    const room = await request(app)
      .get(`${API}/availability`)
      .query({ start: NINE, end: NINE + HOUR, room_code: 'nowhere' })
      .set(asToken(token));
    expect(anonymous.status).toBe(401);
    expect(room.status).toBe(404);
  });
});

describe('POST /visits (book a slot)', () => {
  it('books an open slot: type "2", status "20", a 10-character one-time token in both fields', async () => {
    const { app, token, userId, intakeId, state } = await setup();
    const res = await request(app)
      .post(`${API}/visits`)
      .set(asToken(token))
      .send({
        intake_id: intakeId,
        room_code: C.roomCode,
        provider_id: '501',
        member_id: userId,
        start: NINE,
        end: NINE + 1800,
        timezone: 'UTC',
      });

    expect(res.status).toBe(200);
    const v = res.body.data;
    expect(v).toMatchObject({
      type: '2',
      status: '20',
      provider_id: '501',
      member_id: userId,
      start: String(NINE),
    });
    expect(v.one_time_link_token).toMatch(/^[a-z0-9]{10}$/);
    expect(v.token).toBe(v.one_time_link_token);
    expect(state.visits.get(v.id)?.appointmentToken).toBe(v.one_time_link_token);
  });

  it('removes the booked slot from availability', async () => {
    const { app, token, intakeId } = await setup();
    await request(app)
      .post(`${API}/visits`)
      .set(asToken(token))
      .send({ intake_id: intakeId, room_code: C.roomCode, provider_id: '501', start: NINE, end: NINE + 1800 })
      .expect(200);
    const res = await request(app)
      .get(`${API}/availability`)
      .query({ start: NINE, end: NINE + 1800, provider_id: '501' })
      .set(asToken(token))
      .expect(200);
    expect(res.body.data).toEqual([]);
  });

  it('accepts slot_start/slot_end instead of start/end', async () => {
    const { app, token, intakeId } = await setup();
    const res = await request(app)
      .post(`${API}/visits`)
      .set(asToken(token))
      .send({
        intake_id: intakeId,
        room_code: C.roomCode,
        provider_id: '502',
        slot_start: NINE,
        slot_end: NINE + 900,
      });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ start: String(NINE), end: String(NINE + 900), provider_id: '502' });
  });

  it('answers 400 for a slot that is not open (taken, off hours, past, wrong length)', async () => {
    const { app, token, intakeId, state } = await setup();
    const book = (start: number, end: number) =>
      request(app)
        .post(`${API}/visits`)
        .set(asToken(token))
        .send({ intake_id: intakeId, room_code: C.roomCode, provider_id: '501', start, end });
    await book(NINE, NINE + 1800).expect(200);

    for (const [start, end] of [
      [NINE, NINE + 1800],
      [NINE - 2 * HOUR, NINE - HOUR - 1800],
      [NINE - DAY, NINE - DAY + 1800],
      [NINE + 1800, NINE + 2700],
    ] as const) {
      const res = await book(start, end);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ code: 400, message: 'The requested slot is not available.' });
    }
    expect(state.visits.size).toBe(1);
  });

  it('books a slot that is not open when the caller uses the admin token', async () => {
    const { app, token, intakeId } = await setup();
    await request(app)
      .post(`${API}/visits`)
      .set(asToken(token))
      .send({ intake_id: intakeId, room_code: C.roomCode, provider_id: '501', start: NINE, end: NINE + 1800 })
      .expect(200);
    const res = await request(app)
      .post(`${API}/visits`)
      .set(ADMIN)
      .send({
        intake_id: intakeId,
        room_code: C.roomCode,
        provider_id: '501',
        start: NINE,
        end: NINE + 1800,
      });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ type: '2', status: '20' });
  });

  it.each(['intake_id', 'room_code', 'start', 'end'])('answers 400 when %s is missing', async (field) => {
    const { app, token, intakeId } = await setup();
    const body: Record<string, unknown> = {
      intake_id: intakeId,
      room_code: C.roomCode,
      start: NINE,
      end: NINE + 1800,
    };
    delete body[field];
    const res = await request(app).post(`${API}/visits`).set(asToken(token)).send(body);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ code: 400, message: `Missing or invalid field: ${field}` });
  });

  it('answers 404 for an unknown intake and 401 for an expired token', async () => {
    const { app, token, intakeId, clock } = await setup();
    const unknown = await request(app)
      .post(`${API}/visits`)
      .set(asToken(token))
      .send({ intake_id: 'nope', room_code: C.roomCode, start: NINE, end: NINE + 1800 });
    clock.advance(DAY * 1000);
    const expired = await request(app)
      .post(`${API}/visits`)
      .set(asToken(token))
      .send({ intake_id: intakeId, room_code: C.roomCode, start: NINE + DAY, end: NINE + DAY + 1800 });
    expect(unknown.status).toBe(404);
    expect(expired.status).toBe(401);
    expect(expired.body.message).toBe('Token expired.');
  });

  it('gives a cancelled appointment’s slot back to availability', async () => {
    const { app, token, intakeId, state } = await setup();
    const booked = await request(app)
      .post(`${API}/visits`)
      .set(asToken(token))
      .send({ intake_id: intakeId, room_code: C.roomCode, provider_id: '501', start: NINE, end: NINE + 1800 })
      .expect(200);
    state.transition(booked.body.data.id, 'cancel');
    expect(state.findOpenSlot(C.roomCode, NINE, NINE + 1800, '501')).toEqual({
      providerId: '501',
      start: NINE,
      end: NINE + 1800,
    });
  });
});

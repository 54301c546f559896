import type { Express } from 'express';
import request from 'supertest';
import { createSandbox } from '../../src/sandbox';
import {
  API,
  asToken,
  C,
  CLINIC,
  createIntake,
  manualClock,
  sandboxCookie,
  ssoPatient,
  T0_SECONDS,
  testId,
  walkIn,
} from './helpers';

/** Logs the token's patient in through /auth and returns the cookie header. */
async function login(app: Express, token: string): Promise<string> {
  const res = await request(app).get(`${CLINIC}/auth`).query({ sso_token: token }).expect(302);
  const cookie = sandboxCookie(res.headers['set-cookie']);
  if (!cookie) throw new Error('no sandbox cookie');
  return cookie;
}

/** SSO → intake (type 2) → POST /visits for 09:00 on the test day; returns token, visit and link token. */
async function appointment(app: Express, code = 'appt', slot = { provider_id: '501', minutes: 30 }) {
  const { token } = await ssoPatient(app, code);
  const intakeId = await createIntake(app, token, { type: 2 });
  const res = await request(app)
    .post(`${API}/visits`)
    .set(asToken(token))
    .send({
      intake_id: intakeId,
      room_code: C.roomCode,
      provider_id: slot.provider_id,
      start: T0_SECONDS + 3600,
      end: T0_SECONDS + 3600 + slot.minutes * 60,
    })
    .expect(200);
  return {
    token,
    visitId: res.body.data.id as string,
    linkToken: res.body.data.one_time_link_token as string,
  };
}

describe('u/clinic (patient dashboard)', () => {
  it('lists the patient’s own visits with their status', async () => {
    const { app } = createSandbox();
    const mine = await walkIn(app, 'me');
    await walkIn(app, 'someone-else');
    const res = await request(app)
      .get(`${CLINIC}/u/clinic`)
      .set('Cookie', await login(app, (await ssoPatient(app, 'me')).token));

    expect(res.status).toBe(200);
    expect(res.text.match(/data-testid="visit-row"/g)).toHaveLength(1);
    expect(res.text).toContain(`data-visit-id="${mine.visit.id}"`);
    expect(res.text).toContain('Pending');
  });

  it('answers 401 without the sandbox session', async () => {
    const { app } = createSandbox();
    const res = await request(app).get(`${CLINIC}/u/clinic`);
    expect(res.status).toBe(401);
    expect(testId(res.text, 'logged-in-as')).toBe('Nobody (not logged in)');
  });
});

describe('visits/start/:id (visit room)', () => {
  it('shows the logged-in patient, the visit id and its status to the visit’s patient', async () => {
    const { app } = createSandbox();
    const { token, visit } = await walkIn(app);
    const cookie = await login(app, token);

    const res = await request(app).get(`${CLINIC}/visits/start/${visit.id}`).set('Cookie', cookie);

    expect(res.status).toBe(200);
    expect(testId(res.text, 'logged-in-as')).toBe('Pat Ient');
    expect(testId(res.text, 'visit-id')).toBe(visit.id);
    expect(testId(res.text, 'visit-status')).toBe('Pending');
    expect(testId(res.text, 'visit-status-code')).toBe('10');
    expect(testId(res.text, 'join-code')).toBe(visit.code);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.text).not.toMatch(/<script|\son\w+=/i);
  });

  it('follows the status a provider sets', async () => {
    const { app, state } = createSandbox();
    const { token, visit } = await walkIn(app);
    const cookie = await login(app, token);
    state.transition(visit.id, 'start');
    const res = await request(app).get(`${CLINIC}/visits/start/${visit.id}`).set('Cookie', cookie);
    expect(testId(res.text, 'visit-status')).toBe('In progress');
  });

  it('refuses another patient (403), nobody (401) and an unknown visit (404)', async () => {
    const { app } = createSandbox();
    const { visit } = await walkIn(app, 'owner');
    const other = await login(app, (await ssoPatient(app, 'intruder')).token);

    const foreign = await request(app).get(`${CLINIC}/visits/start/${visit.id}`).set('Cookie', other);
    const anonymous = await request(app).get(`${CLINIC}/visits/start/${visit.id}`);
    const unknown = await request(app).get(`${CLINIC}/visits/start/999999`).set('Cookie', other);

    expect(foreign.status).toBe(403);
    expect(foreign.text).not.toContain(visit.code);
    expect(anonymous.status).toBe(401);
    expect(unknown.status).toBe(404);
  });

  it('escapes what patients typed', async () => {
    const { app } = createSandbox();
    const { token } = await ssoPatient(app, 'x', { first_name: '<img src=x onerror=alert(1)>' });
    const res = await request(app)
      .get(`${CLINIC}/u/clinic`)
      .set('Cookie', await login(app, token));
    expect(res.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(res.text).not.toContain('<img src=x');
  });
});

describe('members/appointment/:id?token= (one-time appointment link)', () => {
  it('admits the holder of a valid token without a login and names the visit', async () => {
    const { app } = createSandbox({ now: manualClock().now });
    const { visitId, linkToken } = await appointment(app);

    const res = await request(app)
      .get(`${CLINIC}/members/appointment/${visitId}`)
      .query({ token: linkToken });

    expect(res.status).toBe(200);
    expect(testId(res.text, 'logged-in-as')).toBe('Guest with the appointment link');
    expect(testId(res.text, 'visit-id')).toBe(visitId);
    expect(testId(res.text, 'visit-status')).toBe('Confirmed');
    expect(testId(res.text, 'patient-name')).toBe('Pat Ient');
  });

  it('names the patient when they came through /auth', async () => {
    const { app } = createSandbox({ now: manualClock().now });
    const { visitId, linkToken } = await appointment(app);
    const { token: fresh } = await ssoPatient(app, 'appt');
    const res = await request(app)
      .get(`${CLINIC}/members/appointment/${visitId}`)
      .query({ token: linkToken })
      .set('Cookie', await login(app, fresh));
    expect(testId(res.text, 'logged-in-as')).toBe('Pat Ient');
  });

  it('opens the Start button only from 15 minutes before the start', async () => {
    const clock = manualClock();
    const { app } = createSandbox({ now: clock.now });
    const { visitId, linkToken } = await appointment(app);
    const early = await request(app)
      .get(`${CLINIC}/members/appointment/${visitId}`)
      .query({ token: linkToken });
    clock.advance(45 * 60_000); // 08:45, 15 minutes before 09:00
    const onTime = await request(app)
      .get(`${CLINIC}/members/appointment/${visitId}`)
      .query({ token: linkToken });

    expect(early.text).toContain('data-testid="start-not-yet"');
    expect(onTime.text).toContain(`href="/vc/next/visits/start/${visitId}?token=${linkToken}"`);
    const room = await request(app).get(`${CLINIC}/visits/start/${visitId}`).query({ token: linkToken });
    expect(room.status).toBe(200);
    expect(testId(room.text, 'visit-id')).toBe(visitId);
  });

  it('can be reopened while the visit is open, and is dead once it completes (410)', async () => {
    const { app, state } = createSandbox({ now: manualClock().now });
    const { visitId, linkToken } = await appointment(app);
    await request(app)
      .get(`${CLINIC}/members/appointment/${visitId}`)
      .query({ token: linkToken })
      .expect(200);
    await request(app)
      .get(`${CLINIC}/members/appointment/${visitId}`)
      .query({ token: linkToken })
      .expect(200);
    state.transition(visitId, 'start');
    state.transition(visitId, 'complete');

    const res = await request(app)
      .get(`${CLINIC}/members/appointment/${visitId}`)
      .query({ token: linkToken });
    const room = await request(app).get(`${CLINIC}/visits/start/${visitId}`).query({ token: linkToken });

    expect(res.status).toBe(410);
    expect(testId(res.text, 'error-message')).toBe('This appointment link has expired.');
    expect(room.status).toBe(401);
  });

  it('refuses a wrong or missing token (403) and an unknown appointment (404)', async () => {
    const { app } = createSandbox({ now: manualClock().now });
    const { visitId, linkToken } = await appointment(app);
    const other = await appointment(app, 'other', { provider_id: '502', minutes: 15 });
    const wrong = await request(app)
      .get(`${CLINIC}/members/appointment/${visitId}`)
      .query({ token: 'aaaaaaaaaa' });
    const missing = await request(app).get(`${CLINIC}/members/appointment/${visitId}`);
    const crossed = await request(app)
      .get(`${CLINIC}/members/appointment/${visitId}`)
      .query({ token: other.linkToken });
    const unknown = await request(app)
      .get(`${CLINIC}/members/appointment/999999`)
      .query({ token: linkToken });
    expect(wrong.status).toBe(403);
    expect(missing.status).toBe(403);
    expect(crossed.status).toBe(403);
    expect(unknown.status).toBe(404);
  });
});

describe('visits/join/:code (guest join page)', () => {
  it('shows the invited guest which visit they are joining', async () => {
    const { app } = createSandbox();
    const { visit } = await walkIn(app);
    const res = await request(app).get(`${CLINIC}/visits/join/${visit.code}`);
    expect(res.status).toBe(200);
    expect(testId(res.text, 'logged-in-as')).toBe('Guest (invited)');
    expect(testId(res.text, 'visit-id')).toBe(visit.id);
    expect(testId(res.text, 'join-code')).toBe(visit.code);
  });

  it('answers 404 for an unknown code and 410 once the visit ended', async () => {
    const { app, state } = createSandbox();
    const { visit } = await walkIn(app);
    state.transition(visit.id, 'cancel');
    const unknown = await request(app).get(`${CLINIC}/visits/join/${'0'.repeat(32)}`);
    const ended = await request(app).get(`${CLINIC}/visits/join/${visit.code}`);
    expect(unknown.status).toBe(404);
    expect(ended.status).toBe(410);
  });
});

describe('other pages', () => {
  it('answers an HTML 404 for an unknown page', async () => {
    const { app } = createSandbox();
    const res = await request(app).get(`${CLINIC}/nowhere`);
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toMatch(/text\/html/);
  });

  it('serves its stylesheet', async () => {
    const { app } = createSandbox();
    const res = await request(app).get('/_sandbox/sandbox.css');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/css/);
  });
});

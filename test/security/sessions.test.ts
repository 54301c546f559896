import request from 'supertest';
import { openTestDb, type TestDb } from '../helpers/databases';
import { sessionCookie } from '../helpers/html';
import { buildPortal, logIn, logOut, newPatient, signUp } from '../helpers/portal';

// docs/security.md S1, S2, S8. The login half of S1 (new id at login, pre-login id dead) is asserted in
// test/integration/login-sessions.test.ts; here the logout half and the session-row checks.

/** The store's session id inside a `portal.sid=s%3A<sid>.<sig>` cookie. */
function sidOf(cookie: string | undefined): string {
  if (!cookie) throw new Error('no session cookie');
  const value = decodeURIComponent(cookie.slice(cookie.indexOf('=') + 1));
  const match = /^s:([^.]+)\./.exec(value);
  if (!match?.[1]) throw new Error(`not a signed session cookie: ${cookie}`);
  return match[1];
}

describe('session ids and what survives login (docs/security.md S1, S2, S8)', () => {
  let testDb: TestDb;
  let app: ReturnType<typeof buildPortal>;
  const patient = newPatient();

  beforeAll(async () => {
    testDb = await openTestDb('sqlite');
    app = buildPortal({ db: testDb.db });
    await signUp(request.agent(app), patient);
  });
  afterAll(() => testDb.close());

  async function sessionRow(sid: string) {
    return testDb.db.selectFrom('sessions').selectAll().where('sid', '=', sid).executeTakeFirst();
  }

  /** Adds keys to the stored pre-login session, as a fixation attacker who could write it would. */
  async function plant(sid: string, extra: Record<string, unknown>) {
    const row = await sessionRow(sid);
    if (!row) throw new Error('no pre-login session row');
    const sess = { ...(JSON.parse(row.sess) as Record<string, unknown>), ...extra };
    await testDb.db
      .updateTable('sessions')
      .set({ sess: JSON.stringify(sess) })
      .where('sid', '=', sid)
      .execute();
  }

  it('S1: when the patient logs out, the logged-in id is dead and the next visit gets a different id', async () => {
    const agent = request.agent(app);
    const loggedIn = sessionCookie(
      (await logIn(agent, patient.email, patient.password)).headers['set-cookie'],
    )!;

    await logOut(agent);

    // Gone, or (S7) left as a tombstone that no longer names a patient.
    const row = await sessionRow(sidOf(loggedIn));
    expect(row === undefined || !JSON.stringify(JSON.parse(row.sess)).includes('passport')).toBe(true);
    const replay = await request(app).get('/profile').set('Cookie', loggedIn);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toBe('/login');
    const next = sessionCookie((await agent.get('/login')).headers['set-cookie']);
    expect(sidOf(next)).not.toBe(sidOf(loggedIn));
  });

  it('S2: when a stray key is planted in the pre-login session, login drops it and keeps the validated returnTo', async () => {
    const agent = request.agent(app);
    const first = await agent.get('/profile');
    expect(first.headers.location).toBe('/login');
    const preLoginSid = sidOf(sessionCookie(first.headers['set-cookie']));
    await plant(preLoginSid, { planted: 'attacker', isAdmin: true });

    const res = await logIn(agent, patient.email, patient.password);

    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/profile');
    const newSid = sidOf(sessionCookie(res.headers['set-cookie']));
    expect(newSid).not.toBe(preLoginSid);
    const stored = JSON.parse((await sessionRow(newSid))!.sess) as Record<string, unknown>;
    expect(stored).not.toHaveProperty('planted');
    expect(stored).not.toHaveProperty('isAdmin');
    expect(stored).not.toHaveProperty('returnTo');
    const allowed = ['cookie', 'passport', 'loggedInAt', 'csrfToken', 'notice'];
    expect(Object.keys(stored).filter((k) => !allowed.includes(k))).toEqual([]);
  });

  it.each(['//evil.test', '/\\evil.test', 'https://evil.test/', '/ok\r\nLocation: https://evil.test'])(
    'S2: when a hostile returnTo %j is planted in the pre-login session, login goes to / instead',
    async (hostile) => {
      const agent = request.agent(app);
      const preLoginSid = sidOf(sessionCookie((await agent.get('/login')).headers['set-cookie']));
      await plant(preLoginSid, { returnTo: hostile });

      const res = await logIn(agent, patient.email, patient.password);

      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
    },
  );

  it('S8: session ids carry at least 128 bits and 1000 new sessions never repeat one', async () => {
    const sids = new Set<string>();
    for (let i = 0; i < 1000; i += 1) {
      const res = await request(app).get('/login');
      const sid = sidOf(sessionCookie(res.headers['set-cookie']));
      // uid-safe base64url: 6 bits per character.
      expect(sid).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(sid.length * 6).toBeGreaterThanOrEqual(128);
      sids.add(sid);
    }
    expect(sids.size).toBe(1000);
  });
});

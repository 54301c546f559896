import type { Store } from 'express-session';
import request from 'supertest';
import { TombstoningRedisStore } from '../../src/portal/redis-session-store';
import { connectRedis, type RedisClient } from '../../src/redis';
import { createLogger } from '../../src/web/logger';
import { type ClinicHarness, patientOf, startClinic } from '../helpers/clinic';
import { testDbKinds } from '../helpers/databases';
import { sessionCookie } from '../helpers/html';
import { csrfOf, logIn } from '../helpers/portal';
import { serviceUrl } from '../helpers/services';

const ROUNDS = 6;
const SLOW_MS = 250;

/**
 * docs/security.md S7: request X (slow, and it changes the session: it remembers the patient's time zone)
 * starts before logout and finishes after it. Its late save must not bring the session back.
 */
async function raceLogoutAgainstSlowRequest(h: ClinicHarness): Promise<number> {
  const { fields } = await patientOf(h);
  let resurrected = 0;
  h.sandbox.knobs.setLatency('availability', SLOW_MS);
  try {
    for (let round = 0; round < ROUNDS; round += 1) {
      const agent = request.agent(h.app);
      const login = await logIn(agent, fields.email, fields.password);
      const cookie = sessionCookie(login.headers['set-cookie'])!;
      const _csrf = await csrfOf(agent, '/');
      const slow = request(h.app).get('/appointments/new?tz=Europe/Paris').set('Cookie', cookie);
      const slowDone = slow.then((r) => r.status);
      await new Promise((resolve) => setTimeout(resolve, SLOW_MS / 3));
      const logout = await request(h.app).post('/logout').set('Cookie', cookie).type('form').send({ _csrf });
      expect(logout.status).toBe(303);
      expect(await slowDone).toBe(200);

      const replay = await request(h.app).get('/profile').set('Cookie', cookie);
      if (replay.status === 200) resurrected += 1;
    }
  } finally {
    h.sandbox.knobs.setLatency('availability', 0);
  }
  return resurrected;
}

describe.each(testDbKinds())('a slow request finishing after logout (%s session store)', (kind) => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic({ db: kind });
  });
  afterAll(() => h.close());

  it(`does not resurrect the session (${ROUNDS} rounds)`, async () => {
    expect(await raceLogoutAgainstSlowRequest(h)).toBe(0);
  });
});

const redisUrl = serviceUrl('TEST_REDIS_URL');
(redisUrl ? describe : describe.skip)('a slow request finishing after logout (Redis session store)', () => {
  let h: ClinicHarness;
  let redis: RedisClient;
  let store: Store;
  const prefix = `test:sess:${process.pid}:${Date.now()}:`;
  beforeAll(async () => {
    redis = await connectRedis(redisUrl!, createLogger('silent'));
    store = new TombstoningRedisStore(redis, prefix);
    h = await startClinic({ sessionStore: store });
  });
  afterAll(async () => {
    await h.close();
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(keys);
    await redis.close();
  });

  it(`does not resurrect the session (${ROUNDS} rounds)`, async () => {
    expect(await raceLogoutAgainstSlowRequest(h)).toBe(0);
  });
});

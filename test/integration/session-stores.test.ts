import { RedisStore } from 'connect-redis';
import type { SessionData, Store } from 'express-session';
import request from 'supertest';
import { DbSessionStore } from '../../src/portal/session-store';
import { connectRedis, type RedisClient } from '../../src/redis';
import { createLogger } from '../../src/web/logger';
import { openTestDb, testDbKinds, type TestDb } from '../helpers/databases';
import { sessionCookie } from '../helpers/html';
import { buildPortal, logIn, logOut, newPatient, signUp, testConfig } from '../helpers/portal';
import { describeWith } from '../helpers/services';

const call = <T>(fn: (cb: (err?: unknown, value?: T) => void) => void) =>
  new Promise<T | undefined>((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));

function sessionExpiringIn(ms: number, extra: Record<string, unknown> = {}): SessionData {
  return {
    cookie: { originalMaxAge: ms, expires: new Date(Date.now() + ms) },
    ...extra,
  } as unknown as SessionData;
}

describe.each(testDbKinds())('database session store (%s)', (kind) => {
  let testDb: TestDb;
  let store: DbSessionStore;
  beforeAll(async () => {
    testDb = await openTestDb(kind);
    store = new DbSessionStore(testDb.db);
  });
  afterAll(() => testDb.close());

  it('stores, reads, overwrites and destroys a session', async () => {
    await call((cb) => store.set('sid-a', sessionExpiringIn(60_000, { loggedInAt: 1 }), cb));
    await call((cb) => store.set('sid-a', sessionExpiringIn(60_000, { loggedInAt: 2 }), cb));
    expect(await call<SessionData | null>((cb) => store.get('sid-a', cb))).toMatchObject({ loggedInAt: 2 });

    await call((cb) => store.destroy('sid-a', cb));
    expect(await call<SessionData | null>((cb) => store.get('sid-a', cb))).toBeNull();
  });

  it('ignores an expired session on read, and prune removes its row', async () => {
    await call((cb) => store.set('sid-old', sessionExpiringIn(-1000), cb));
    expect(await call<SessionData | null>((cb) => store.get('sid-old', cb))).toBeNull();
    expect(await store.prune()).toBeGreaterThanOrEqual(1);
    expect(
      await testDb.db.selectFrom('sessions').select('sid').where('sid', '=', 'sid-old').executeTakeFirst(),
    ).toBeUndefined();
  });

  it('touch extends the expiry without changing the data', async () => {
    await call((cb) => store.set('sid-t', sessionExpiringIn(1000, { loggedInAt: 7 }), cb));
    await call((cb) => store.touch('sid-t', sessionExpiringIn(3_600_000, { loggedInAt: 99 }), cb));
    const row = await testDb.db
      .selectFrom('sessions')
      .selectAll()
      .where('sid', '=', 'sid-t')
      .executeTakeFirstOrThrow();
    expect(new Date(row.expires_at).getTime()).toBeGreaterThan(Date.now() + 3_000_000);
    expect(JSON.parse(row.sess)).toMatchObject({ loggedInAt: 7 });
  });

  it('skips a touch that would move the expiry by less than a minute, and writes one that would not', async () => {
    const hour = 3_600_000;
    const expiresAt = async () =>
      (
        await testDb.db
          .selectFrom('sessions')
          .select('expires_at')
          .where('sid', '=', 'sid-r')
          .executeTakeFirstOrThrow()
      ).expires_at;
    await call((cb) => store.set('sid-r', sessionExpiringIn(hour), cb));
    const written = await expiresAt();

    // A request 30 s later: read, then touched with an expiry 30 s further on. Not worth a write.
    await call((cb) => store.get('sid-r', cb));
    await call((cb) => store.touch('sid-r', sessionExpiringIn(hour + 30_000), cb));
    expect(await expiresAt()).toBe(written);

    // Two minutes later it is.
    await call((cb) => store.get('sid-r', cb));
    await call((cb) => store.touch('sid-r', sessionExpiringIn(hour + 120_000), cb));
    expect(Date.parse(await expiresAt())).toBeGreaterThan(Date.parse(written) + 100_000);
  });

  it('keeps a short idle timeout accurate: the threshold is a tenth of the lifetime', async () => {
    await call((cb) => store.set('sid-s', sessionExpiringIn(2_000), cb));
    await call((cb) => store.get('sid-s', cb));
    await call((cb) => store.touch('sid-s', sessionExpiringIn(2_500), cb));
    const row = await testDb.db
      .selectFrom('sessions')
      .select('expires_at')
      .where('sid', '=', 'sid-s')
      .executeTakeFirstOrThrow();
    expect(Date.parse(row.expires_at)).toBeGreaterThan(Date.now() + 2_200);
  });

  it('keeps a login across an app restart (a second app on the same database)', async () => {
    const patient = newPatient();
    const config = testConfig({ SESSION_SECRET: 'a-fixed-secret-that-survives-the-restart-0123456789' });
    const signup = await signUp(request.agent(buildPortal({ db: testDb.db, config })), patient);
    const cookie = sessionCookie(signup.headers['set-cookie'])!;
    const restarted = buildPortal({ db: testDb.db, config });
    const res = await request(restarted).get('/profile').set('Cookie', cookie);
    expect(res.status).toBe(200);
    expect(res.text).toContain(patient.first_name);
  });
});

describeWith('TEST_REDIS_URL', 'Redis session store', (redisUrl) => {
  let redis: RedisClient;
  let testDb: TestDb;
  let store: Store;
  const prefix = `test:sess:${process.pid}:${Date.now()}:`;

  beforeAll(async () => {
    redis = await connectRedis(redisUrl, createLogger('silent'));
    testDb = await openTestDb('sqlite');
    store = new RedisStore({ client: redis, prefix });
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(keys);
    await redis.close();
    await testDb.close();
  });

  it('holds the login in Redis with a TTL no longer than the idle timeout, and logout deletes it', async () => {
    const app = buildPortal({ db: testDb.db, sessionStore: store });
    const patient = newPatient();
    const agent = request.agent(app);
    await signUp(agent, patient);

    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThanOrEqual(1);
    const ttls = await Promise.all(keys.map((k) => redis.ttl(k)));
    for (const ttl of ttls) expect(ttl).toBeLessThanOrEqual(30 * 60);

    const second = request.agent(buildPortal({ db: testDb.db, sessionStore: store }));
    await logIn(second, patient.email, patient.password);
    expect((await second.get('/profile')).status).toBe(200);
    const before = (await redis.keys(`${prefix}*`)).length;

    await logOut(second);

    expect((await redis.keys(`${prefix}*`)).length).toBe(before - 1);
    expect((await second.get('/profile')).status).toBe(303);
    expect((await agent.get('/profile')).status).toBe(200);
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { TombstoningRedisStore } from '../../src/portal/redis-session-store';
import { connectRedis, type RedisClient } from '../../src/redis';
import { type RunningSandbox, startSandbox } from '../../src/sandbox';
import { VseeClient } from '../../src/vsee';
import { createLogger } from '../../src/web/logger';
import { DEFAULT_RATE_LIMITS, RateLimits, type RateLimitSettings } from '../../src/web/rate-limits';
import { parseLaunch } from '../helpers/clinic';
import { openTestDb, type TestDb } from '../helpers/databases';
import { csrfFrom, sessionCookie } from '../helpers/html';
import { buildPortal, newPatient, testConfig } from '../helpers/portal';
import { describeWith } from '../helpers/services';

jest.setTimeout(60_000);

// Scale-out (README, Running in production): two portal instances on one PostgreSQL schema and one Redis must behave as one.
describeWith('TEST_DATABASE_URL', 'two instances on PostgreSQL', () => {
  describeWith('TEST_REDIS_URL', 'and Redis', (redisUrl) => {
    const config = testConfig({ SESSION_SECRET: 'a-shared-secret-that-every-instance-knows-0123456789' });
    const prefix = `test:scale:${process.pid}:${Date.now()}:`;
    // The 50-at-once test presses one button 50 times within a second: each press counts against the
    // per-patient launch limit (30 a minute), which exists to stop token minting, not double clicks.
    // The visit-creation limit (A4) stays at its default: the same key counts once, across instances.
    const limits: RateLimitSettings = { ...DEFAULT_RATE_LIMITS, launchesPerMinute: 1000 };

    let sandbox: RunningSandbox;
    let testDb: TestDb;
    let redis: RedisClient;
    let a: Instance;
    let b: Instance;

    interface Instance {
      url: string;
      close(): Promise<void>;
    }

    /** One portal process as server.ts builds it: its own app, VSee pool and store objects; shared services. */
    async function startInstance(port = 0): Promise<Instance> {
      const logger = createLogger('silent');
      const vseeClient = new VseeClient(sandbox.vsee, { logger, breaker: { enabled: false } });
      const app = buildPortal({
        db: testDb.db,
        config,
        vsee: sandbox.vsee,
        vseeClient,
        logger,
        sessionStore: new TombstoningRedisStore(redis, `${prefix}sess:`),
        rateLimits: new RateLimits(limits, redis, `${prefix}rl`),
      });
      const server = http.createServer(app);
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      return {
        url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        close: async () => {
          server.closeAllConnections();
          await new Promise((resolve) => server.close(resolve));
          vseeClient.close();
        },
      };
    }

    beforeAll(async () => {
      sandbox = await startSandbox({ port: 0 });
      testDb = await openTestDb('postgres');
      redis = await connectRedis(redisUrl, createLogger('silent'));
      a = await startInstance();
      b = await startInstance();
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(keys);
      await redis.close();
      await testDb.close();
      await sandbox.close();
    });
    beforeEach(() => {
      sandbox.knobs.setLatency('*', 0);
      sandbox.requestLog.clear();
    });

    /** Signs a patient up on `on` through the real form; returns the session cookie. */
    async function signedUp(on: Instance) {
      const fields = newPatient();
      const form = await request(on.url).get('/signup').expect(200);
      const res = await request(on.url)
        .post('/signup')
        .set('Cookie', sessionCookie(form.headers['set-cookie'])!)
        .type('form')
        .send({ ...fields, _csrf: csrfFrom(form.text) })
        .expect(303);
      return { fields, cookie: sessionCookie(res.headers['set-cookie'])! };
    }

    async function logIn(on: Instance, email: string, password: string) {
      const form = await request(on.url).get('/login').expect(200);
      return request(on.url)
        .post('/login')
        .set('Cookie', sessionCookie(form.headers['set-cookie'])!)
        .type('form')
        .send({ email, password, _csrf: csrfFrom(form.text) });
    }

    /** The dashboard's "See a doctor now" form on `on`, as the patient with `cookie` sees it. */
    async function walkinForm(on: Instance, cookie: string) {
      const page = await request(on.url).get('/').set('Cookie', cookie).expect(200);
      return {
        launch_key: /name="launch_key" value="([^"]+)"/.exec(page.text)![1]!,
        _csrf: csrfFrom(page.text),
      };
    }

    const addWalkinCalls = () =>
      sandbox.requestLog.entries().filter((c) => c.endpoint === 'visits/add_walkin').length;

    it('a patient who logged in on A launches on B', async () => {
      const { fields } = await signedUp(a);
      const login = await logIn(a, fields.email, fields.password);
      expect(login.status).toBe(303);
      const cookie = sessionCookie(login.headers['set-cookie'])!;

      const form = await walkinForm(b, cookie);
      const launch = await request(b.url)
        .post('/visits/walkin')
        .set('Cookie', cookie)
        .type('form')
        .send(form);

      expect(launch.status).toBe(302);
      expect(parseLaunch(launch.headers.location).next).toMatch(/^\/visits\/start\//);
      expect(addWalkinCalls()).toBe(1);
      const profileOnA = await request(a.url).get('/profile').set('Cookie', cookie);
      expect(profileOnA.status).toBe(200);
      expect(profileOnA.text).toContain(fields.first_name);
    });

    it('logging out on B logs the patient out on A too', async () => {
      const { cookie } = await signedUp(a);
      expect((await request(a.url).get('/profile').set('Cookie', cookie)).status).toBe(200);

      const { _csrf } = await walkinForm(b, cookie);
      await request(b.url).post('/logout').set('Cookie', cookie).type('form').send({ _csrf }).expect(303);

      const after = await request(a.url).get('/profile').set('Cookie', cookie);
      expect(after.status).toBe(303);
      expect(after.headers.location).toMatch(/^\/login/);
    });

    it('50 concurrent launches with one launch key, spread over A and B, create one VSee visit', async () => {
      const { cookie } = await signedUp(a);
      const form = await walkinForm(a, cookie);
      // Slow enough that the 50 requests all arrive while the first is still talking to VSee.
      sandbox.knobs.setLatency('*', 200);

      const answers = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          request((i % 2 === 0 ? a : b).url)
            .post('/visits/walkin')
            .set('Cookie', cookie)
            .type('form')
            .send(form),
        ),
      );

      expect(answers.map((r) => r.status)).toEqual(Array(50).fill(302));
      const visits = new Set(answers.map((r) => parseLaunch(r.headers.location).next));
      expect(visits.size).toBe(1);
      expect(addWalkinCalls()).toBe(1);
      const rows = await testDb.db
        .selectFrom('visits')
        .select(['vsee_visit_id'])
        .where('launch_key', '=', form.launch_key)
        .execute();
      expect(rows).toHaveLength(1);
      expect(`/visits/start/${rows[0]!.vsee_visit_id}`).toBe([...visits][0]);
    });

    it('failed logins on A and on B add up to one limit', async () => {
      const { fields } = await signedUp(a);
      for (let i = 0; i < 3; i += 1)
        expect((await logIn(a, fields.email, 'wrong password')).status).toBe(401);
      for (let i = 0; i < 2; i += 1)
        expect((await logIn(b, fields.email, 'wrong password')).status).toBe(401);

      expect((await logIn(a, fields.email, fields.password)).status).toBe(429);
      expect((await logIn(b, fields.email, fields.password)).status).toBe(429);
    });

    /** Presses See a doctor now on `on` from a fresh dashboard form (a new launch key each time). */
    async function pressFrom(on: Instance, cookie: string) {
      const form = await walkinForm(on, cookie);
      return request(on.url).post('/visits/walkin').set('Cookie', cookie).type('form').send(form);
    }

    it('three presses from three tabs (three launch keys) spread over A and B at once end in one VSee visit', async () => {
      const { cookie } = await signedUp(a);
      sandbox.knobs.setLatency('visits/add_walkin', 300);
      const forms = [await walkinForm(a, cookie), await walkinForm(b, cookie), await walkinForm(a, cookie)];

      const answers = await Promise.all(
        forms.map((form, i) =>
          request([a, b, a][i]!.url).post('/visits/walkin').set('Cookie', cookie).type('form').send(form),
        ),
      );

      expect(answers.map((r) => r.status)).toEqual([302, 302, 302]);
      expect(new Set(answers.map((r) => parseLaunch(r.headers.location).next)).size).toBe(1);
      expect(addWalkinCalls()).toBe(1);
      const myVisits = await request(b.url).get('/visits').set('Cookie', cookie).expect(200);
      expect(myVisits.text.match(/data-testid="visit-\d+"/g)).toHaveLength(1);
    });

    it('a walk-in VSee creates after A gave up is found when the patient presses again on B: one visit', async () => {
      const { cookie } = await signedUp(a);
      // The instances' VSee client gives up after 5 s; VSee does the work after 6 s.
      sandbox.knobs.setLatency('visits/add_walkin', 6_000);
      const visitsBefore = sandbox.state.visits.size;

      const first = await pressFrom(a, cookie);
      expect(first.headers.location).toBe('/visits/checking');
      expect((await pressFrom(b, cookie)).headers.location).toBe('/visits/checking');
      for (let i = 0; i < 100 && sandbox.state.visits.size === visitsBefore; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      sandbox.knobs.setLatency('visits/add_walkin', 0);
      const again = await pressFrom(b, cookie);

      const created = [...sandbox.state.visits.values()].pop()!;
      expect(again.status).toBe(302);
      expect(parseLaunch(again.headers.location).next).toBe(`/visits/start/${created.id}`);
      expect(addWalkinCalls()).toBe(1);
      const myVisits = await request(a.url).get('/visits').set('Cookie', cookie).expect(200);
      expect(myVisits.text.match(/data-testid="visit-\d+"/g)).toHaveLength(1);
      expect(myVisits.text).toContain('Waiting for a provider');
    });

    it('restarting A loses no session: the same cookie works on the new A, and on B meanwhile', async () => {
      const { fields, cookie } = await signedUp(a);
      const port = Number(new URL(a.url).port);

      await a.close();
      expect((await request(b.url).get('/profile').set('Cookie', cookie)).status).toBe(200);
      a = await startInstance(port);

      const profile = await request(a.url).get('/profile').set('Cookie', cookie);
      expect(profile.status).toBe(200);
      expect(profile.text).toContain(fields.first_name);
      const form = await walkinForm(a, cookie);
      expect(
        (await request(a.url).post('/visits/walkin').set('Cookie', cookie).type('form').send(form)).status,
      ).toBe(302);
    });
  });
});

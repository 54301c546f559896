import request from 'supertest';
import { connectRedis, type RedisClient } from '../../src/redis';
import { createLogger } from '../../src/web/logger';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../../src/web/rate-limits';
import {
  type Agent,
  type ClinicHarness,
  endpointsCalled,
  launchForm,
  parseLaunch,
  patientOf,
  sandboxVisitsOf,
  startClinic,
  walkinForm,
} from '../helpers/clinic';
import { openTestDb, type TestDb } from '../helpers/databases';
import { sessionCookie } from '../helpers/html';
import { buildPortal, logIn, newPatient, signUp } from '../helpers/portal';
import { describeWith } from '../helpers/services';

describe('brute-force limits on login (docs/security.md A3)', () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb('sqlite');
  });
  afterAll(() => testDb.close());

  it('after 5 wrong passwords, even the right password gets 429 with Retry-After and no login; other patients are unaffected', async () => {
    const app = buildPortal({ db: testDb.db, rateLimits: new RateLimits() });
    const victim = newPatient();
    const other = newPatient();
    await signUp(request.agent(app), victim);
    await signUp(request.agent(app), other);
    for (let i = 0; i < 5; i += 1)
      expect((await logIn(request.agent(app), victim.email, 'wrong password')).status).toBe(401);

    const agent = request.agent(app);
    const preLogin = sessionCookie((await agent.get('/login')).headers['set-cookie']);
    const blocked = await logIn(agent, victim.email, victim.password);

    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.text).toContain('Too many attempts');
    // No new (logged-in) session: at most the same anonymous pre-login session is refreshed.
    expect([undefined, preLogin]).toContain(sessionCookie(blocked.headers['set-cookie']));
    expect((await agent.get('/profile')).status).toBe(303);
    expect((await logIn(request.agent(app), other.email, other.password)).status).toBe(303);
  });

  it('one IP trying many different emails is stopped by the per-IP count', async () => {
    const app = buildPortal({
      db: testDb.db,
      rateLimits: new RateLimits({ ...DEFAULT_RATE_LIMITS, loginFailuresPerIpPerDay: 10 }),
    });
    for (let i = 0; i < 10; i += 1) await logIn(request.agent(app), `nobody${i}@example.test`, 'guess');
    const res = await logIn(request.agent(app), 'nobody-else@example.test', 'guess');
    expect(res.status).toBe(429);
  });

  it('a successful login clears the failures of that email and IP', async () => {
    const app = buildPortal({ db: testDb.db, rateLimits: new RateLimits() });
    const patient = newPatient();
    await signUp(request.agent(app), patient);
    for (let i = 0; i < 4; i += 1) await logIn(request.agent(app), patient.email, 'wrong');
    expect((await logIn(request.agent(app), patient.email, patient.password)).status).toBe(303);
    for (let i = 0; i < 4; i += 1) await logIn(request.agent(app), patient.email, 'wrong');
    expect((await logIn(request.agent(app), patient.email, patient.password)).status).toBe(303);
  });
});

describeWith('TEST_REDIS_URL', 'login limits shared through Redis by two instances', (redisUrl) => {
  let redis: RedisClient;
  let testDb: TestDb;
  beforeAll(async () => {
    redis = await connectRedis(redisUrl, createLogger('silent'));
    testDb = await openTestDb('sqlite');
  });
  afterAll(async () => {
    await redis.close();
    await testDb.close();
  });

  it('failures on instance A count on instance B', async () => {
    const prefix = `test:rl:${process.pid}:${Date.now()}`;
    const a = buildPortal({ db: testDb.db, rateLimits: new RateLimits(DEFAULT_RATE_LIMITS, redis, prefix) });
    const b = buildPortal({ db: testDb.db, rateLimits: new RateLimits(DEFAULT_RATE_LIMITS, redis, prefix) });
    const patient = newPatient();
    await signUp(request.agent(a), patient);
    for (let i = 0; i < 3; i += 1) await logIn(request.agent(a), patient.email, 'wrong');
    for (let i = 0; i < 2; i += 1) await logIn(request.agent(b), patient.email, 'wrong');

    expect((await logIn(request.agent(a), patient.email, patient.password)).status).toBe(429);
    expect((await logIn(request.agent(b), patient.email, patient.password)).status).toBe(429);
    const keys = await redis.keys(`${prefix}*`);
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(' ')).not.toContain(patient.email);
    await redis.del(keys);
  });
});

describe('launch limits (docs/security.md A4)', () => {
  let h: ClinicHarness;
  beforeAll(async () => {
    h = await startClinic();
  });
  afterAll(() => h.close());

  it('a patient can create at most 3 visits a minute: the 4th gets 429 and VSee is not called', async () => {
    const { agent } = await patientOf(h);
    const econsult = async () => {
      const page = await agent.get('/econsult/new');
      const launchKey = /name="launch_key" value="([^"]+)"/.exec(page.text)![1]!;
      const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
      return agent
        .post('/econsult')
        .type('form')
        .send({ _csrf, launch_key: launchKey, reason: 'A question' });
    };
    for (let i = 0; i < 3; i += 1) expect((await econsult()).status).toBe(303);
    h.sandbox.requestLog.clear();

    const fourth = await econsult();

    expect(fourth.status).toBe(429);
    expect(fourth.headers['retry-after']).toBeDefined();
    expect(h.sandbox.requestLog.entries()).toHaveLength(0);
  });

  /** A new walk-in press (fresh launch key) and an e-consult question, as the patient sends them. */
  const pressWalkin = async (agent: Agent) => {
    const { launchKey, _csrf } = await walkinForm(agent);
    return agent.post('/visits/walkin').type('form').send({ _csrf, launch_key: launchKey });
  };
  const askQuestion = async (agent: Agent) => {
    const { launchKey, _csrf } = await launchForm(agent, '/econsult/new');
    return agent.post('/econsult').type('form').send({ _csrf, launch_key: launchKey, reason: 'A question' });
  };

  it('going back to the walk-in the patient waits in is not a new visit: at the limit it still works', async () => {
    const { agent } = await patientOf(h);
    const walkin = await pressWalkin(agent);
    expect(walkin.status).toBe(302);
    for (let i = 0; i < 2; i += 1) expect((await askQuestion(agent)).status).toBe(303);
    expect((await askQuestion(agent)).status).toBe(429);

    const again = await pressWalkin(agent);

    expect(again.status).toBe(302);
    expect(parseLaunch(again.headers.location).next).toBe(parseLaunch(walkin.headers.location).next);
  });

  it('once that walk-in is over, a new press is counted again: at the limit 429, and nothing is created', async () => {
    const { agent, account } = await patientOf(h);
    expect((await pressWalkin(agent)).status).toBe(302);
    for (let i = 0; i < 2; i += 1) expect((await askQuestion(agent)).status).toBe(303);
    const walkin = sandboxVisitsOf(h, account.vsee_code).find((v) => v.kind === 'walkin')!;
    h.sandbox.state.transition(walkin.id, 'start');
    h.sandbox.state.transition(walkin.id, 'complete');
    h.sandbox.requestLog.clear();

    const next = await pressWalkin(agent);

    expect(next.status).toBe(429);
    // Our records still showed it open, so VSee was asked (that check is all), then the press counted.
    expect(endpointsCalled(h)).toEqual(['users/sso', 'visits/:id']);
  });

  it('a form sent back for a correction does not count as a new visit', async () => {
    const { agent } = await patientOf(h);
    const askWith = async (reason: string) => {
      const page = await agent.get('/econsult/new');
      const launchKey = /name="launch_key" value="([^"]+)"/.exec(page.text)![1]!;
      const _csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
      return agent.post('/econsult').type('form').send({ _csrf, launch_key: launchKey, reason });
    };
    for (let i = 0; i < 5; i += 1) expect((await askWith('')).status).toBe(400);
    for (let i = 0; i < 3; i += 1) expect((await askWith('A real question')).status).toBe(303);
  });

  it('resubmitting the same launch key is not counted as a new visit', async () => {
    const { agent } = await patientOf(h);
    const { launchKey, _csrf } = await walkinForm(agent);
    const statuses: number[] = [];
    for (let i = 0; i < 5; i += 1) {
      statuses.push(
        (await agent.post('/visits/walkin').type('form').send({ _csrf, launch_key: launchKey })).status,
      );
    }
    expect(statuses).toEqual([302, 302, 302, 302, 302]);
    expect(h.sandbox.requestLog.entries().filter((c) => c.endpoint === 'visits/add_walkin')).toHaveLength(1);
  });
});

import request from 'supertest';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { VseeClient } from '../../src/vsee';
import { createLogger } from '../../src/web/logger';
import { openTestDb, type TestDb, testDbKinds } from '../helpers/databases';
import { LAUNCH_ISSUER, LAUNCH_SECRET, launchClaims, PORTAL_URL, signHs256 } from '../helpers/launch-tokens';
import { buildPortal, testConfig } from '../helpers/portal';

jest.setTimeout(60_000);

// Two portal instances behind one load balancer share only the database: a launch link replayed
// against the other instance must still be refused. PostgreSQL runs when TEST_DATABASE_URL is set.
describe.each(testDbKinds())('a launch link across two instances on %s', (kind) => {
  let sandbox: RunningSandbox;
  let testDb: TestDb;
  const clients: VseeClient[] = [];
  let a: ReturnType<typeof buildPortal>;
  let b: ReturnType<typeof buildPortal>;

  beforeAll(async () => {
    sandbox = await startSandbox();
    testDb = await openTestDb(kind);
    const config = testConfig({
      PUBLIC_URL: PORTAL_URL,
      LAUNCH_JWT_SECRET: LAUNCH_SECRET,
      LAUNCH_JWT_ISSUER: LAUNCH_ISSUER,
    });
    const instance = () => {
      const logger = createLogger('silent');
      const vseeClient = new VseeClient(sandbox.vsee, { logger, breaker: { enabled: false } });
      clients.push(vseeClient);
      return buildPortal({ db: testDb.db, config, vsee: sandbox.vsee, vseeClient, logger });
    };
    [a, b] = [instance(), instance()];
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await sandbox?.close();
    await testDb?.close();
  });

  it('is accepted by one instance and refused by the other, one after the other', async () => {
    const token = await signHs256(launchClaims());
    await request(a).get(`/launch?token=${token}`).expect(302);
    sandbox.requestLog.clear();

    const replay = await request(b).get(`/launch?token=${token}`);

    expect(replay.status).toBe(409);
    expect(sandbox.requestLog.entries()).toEqual([]);
  });

  it('is accepted exactly once when both instances get it at the same moment', async () => {
    const token = await signHs256(launchClaims());
    const answers = await Promise.all(
      [a, b, a, b].map((app) => request(app).post('/launch').type('form').send({ token })),
    );
    expect(answers.map((r) => r.status).sort()).toEqual([302, 409, 409, 409]);
    const ssoCalls = sandbox.requestLog.entries().filter((e) => e.endpoint === 'users/sso');
    expect(ssoCalls).toHaveLength(1);
  });
});

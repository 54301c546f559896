import request from 'supertest';
import { openTestDb, type TestDb } from '../helpers/databases';
import { buildPortal, csrfOf, newPatient, signUp } from '../helpers/portal';
import { pingDb } from '../../src/db/connection';
import { capturingLogger } from '../helpers/logs';

describe('pages for things that go wrong', () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb('sqlite');
  });
  afterAll(() => testDb.close());

  it('when a page does not exist, answers 404 with a page that leads home', async () => {
    const res = await request(buildPortal({ db: testDb.db })).get('/no/such/page');
    expect(res.status).toBe(404);
    expect(res.text).toContain('Page not found');
    expect(res.text).toContain('href="/"');
  });

  it('when the database fails mid-request, shows a 500 page with a reference id and no stack; the log has the detail under that id', async () => {
    const broken = await openTestDb('sqlite');
    const { logger, lines } = capturingLogger('info');
    const app = buildPortal({ db: broken.db, logger });
    const agent = request.agent(app);
    await signUp(agent, newPatient());
    await broken.db.destroy();

    const res = await agent.get('/profile');

    expect(res.status).toBe(500);
    expect(res.headers['cache-control']).toBe('no-store');
    const ref = /data-testid="error-ref">([^<]+)</.exec(res.text)?.[1];
    expect(ref).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.text).not.toMatch(/\bat \S+ \(|node_modules|Error:/);
    expect(lines.some((l) => l.includes(ref!) && l.includes('"stack"'))).toBe(true);
  });

  it('when a body is larger than 10 kB, answers 413 and not 500', async () => {
    const agent = request.agent(buildPortal({ db: testDb.db }));
    const _csrf = await csrfOf(agent, '/signup');
    const res = await agent
      .post('/signup')
      .type('form')
      .send({ _csrf, first_name: 'x'.repeat(20_000) });
    expect(res.status).toBe(413);
  });

  it('when a POST body is JSON instead of a form, answers 415', async () => {
    const res = await request(buildPortal({ db: testDb.db }))
      .post('/login')
      .send({ email: 'a@b.c', password: 'x' });
    expect(res.status).toBe(415);
  });
});

describe('health endpoints', () => {
  it('/healthz answers while the process runs; /readyz reports the database', async () => {
    const testDb = await openTestDb('sqlite');
    let draining = false;
    const app = buildPortal({
      db: testDb.db,
      readinessChecks: [{ name: 'database', check: () => pingDb(testDb.db) }],
      isDraining: () => draining,
    });

    expect((await request(app).get('/healthz')).status).toBe(200);
    const ready = await request(app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ok', checks: { database: 'ok' } });

    draining = true;
    expect((await request(app).get('/readyz')).status).toBe(503);
    draining = false;

    await testDb.db.destroy();
    const down = await request(app).get('/readyz');
    expect(down.status).toBe(503);
    expect(down.body.checks).toEqual({ database: 'down' });
    expect((await request(app).get('/healthz')).status).toBe(200);
    expect(down.headers['set-cookie']).toBeUndefined();
  });

  it('probes of /healthz and /readyz are answered but not logged; other requests are', async () => {
    const testDb = await openTestDb('sqlite');
    const { logger, lines } = capturingLogger('info');
    const app = buildPortal({ db: testDb.db, logger });

    await request(app).get('/healthz').expect(200);
    await request(app).get('/readyz').expect(200);
    await request(app).get('/login').expect(200);

    expect(lines.some((l) => l.includes('/healthz') || l.includes('/readyz'))).toBe(false);
    expect(lines.some((l) => l.includes('GET /login 200'))).toBe(true);
    await testDb.close();
  });
});

import { Mailer } from '../../src/email/mailer';
import { ReminderScheduler } from '../../src/reminders/scheduler';
import { createLogger } from '../../src/web/logger';
import { openTestDb, type TestDb } from '../helpers/databases';
import { testConfig } from '../helpers/portal';
import { describeWith } from '../helpers/services';

jest.setTimeout(60_000);

// Two portal instances share one PostgreSQL schema: every reminder must be queued exactly once.
describeWith('TEST_DATABASE_URL', 'reminders with two instances on PostgreSQL', () => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb('postgres');
  });
  afterAll(() => testDb.close());

  it('each reminder is claimed and queued by one instance only', async () => {
    const { db } = testDb;
    const now = new Date();
    const start = Math.floor(now.getTime() / 1000) + 30 * 60;
    const iso = now.toISOString();
    const account = await db
      .insertInto('accounts')
      .values({
        email: 'two.instances@example.test',
        password_hash: 'x',
        first_name: 'Ada',
        last_name: 'Lovelace',
        dob: '1985-12-10',
        vsee_code: 'code-two-instances',
        created_at: iso,
        updated_at: iso,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const VISITS = 25;
    for (let i = 0; i < VISITS; i += 1) {
      await db
        .insertInto('visits')
        .values({
          account_id: account.id,
          kind: 'appointment',
          launch_key: `key-${i}`,
          vsee_visit_id: `v-${i}`,
          vsee_intake_id: null,
          appointment_token: null,
          provider_name: 'Dr. Who',
          starts_at: start + i,
          ends_at: start + i + 900,
          status: 'confirmed',
          status_updated_at: iso,
          created_at: iso,
          updated_at: iso,
        })
        .execute();
    }
    const config = testConfig({ REMINDERS: '24h,1h' });
    const logger = createLogger('silent');
    const instance = () => new ReminderScheduler(db, new Mailer(db, config, logger), logger);
    const [a, b] = [instance(), instance()];

    const first = await Promise.all([a.runOnce(now), b.runOnce(now)]);
    const second = await Promise.all([a.runOnce(now), b.runOnce(now)]);

    expect(first[0] + first[1]).toBe(VISITS);
    expect(second).toEqual([0, 0]);
    const queued = await db.selectFrom('outbox').select('subject').execute();
    expect(queued).toHaveLength(VISITS);
    const claims = await db.selectFrom('reminder_claims').selectAll().execute();
    expect(claims).toHaveLength(VISITS * 2);
  });
});

import { Migrator } from 'kysely';
import { openDb } from '../../src/db/connection';
import { migrateToLatest } from '../../src/db/migrate';
import * as initial from '../../src/db/migrations/0001_initial';
import * as webhookEvents from '../../src/db/migrations/0002_webhook_events';

// SQLite rebuilds the accounts table in 0004: an existing database must keep every account and,
// above all, every visit (dropping a referenced table with foreign keys on would cascade).
// better-sqlite3 builds its errors with the class of the first test file that loaded it in this Jest
// worker (another global context), so `toThrow` may not see an Error here: the message is asserted.
describe('migration 0004 on an existing SQLite database', () => {
  it('keeps accounts and visits, relaxes the password and email columns, and still enforces foreign keys', async () => {
    const db = openDb('sqlite::memory:');
    try {
      const before = new Migrator({
        db,
        provider: {
          getMigrations: async () => ({ '0001_initial': initial, '0002_webhook_events': webhookEvents }),
        },
      });
      expect((await before.migrateToLatest()).error).toBeUndefined();
      const now = new Date().toISOString();
      const account = await db
        .insertInto('accounts')
        .values({
          email: 'ada@example.test',
          password_hash: '$argon2id$hash',
          first_name: 'Ada',
          last_name: 'Lovelace',
          dob: '1985-12-10',
          vsee_code: 'code-1',
          created_at: now,
          updated_at: now,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('visits')
        .values({
          account_id: account.id,
          kind: 'walkin',
          launch_key: 'k1',
          status: 'pending',
          status_updated_at: now,
          created_at: now,
          updated_at: now,
        })
        .execute();

      await migrateToLatest(db);

      expect(await db.selectFrom('visits').select('account_id').execute()).toEqual([
        { account_id: account.id },
      ]);
      expect(await db.selectFrom('accounts').select(['id', 'password_hash']).execute()).toEqual([
        { id: account.id, password_hash: '$argon2id$hash' },
      ]);
      // Same email, no password (an identity account): allowed. Same email with a password: refused.
      const row = { first_name: 'A', last_name: 'B', dob: '', created_at: now, updated_at: now };
      await db
        .insertInto('accounts')
        .values({ ...row, email: 'ada@example.test', password_hash: null, vsee_code: 'code-2' })
        .execute();
      await expect(
        db
          .insertInto('accounts')
          .values({ ...row, email: 'ada@example.test', password_hash: 'x', vsee_code: 'code-3' })
          .execute(),
      ).rejects.toHaveProperty('message', expect.stringMatching(/UNIQUE/));
      await expect(
        db
          .insertInto('visits')
          .values({
            account_id: 9999,
            kind: 'walkin',
            launch_key: 'k2',
            status: 'pending',
            status_updated_at: now,
            created_at: now,
            updated_at: now,
          })
          .execute(),
      ).rejects.toHaveProperty('message', expect.stringMatching(/FOREIGN KEY/));
    } finally {
      await db.destroy();
    }
  });
});

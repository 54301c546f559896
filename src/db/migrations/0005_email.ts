import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

// Email: verified addresses, single-use links (stored only as a hash), an outbox so that a request
// never waits on SMTP and nothing is lost on a restart, and one claim row per reminder so that two
// instances never send the same one twice.
function idColumn(db: Kysely<unknown>) {
  return db.getExecutor().adapter instanceof PostgresAdapter
    ? (col: ColumnDefinitionBuilder) => col.primaryKey().generatedByDefaultAsIdentity()
    : (col: ColumnDefinitionBuilder) => col.primaryKey().autoIncrement();
}

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('email_verified_at', 'text').execute();
  await db.schema
    .alterTable('accounts')
    .addColumn('reminders_enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
  // The zone the patient last booked in, so a reminder shows the time as the booking page did.
  await db.schema.alterTable('accounts').addColumn('time_zone', 'text').execute();

  await db.schema
    .createTable('email_tokens')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    // The address a verification link confirms: a link sent to an old address confirms nothing new.
    .addColumn('email', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('email_tokens_account')
    .on('email_tokens')
    .columns(['account_id', 'purpose'])
    .execute();

  await db.schema
    .createTable('outbox')
    .addColumn('id', 'integer', idColumn(db))
    .addColumn('to_address', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addColumn('calendar', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('claimed_until', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('failed_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('outbox_due')
    .on('outbox')
    .columns(['sent_at', 'failed_at', 'next_attempt_at'])
    .execute();

  await db.schema
    .createTable('reminder_claims')
    .addColumn('visit_id', 'integer', (c) => c.notNull().references('visits.id').onDelete('cascade'))
    .addColumn('offset_minutes', 'integer', (c) => c.notNull())
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('reminder_claims_pk', ['visit_id', 'offset_minutes'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['reminder_claims', 'outbox', 'email_tokens']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  for (const column of ['time_zone', 'reminders_enabled', 'email_verified_at']) {
    await db.schema.alterTable('accounts').dropColumn(column).execute();
  }
}

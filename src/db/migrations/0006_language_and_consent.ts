import { type ColumnDefinitionBuilder, type Kysely, PostgresAdapter } from 'kysely';

// The account remembers the patient's chosen language (null: follow the browser). Each agreement to
// the clinic's telehealth consent is a row: who, when, from where, and which text (its sha256), so a
// changed text is asked again and the patient can read exactly what they agreed to.
export async function up(db: Kysely<unknown>): Promise<void> {
  const id =
    db.getExecutor().adapter instanceof PostgresAdapter
      ? (col: ColumnDefinitionBuilder) => col.primaryKey().generatedByDefaultAsIdentity()
      : (col: ColumnDefinitionBuilder) => col.primaryKey().autoIncrement();
  await db.schema.alterTable('accounts').addColumn('language', 'text').execute();
  await db.schema
    .createTable('consents')
    .addColumn('id', 'integer', id)
    .addColumn('account_id', 'integer', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('agreed_at', 'text', (c) => c.notNull())
    .addColumn('ip', 'text')
    .addUniqueConstraint('consents_account_version', ['account_id', 'version'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('consents').ifExists().execute();
  await db.schema.alterTable('accounts').dropColumn('language').execute();
}

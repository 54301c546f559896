import { type Kysely, PostgresAdapter, sql } from 'kysely';

// Accounts from the clinic's identity provider or its launch links: an identity is (issuer, subject)
// and is never matched by email. Such an account has no password, and its email may equal a local
// account's email (two people can share an address; linking by it would hand one the other's
// account), so the email stays unique only among accounts that log in with a password.
// `launch_token_uses` makes each launch-link `jti` usable once across instances until it expires;
// `audit_events.reason` says why a login or a link was refused (a fixed word, never token text).
export async function up(db: Kysely<unknown>): Promise<void> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  if (postgres) await relaxAccountsPostgres(db);
  else await relaxAccountsSqlite(db);

  await db.schema
    .createTable('identities')
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('account_id', 'integer', (c) =>
      c.notNull().unique().references('accounts.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('identities_pk', ['issuer', 'subject'])
    .execute();

  await db.schema
    .createTable('launch_token_uses')
    .addColumn('token_key', 'text', (c) => c.primaryKey())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('launch_token_uses_expires')
    .on('launch_token_uses')
    .column('expires_at')
    .execute();

  await db.schema.alterTable('audit_events').addColumn('reason', 'text').execute();
}

async function relaxAccountsPostgres(db: Kysely<unknown>): Promise<void> {
  await sql`alter table accounts alter column password_hash drop not null`.execute(db);
  await sql`alter table accounts drop constraint accounts_email_key`.execute(db);
  await sql`create unique index accounts_password_email on accounts (email) where password_hash is not null`.execute(
    db,
  );
}

// SQLite cannot drop NOT NULL or a column's UNIQUE: the table is rebuilt (SQLite's documented
// procedure), with foreign keys off so dropping the old table does not cascade into visits.
// Kysely runs SQLite migrations outside a transaction, so the pragma takes effect.
async function relaxAccountsSqlite(db: Kysely<unknown>): Promise<void> {
  await sql`pragma foreign_keys = off`.execute(db);
  try {
    await sql`create table accounts_new (
      id integer primary key autoincrement,
      email text not null,
      password_hash text,
      first_name text not null,
      last_name text not null,
      dob text not null,
      vsee_code text not null unique,
      session_version integer not null default 0,
      created_at text not null,
      updated_at text not null
    )`.execute(db);
    await sql`insert into accounts_new select id, email, password_hash, first_name, last_name, dob,
      vsee_code, session_version, created_at, updated_at from accounts`.execute(db);
    await sql`drop table accounts`.execute(db);
    await sql`alter table accounts_new rename to accounts`.execute(db);
    await sql`create unique index accounts_password_email on accounts (email) where password_hash is not null`.execute(
      db,
    );
  } finally {
    await sql`pragma foreign_keys = on`.execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('audit_events').dropColumn('reason').execute();
  await db.schema.dropTable('launch_token_uses').ifExists().execute();
  await db.schema.dropTable('identities').ifExists().execute();
  // Accounts keep their relaxed columns: password-less accounts may exist by now.
}

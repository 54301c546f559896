import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { type Db, openDb } from '../../src/db/connection';
import { migrateToLatest } from '../../src/db/migrate';
import { serviceUrl } from './services';

export interface TestDb {
  db: Db;
  close(): Promise<void>;
}

export type TestDbKind = 'sqlite' | 'postgres';

/** The engines this run can test: SQLite always, PostgreSQL when TEST_DATABASE_URL is set (required under CI). */
export function testDbKinds(): TestDbKind[] {
  return serviceUrl('TEST_DATABASE_URL') ? ['sqlite', 'postgres'] : ['sqlite'];
}

/**
 * Kysely's migrator finds its own table with a query over every schema that calls
 * `has_schema_privilege` on each; a schema another test file drops during that query makes it fail
 * ("schema … does not exist"). So test files migrate holding this advisory lock shared and drop
 * their schema holding it exclusively (both released when their connection ends).
 */
const SCHEMA_DROP_LOCK = 7_310_417;

/**
 * A migrated, empty database for one test file: SQLite in memory, or a fresh PostgreSQL schema
 * (dropped on close) so parallel test files never see each other's rows.
 */
export async function openTestDb(kind: TestDbKind): Promise<TestDb> {
  if (kind === 'sqlite') {
    const db = openDb('sqlite::memory:');
    await migrateToLatest(db);
    return { db, close: () => db.destroy() };
  }
  const url = serviceUrl('TEST_DATABASE_URL');
  if (!url) throw new Error('TEST_DATABASE_URL is not set');
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = new Client({ connectionString: url });
  await admin.connect();
  let db: Db;
  try {
    await admin.query(`create schema ${schema}`);
    await admin.query('select pg_advisory_lock_shared($1)', [SCHEMA_DROP_LOCK]);
    db = openDb(url, { searchPath: schema, poolSize: 5 });
    await migrateToLatest(db, { schema });
  } finally {
    await admin.end();
  }
  return {
    db,
    close: async () => {
      await db.destroy();
      const cleanup = new Client({ connectionString: url });
      await cleanup.connect();
      try {
        await cleanup.query('select pg_advisory_lock($1)', [SCHEMA_DROP_LOCK]);
        await cleanup.query(`drop schema ${schema} cascade`);
      } finally {
        await cleanup.end();
      }
    },
  };
}

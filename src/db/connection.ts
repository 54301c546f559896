import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, sql } from 'kysely';
import { Pool, types } from 'pg';
import { GroupCommitSqliteDialect } from './group-commit';
import type { Database } from './schema';

export type Db = Kysely<Database>;
export type DbKind = 'sqlite' | 'postgres';

export interface DbOptions {
  poolSize?: number;
  /** PostgreSQL only: run every statement in this schema (tests isolate themselves this way). */
  searchPath?: string;
  /**
   * SQLite only. `normal` (the default): a commit is written to the WAL but synced to disk at the
   * next checkpoint; a crash of the portal loses nothing, a power cut can lose the last moments.
   * `full`: every commit waits for fsync, on the event loop, about a millisecond per write here.
   */
  sqliteSynchronous?: 'normal' | 'full';
}

/** Which engine a DATABASE_URL selects. */
export function dbKind(url: string): DbKind {
  return url.startsWith('sqlite:') ? 'sqlite' : 'postgres';
}

// pg returns BIGINT (int8, e.g. COUNT) as a string to avoid precision loss; our counts are small.
types.setTypeParser(20, (value) => Number(value));

/** Opens a Kysely connection: `sqlite:PATH` (folder created) or `sqlite::memory:`, else PostgreSQL. */
export function openDb(url: string, options: DbOptions = {}): Db {
  if (dbKind(url) === 'sqlite') {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') {
      mkdirSync(dirname(resolve(path)), { recursive: true, mode: 0o700 });
      // Patient data: readable by the portal's user only. SQLite gives its -wal and -shm files the
      // database file's mode, so creating the file 0600 here covers all three ('a' keeps existing data).
      closeSync(openSync(resolve(path), 'a', 0o600));
    }
    const database = new SQLite(path === ':memory:' ? ':memory:' : resolve(path));
    // WAL lets readers proceed while one writer commits; busy_timeout waits instead of failing.
    database.pragma('journal_mode = WAL');
    database.pragma('busy_timeout = 5000');
    database.pragma('foreign_keys = ON');
    database.pragma(`synchronous = ${options.sqliteSynchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    return new Kysely<Database>({ dialect: new GroupCommitSqliteDialect(database) });
  }
  const pool = new Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
    ...(options.searchPath ? { options: `-c search_path=${options.searchPath}` } : {}),
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * A consistent copy of a live SQLite database into `target`, through SQLite's online backup: safe
 * while the portal writes (a plain file copy misses what is still in the WAL). The copy is 0600.
 */
export async function backupSqlite(url: string, target: string): Promise<void> {
  if (dbKind(url) !== 'sqlite')
    throw new Error('db:backup copies SQLite databases; for PostgreSQL use pg_dump');
  const path = url.slice('sqlite:'.length);
  if (path === ':memory:') throw new Error('an in-memory database cannot be backed up');
  const database = new SQLite(resolve(path), { readonly: true, fileMustExist: true });
  try {
    closeSync(openSync(resolve(target), 'w', 0o600));
    await database.backup(resolve(target));
  } finally {
    database.close();
  }
}

/** Cheap round trip for readiness checks. */
export async function pingDb(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}

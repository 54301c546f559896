import type SQLite from 'better-sqlite3';
import {
  type CompiledQuery,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  SqliteDialect,
} from 'kysely';

/**
 * Kysely's SQLite dialect, with group commit: the INSERTs, UPDATEs and DELETEs that arrive in the same
 * turn of the event loop (from different requests) are written in one transaction, committed once
 * at the end of that turn, instead of one commit each. A commit is what costs on SQLite: the WAL's
 * locks and a write of every page the statement touched, each a system call. Grouped, a page that
 * several launches touch (the visits table's last leaf, its indexes) is written once per group.
 *
 * What callers see does not change: a statement's result (or error) is handed back only after the
 * commit that holds it has succeeded, so a launch still asks VSee only once its claim is in the WAL.
 * If that commit fails, every statement of the group fails with the commit's error, as each would
 * have alone. A statement that fails on its own (a unique key taken) is backed out by SQLite alone;
 * the rest of its group commits. A read while a group is open joins it (it sees the group's rows,
 * so it too waits for their commit); a read with nothing pending runs at once, as before.
 * Transactions (`db.transaction()`) have the database to themselves: other statements wait for
 * them, and they wait for an open group to commit first. Statements that are neither reads nor
 * row writes (DDL, pragmas) run alone, outside any group: a pragma inside a transaction is ignored.
 */
export class GroupCommitSqliteDialect extends SqliteDialect {
  constructor(private readonly database: SQLite.Database) {
    super({ database });
  }

  override createDriver(): Driver {
    return new GroupCommitDriver(this.database);
  }
}

/** A statement run inside the open group, settled when the group commits. */
interface Grouped {
  resolve: (result: QueryResult<unknown>) => void;
  reject: (error: unknown) => void;
  outcome: { ok: true; result: QueryResult<unknown> } | { ok: false; error: unknown };
}

const ROW_WRITE = /^\s*(insert|update|delete|replace)\b/i;
// A pragma reads as read-only to SQLite too, but some (foreign_keys) are ignored inside a transaction.
const ROW_READ = /^\s*(select|with)\b/i;

// Preparing (parsing and planning) costs more than running one of our small indexed queries, and the
// same few SQL texts recur: their statements are kept. Capped against unusual texts.
const MAX_CACHED_STATEMENTS = 500;

/** One per query or transaction; what tells a transaction's own statements from everyone else's. */
class GroupCommitConnection implements DatabaseConnection {
  constructor(private readonly driver: GroupCommitDriver) {}

  executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return this.driver.execute(this, query) as Promise<QueryResult<R>>;
  }

  streamQuery<R>(query: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    return this.driver.stream(this, query) as AsyncIterableIterator<QueryResult<R>>;
  }
}

class GroupCommitDriver implements Driver {
  private readonly statements = new Map<string, SQLite.Statement>();
  private group: Grouped[] | undefined;
  private commitTimer: NodeJS.Immediate | undefined;
  /** The connection whose transaction holds the database, and what others wait on meanwhile. */
  private owner: DatabaseConnection | undefined;
  private ownerDone: Promise<void> = Promise.resolve();
  private releaseOwner: () => void = () => {};

  constructor(private readonly database: SQLite.Database) {}

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    return new GroupCommitConnection(this);
  }

  async releaseConnection(): Promise<void> {}

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    while (this.owner) await this.ownerDone;
    this.owner = connection;
    this.ownerDone = new Promise((resolve) => (this.releaseOwner = resolve));
    this.commitGroup();
    try {
      this.prepare('begin').run();
    } catch (error) {
      this.release();
      throw error;
    }
  }

  async commitTransaction(): Promise<void> {
    // Kysely rolls back when this throws, and the rollback releases the database.
    this.prepare('commit').run();
    this.release();
  }

  async rollbackTransaction(): Promise<void> {
    try {
      if (this.database.inTransaction) this.prepare('rollback').run();
    } finally {
      this.release();
    }
  }

  async destroy(): Promise<void> {
    this.commitGroup();
    this.database.close();
  }

  private release(): void {
    this.owner = undefined;
    this.releaseOwner();
  }

  execute(connection: DatabaseConnection, query: CompiledQuery): Promise<QueryResult<unknown>> {
    if (this.owner === connection) return Promise.resolve(this.run(this.prepare(query.sql), query));
    if (this.owner) return this.ownerDone.then(() => this.execute(connection, query));
    const statement = this.prepare(query.sql);
    const joinsGroup =
      ROW_WRITE.test(query.sql) || (this.group && ROW_READ.test(query.sql) && statement.readonly);
    if (joinsGroup) return this.runInGroup(statement, query);
    this.commitGroup();
    return Promise.resolve(this.run(statement, query));
  }

  private runInGroup(statement: SQLite.Statement, query: CompiledQuery): Promise<QueryResult<unknown>> {
    if (!this.group) {
      // IMMEDIATE: the write lock now, so no other process's commit can come between our reads
      // and writes (a deferred transaction would fail to upgrade, without waiting, if one did).
      this.prepare('begin immediate').run();
      this.group = [];
      this.commitTimer = setImmediate(() => this.commitGroup());
    }
    const group = this.group;
    let outcome: Grouped['outcome'];
    try {
      outcome = { ok: true, result: this.run(statement, query) };
    } catch (error) {
      if (!this.database.inTransaction) {
        // SQLite rolled the whole transaction back (disk full, I/O): the group's writes are gone.
        this.failGroup(error);
        return Promise.reject(error);
      }
      outcome = { ok: false, error };
    }
    return new Promise((resolve, reject) => group.push({ resolve, reject, outcome }));
  }

  /** Commits the open group, then hands each of its statements its own result. */
  private commitGroup(): void {
    const group = this.group;
    if (!group) return;
    try {
      this.prepare('commit').run();
    } catch (error) {
      this.failGroup(error);
      return;
    }
    this.closeGroup();
    for (const { resolve, reject, outcome } of group) {
      if (outcome.ok) resolve(outcome.result);
      else reject(outcome.error);
    }
  }

  private failGroup(error: unknown): void {
    const group = this.group ?? [];
    this.closeGroup();
    try {
      if (this.database.inTransaction) this.prepare('rollback').run();
    } catch {
      // Runs in a timer: a throw here would end the process. The callers get the commit's error.
    }
    for (const { reject } of group) reject(error);
  }

  private closeGroup(): void {
    this.group = undefined;
    if (this.commitTimer) clearImmediate(this.commitTimer);
    this.commitTimer = undefined;
  }

  /**
   * Rows read all at once, then handed out one by one: a cursor left open between them would make
   * every other request's statement fail (one connection runs one statement at a time).
   */
  async *stream(connection: DatabaseConnection, query: CompiledQuery) {
    const { rows } = await this.execute(connection, query);
    for (const row of rows) yield { rows: [row] };
  }

  private run(statement: SQLite.Statement, query: CompiledQuery): QueryResult<unknown> {
    const parameters = query.parameters as unknown[];
    if (statement.reader) return { rows: statement.all(parameters) };
    const { changes, lastInsertRowid } = statement.run(parameters);
    return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
  }

  private prepare(text: string): SQLite.Statement {
    let statement = this.statements.get(text);
    if (!statement) {
      statement = this.database.prepare(text);
      if (this.statements.size >= MAX_CACHED_STATEMENTS) this.statements.clear();
      this.statements.set(text, statement);
    }
    return statement;
  }
}

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { type Db, openDb } from '../../../src/db/connection';
import { migrateToLatest } from '../../../src/db/migrate';

const WAL_HEADER = 32;
const WAL_FRAME_HEADER = 24;

// Group commit (src/db/group-commit.ts), watched from a second connection to the same file, as
// another process (npm run doctor, a second instance) would see it.
describe('SQLite group commit', () => {
  let dir: string;
  let db: Db;
  let observer: SQLite.Database;
  const session = (sid: string) => ({ sid, sess: '{}', expires_at: '2030-01-01T00:00:00.000Z' });
  const insertSession = (sid: string) => db.insertInto('sessions').values(session(sid)).execute();
  const walFrames = () => {
    const pageSize = observer.pragma('page_size', { simple: true }) as number;
    return (statSync(join(dir, 'portal.db-wal')).size - WAL_HEADER) / (WAL_FRAME_HEADER + pageSize);
  };
  const seen = (sid: string) =>
    observer.prepare('select count(*) as n from sessions where sid = ?').get(sid) as { n: number };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'group-commit-'));
    db = openDb(`sqlite:${join(dir, 'portal.db')}`);
    await migrateToLatest(db);
    observer = new SQLite(join(dir, 'portal.db'));
    observer.pragma('busy_timeout = 5000');
  });
  afterEach(async () => {
    observer.close();
    await db.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('commits the writes of one turn together, and hands back each result only once it is committed', async () => {
    const framesOf = async (sids: string[]) => {
      const before = walFrames();
      const visibleWhenSettled = await Promise.all(
        sids.map((sid) => insertSession(sid).then(() => seen(sid).n)),
      );
      expect(visibleWhenSettled).toEqual(sids.map(() => 1));
      return walFrames() - before;
    };
    // One commit writes each page it changed once (the table's leaf, its two indexes): three rows
    // written together add the frames of one row, where three commits would add three times as many.
    const one = await framesOf(['a']);
    expect(one).toBeGreaterThan(0);
    expect(await framesOf(['b', 'c', 'd'])).toBe(one);
  });

  it('fails only the statement that breaks a constraint; the rest of its group commits', async () => {
    await insertSession('taken');
    const results = await Promise.allSettled([
      insertSession('x'),
      insertSession('taken'),
      insertSession('y'),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({
      code: 'SQLITE_CONSTRAINT_PRIMARYKEY',
    });
    expect([seen('x').n, seen('y').n]).toEqual([1, 1]);
  });

  it('fails every statement of a group whose commit fails, keeps none of its rows, and goes on', async () => {
    // A deferred foreign key is checked at COMMIT: the one way to make a commit itself refuse.
    observer.exec(`create table parents (id integer primary key);
      create table children (id integer primary key,
        parent_id integer references parents (id) deferrable initially deferred)`);
    const results = await Promise.allSettled([
      insertSession('lost'),
      sql`insert into children (id, parent_id) values (1, 42)`.execute(db),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'SQLITE_CONSTRAINT_FOREIGNKEY',
    });
    expect(seen('lost').n).toBe(0);
    await insertSession('after');
    expect(seen('after').n).toBe(1);
  });

  it('lets a read join the open group: it sees the group’s rows, handed back once they are committed', async () => {
    const write = insertSession('r');
    const read = await db
      .selectFrom('sessions')
      .select('sid')
      .where('sid', '=', 'r')
      .execute()
      .then((rows) => ({ rows, committed: seen('r').n }));
    expect(read).toEqual({ rows: [{ sid: 'r' }], committed: 1 });
    await write;
  });

  it('streams rows only once the open group is committed', async () => {
    const write = insertSession('s');
    const streamed: Array<{ sid: string; committed: number }> = [];
    for await (const row of db.selectFrom('sessions').select('sid').where('sid', '=', 's').stream()) {
      streamed.push({ sid: row.sid, committed: seen('s').n });
    }
    expect(streamed).toEqual([{ sid: 's', committed: 1 }]);
    await write;
  });

  it('gives a transaction the database to itself: an open group commits first, others wait for it', async () => {
    const before = insertSession('before');
    const order: string[] = [];
    const transaction = db.transaction().execute(async (trx) => {
      expect(seen('before').n).toBe(1);
      await trx.insertInto('sessions').values(session('inside')).execute();
      // A statement from outside the transaction, issued now, waits until it ends.
      void insertSession('outside').then(() => order.push('outside'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(seen('outside').n).toBe(0);
      order.push('transaction');
    });
    await Promise.all([before, transaction]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(order).toEqual(['transaction', 'outside']);
    expect([seen('inside').n, seen('outside').n]).toEqual([1, 1]);
  });

  it('runs a pragma outside any group, so it takes effect', async () => {
    const pending = insertSession('p');
    await sql`pragma foreign_keys = off`.execute(db);
    expect(seen('p').n).toBe(1);
    const { rows } = await sql<{ foreign_keys: number }>`pragma foreign_keys`.execute(db);
    expect(rows[0]!.foreign_keys).toBe(0);
    await pending;
  });
});

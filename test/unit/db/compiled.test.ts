import { compiledQuery } from '../../../src/db/compiled';
import { openTestDb, testDbKinds, type TestDb } from '../../helpers/databases';

const DESTROYED = '"destroyed"';
// A constant (DESTROYED) and two parameters, in an order different from the object's.
const liveSession = compiledQuery<{ sid: string; after: string }, { sid: string; sess: string }>(
  (db, param) =>
    db
      .selectFrom('sessions')
      .select(['sid', 'sess'])
      .where('expires_at', '>', param('after'))
      .where('sid', '=', param('sid'))
      .where('sess', '<>', DESTROYED),
);

describe.each(testDbKinds())('a query compiled once (%s)', (kind) => {
  let testDb: TestDb;
  let other: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb(kind);
    other = await openTestDb(kind);
    const rows = [
      { sid: 'a', sess: '{"n":1}', expires_at: '2030-01-01T00:00:00.000Z' },
      { sid: 'b', sess: '{"n":2}', expires_at: '2030-01-01T00:00:00.000Z' },
      { sid: 'c', sess: DESTROYED, expires_at: '2030-01-01T00:00:00.000Z' },
      { sid: 'd', sess: '{"n":4}', expires_at: '2020-01-01T00:00:00.000Z' },
    ];
    await testDb.db.insertInto('sessions').values(rows).execute();
    await other.db
      .insertInto('sessions')
      .values({ ...rows[0]!, sess: '{"n":"other"}' })
      .execute();
  });
  afterAll(async () => {
    await testDb.close();
    await other.close();
  });

  it('binds each run its own values and keeps the constants it was built with', async () => {
    const now = '2025-01-01T00:00:00.000Z';
    expect((await liveSession(testDb.db, { sid: 'a', after: now })).rows).toEqual([
      { sid: 'a', sess: '{"n":1}' },
    ]);
    expect((await liveSession(testDb.db, { sid: 'b', after: now })).rows).toEqual([
      { sid: 'b', sess: '{"n":2}' },
    ]);
    // Destroyed (the constant) and expired (the second parameter) rows are not found.
    expect((await liveSession(testDb.db, { sid: 'c', after: now })).rows).toEqual([]);
    expect((await liveSession(testDb.db, { sid: 'd', after: now })).rows).toEqual([]);
    expect((await liveSession(testDb.db, { sid: 'd', after: '2019-01-01T00:00:00.000Z' })).rows).toHaveLength(
      1,
    );
  });

  it('runs on the database it is given, not the first one it was compiled for', async () => {
    const now = '2025-01-01T00:00:00.000Z';
    expect((await liveSession(testDb.db, { sid: 'a', after: now })).rows[0]?.sess).toBe('{"n":1}');
    expect((await liveSession(other.db, { sid: 'a', after: now })).rows[0]?.sess).toBe('{"n":"other"}');
  });
});

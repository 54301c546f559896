import { EVENT_ID_RETENTION_MS, webhookEventPruner } from '../../src/webhooks/prune-events';
import { openTestDb, testDbKinds, type TestDb } from '../helpers/databases';

const HOUR = 3_600_000;

describe.each(testDbKinds())('webhook event ids are pruned (%s)', (kind) => {
  let testDb: TestDb;
  beforeAll(async () => {
    testDb = await openTestDb(kind);
  });
  afterAll(() => testDb.close());

  const receivedAgo = (eventId: string, ms: number, now: number) =>
    testDb.db
      .insertInto('webhook_events')
      .values({ event_id: eventId, received_at: new Date(now - ms).toISOString() })
      .execute();
  const ids = async () =>
    (await testDb.db.selectFrom('webhook_events').select('event_id').orderBy('event_id').execute()).map(
      (r) => r.event_id,
    );

  it('deletes ids older than the retention, keeps newer ones, and runs at most once an hour', async () => {
    let now = Date.parse('2026-11-24T12:00:00Z');
    await receivedAgo('a-old', EVENT_ID_RETENTION_MS + 60_000, now);
    await receivedAgo('b-recent', EVENT_ID_RETENTION_MS - 60_000, now);
    const prune = webhookEventPruner(testDb.db, () => now);

    expect(await prune()).toBe(1);
    expect(await ids()).toEqual(['b-recent']);

    // Half an hour later b-recent is past the retention too, but the pruner waits for its hour.
    now += HOUR / 2;
    expect(await prune()).toBe(0);
    expect(await ids()).toEqual(['b-recent']);

    now += HOUR;
    expect(await prune()).toBe(1);
    expect(await ids()).toEqual([]);
  });
});

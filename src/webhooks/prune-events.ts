import type { Db } from '../db/connection';

/**
 * How long an applied event id is remembered. VSee documents no retry rules (docs/vsee-contract.md §10), and a
 * replay after this is still harmless: a visit's status never moves back (clinic/visit-status.ts),
 * so the remembered ids only spare the work. Without pruning the table grows by one row per event.
 */
export const EVENT_ID_RETENTION_MS = 7 * 24 * 3_600_000;
const PRUNE_EVERY_MS = 3_600_000;

/** Deletes event ids received before `before`; returns how many. */
export async function pruneWebhookEvents(db: Db, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('webhook_events')
    .where('received_at', '<', before.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/**
 * A pruner to call after each delivery: it deletes old ids at most once an hour per process, so
 * there is no timer to start or stop (as the session store does).
 */
export function webhookEventPruner(db: Db, now: () => number = Date.now): () => Promise<number> {
  let last = 0;
  return async () => {
    const at = now();
    if (at - last < PRUNE_EVERY_MS) return 0;
    last = at;
    return pruneWebhookEvents(db, new Date(at - EVENT_ID_RETENTION_MS));
  };
}

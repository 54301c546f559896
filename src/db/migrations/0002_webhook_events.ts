import type { Kysely } from 'kysely';

// VSee webhooks carry an event id (docs/vsee-contract.md §10); remembering it makes a replayed or retried
// delivery a no-op. `status_checked_at` is when the portal last asked VSee (GET /visits/:id) about a
// visit, so My visits knows whether a status is fresh without rewriting when it last *changed*.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('webhook_events')
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.alterTable('visits').addColumn('status_checked_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('visits').dropColumn('status_checked_at').execute();
  await db.schema.dropTable('webhook_events').ifExists().execute();
}

import type { Kysely } from 'kysely';

// The visit type the patient chose when booking (the room's consultation, as the clinic described
// it), kept on the row so the appointment's page and emails can say what kind of visit it is.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('visits').addColumn('visit_type', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('visits').dropColumn('visit_type').execute();
}

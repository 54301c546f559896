import { type Kysely, sql } from 'kysely';

// The statuses in which a walk-in still holds the patient's place in the waiting room (or may: an
// `unknown` outcome is a create whose answer never came). Kept here as literals: a migration must not
// change meaning when the code's lists change later.
const HOLDING = ['starting', 'unknown', 'pending', 'confirmed', 'in_progress'];

/**
 * One open walk-in per patient, enforced by the database: a partial unique index on the account for
 * walk-ins in a holding status. Two tabs, two devices or two instances pressing "See a doctor now"
 * race for one row; the loser finds the winner's visit instead of queueing a second one.
 * `vsee_member_id` is the patient's VSee user id at the time of the launch: it is how a stored visit
 * is checked to belong to this patient, and how VSee's visit list is searched for a lost create.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('visits').addColumn('vsee_member_id', 'text').execute();
  // Older rows could, rarely, hold two open walk-ins for one patient. The newest stays open; an
  // older one was superseded by it (a patient waits in one queue at a time) and is closed so the
  // index can be built.
  await sql`
    update visits set status = 'completed'
    where kind = 'walkin'
      and status in (${sql.join(HOLDING)})
      and id < (select max(v2.id) from visits v2
                where v2.account_id = visits.account_id and v2.kind = 'walkin'
                  and v2.status in (${sql.join(HOLDING)}))
  `.execute(db);
  await db.schema
    .createIndex('visits_one_open_walkin')
    .unique()
    .on('visits')
    .column('account_id')
    .where(sql.ref('kind'), '=', 'walkin')
    .where(sql.ref('status'), 'in', HOLDING)
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('visits_one_open_walkin').ifExists().execute();
  await db.schema.alterTable('visits').dropColumn('vsee_member_id').execute();
}

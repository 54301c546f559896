import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import * as initial from './migrations/0001_initial';
import * as webhookEvents from './migrations/0002_webhook_events';
import * as oneOpenWalkin from './migrations/0003_one_open_walkin';
import * as identities from './migrations/0004_identities';
import * as email from './migrations/0005_email';
import * as languageAndConsent from './migrations/0006_language_and_consent';
import * as visitType from './migrations/0007_visit_type';

// Migrations are listed in code rather than read from a folder, so the same list works from
// `src/` under Jest, from `dist/` in the container, and can never pick up a stray file.
const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_webhook_events': webhookEvents,
  '0003_one_open_walkin': oneOpenWalkin,
  '0004_identities': identities,
  '0005_email': email,
  '0006_language_and_consent': languageAndConsent,
  '0007_visit_type': visitType,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date; throws with the failing migration's name. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- migrations run before any table type exists
export async function migrateToLatest(db: Kysely<any>, options: { schema?: string } = {}): Promise<string[]> {
  // With several schemas in one database (tests isolate themselves that way), Kysely must be told
  // where its own bookkeeping tables live, or it may find another schema's and skip creating its own.
  const migrator = new Migrator({
    db,
    provider,
    ...(options.schema ? { migrationTableSchema: options.schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new Error(`Database migration ${failed} failed`, { cause: error });
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Names of the migrations this code knows that the database has not had yet (for `npm run doctor`). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- as migrateToLatest
export async function pendingMigrations(db: Kysely<any>): Promise<string[]> {
  const known = await new Migrator({ db, provider }).getMigrations();
  return known.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

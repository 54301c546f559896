import { loadDatabaseConfig } from '../config';
import { backupSqlite } from './connection';

/**
 * `npm run db:backup -- FILE`: a consistent copy of the SQLite database in DATABASE_URL, taken while
 * the portal runs (docs/operations.md, "Backups"). PostgreSQL is backed up with pg_dump instead.
 */
async function main(): Promise<void> {
  const target = process.argv[2];
  if (!target)
    throw new Error(
      'usage: npm run db:backup -- FILE (the copy to write, e.g. backups/portal-2026-12-01.db)',
    );
  const { databaseUrl } = loadDatabaseConfig();
  const started = Date.now();
  await backupSqlite(databaseUrl, target);
  process.stdout.write(`backed up ${databaseUrl} to ${target} in ${Date.now() - started} ms\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`db:backup failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

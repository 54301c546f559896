import { ConfigError, loadDatabaseConfig } from '../config';
import { createLogger } from '../web/logger';
import { openDb } from './connection';
import { migrateToLatest } from './migrate';

/** `npm run db:migrate`: applies pending migrations to DATABASE_URL and exits. Needs no other setting. */
async function main(): Promise<void> {
  const config = loadDatabaseConfig();
  const logger = createLogger(config.logLevel);
  const db = openDb(config.databaseUrl);
  try {
    const applied = await migrateToLatest(db);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'database already up to date');
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError || error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});

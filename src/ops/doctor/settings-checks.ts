import { type Config, isWeakSecret } from '../../config';
import { openDb, pingDb } from '../../db/connection';
import { pendingMigrations } from '../../db/migrate';
import { createClient } from 'redis';
import { type CheckResult, fail, ok, skip, warn } from './report';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])$/;

/** SESSION_SECRET: set, and every secret in the list strong. */
export function checkSessionSecret(config: Config): CheckResult {
  if (config.sessionSecretGenerated) {
    return config.env === 'production'
      ? fail('SESSION_SECRET', 'not set (e.g. openssl rand -hex 32)')
      : warn('SESSION_SECRET', 'not set: a development secret is used (set one for production)');
  }
  if (config.sessionSecrets.some(isWeakSecret)) {
    return fail('SESSION_SECRET', 'too weak: use at least 32 random characters (e.g. openssl rand -hex 32)');
  }
  return ok('SESSION_SECRET', `${config.sessionSecrets.length} secret(s), strong`);
}

/**
 * PUBLIC_URL and TRUST_PROXY together: the portal speaks plain HTTP, so an https PUBLIC_URL means a
 * TLS proxy in front, and Express must trust it or secure cookies and forms fail.
 */
export function checkPublicUrl(config: Config): CheckResult[] {
  const url = new URL(config.publicUrl);
  const results: CheckResult[] = [];
  if (url.protocol === 'https:') results.push(ok('PUBLIC_URL', `${url.origin} (https)`));
  else if (config.env === 'production')
    results.push(fail('PUBLIC_URL', `${url.origin} is not https: patients must reach the portal over TLS`));
  else results.push(warn('PUBLIC_URL', `${url.origin} is plain http (fine for development only)`));

  if (url.protocol === 'https:' && config.trustProxy === 0) {
    results.push(
      fail(
        'TRUST_PROXY',
        'is 0 but PUBLIC_URL is https: set it to the number of TLS proxies in front (usually 1)',
      ),
    );
  } else {
    results.push(ok('TRUST_PROXY', `${config.trustProxy} proxy hop(s) trusted`));
  }
  return results;
}

/** DATABASE_URL: reachable, and every migration this version knows applied. */
export async function checkDatabase(config: Config): Promise<CheckResult> {
  const db = openDb(config.databaseUrl, { poolSize: 1 });
  try {
    await pingDb(db);
    const pending = await pendingMigrations(db);
    if (pending.length > 0) {
      return fail(
        'DATABASE_URL',
        `reachable, but ${pending.length} migration(s) pending: run npm run db:migrate`,
      );
    }
    return ok('DATABASE_URL', 'reachable and migrated');
  } catch (error) {
    return fail('DATABASE_URL', `not reachable: ${(error as Error).message}`);
  } finally {
    await db.destroy().catch(() => undefined);
  }
}

/** REDIS_URL, when set: answers a PING. */
export async function checkRedis(config: Config): Promise<CheckResult> {
  if (!config.redisUrl)
    return skip('REDIS_URL', 'not set: sessions in the database, limits in memory (one instance)');
  // One try, no reconnecting: the doctor reports, it does not wait for Redis to come back.
  const client = createClient({
    url: config.redisUrl,
    socket: { connectTimeout: 2000, reconnectStrategy: false },
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.ping();
    return ok('REDIS_URL', 'answers');
  } catch (error) {
    return fail('REDIS_URL', `not reachable: ${(error as Error).message}`);
  } finally {
    if (client.isOpen) client.destroy();
  }
}

/** VSEE_WEBHOOK_SECRET: without it, visit statuses only change when a patient opens My visits. */
export function checkWebhookSecret(config: Config): CheckResult {
  return config.vseeWebhookSecret
    ? ok('VSEE_WEBHOOK_SECRET', 'set (paste PUBLIC_URL/webhooks/vsee/<secret> into VSee)')
    : warn(
        'VSEE_WEBHOOK_SECRET',
        'not set: the webhook receiver is off, visit statuses update only on page views',
      );
}

/** True for an http URL that may stay http: the machine itself (a local sandbox, a sidecar). */
export function isLoopback(url: URL): boolean {
  return LOOPBACK.test(url.hostname);
}

import { randomBytes } from 'node:crypto';
import type { Store } from 'express-session';
import type { Config, VseeSettings } from './config';
import { type Db, openDb, pingDb } from './db/connection';
import { migrateToLatest } from './db/migrate';
import { Mailer } from './email/mailer';
import { OutboxSender } from './email/sender';
import { createMailTransport } from './email/transport';
import { ReminderScheduler } from './reminders/scheduler';
import { TombstoningRedisStore } from './portal/redis-session-store';
import { DbSessionStore } from './portal/session-store';
import { listenProblem } from './ops/listen-problem';
import { Metrics } from './ops/metrics';
import { connectRedis, type RedisClient } from './redis';
import type { RunningSandbox } from './sandbox';
import { VseeClient } from './vsee';
import type { ReadinessCheck } from './web/health';
import type { Logger } from './web/logger';
import { DEFAULT_RATE_LIMITS, RateLimits } from './web/rate-limits';

/** Everything the app needs that talks to the outside world, opened in order and closed in reverse. */
export interface Runtime {
  db: Db;
  redis?: RedisClient;
  sessionStore: Store;
  /** The clinic in use: the configured one, or the built-in sandbox's. */
  vsee: VseeSettings;
  vseeClient: VseeClient;
  sandbox?: RunningSandbox;
  readinessChecks: ReadinessCheck[];
  rateLimits: RateLimits;
  /** The webhook receiver's secret: VSEE_WEBHOOK_SECRET, or one made up for the embedded sandbox. */
  webhookSecret?: string;
  /** The process's Prometheus metrics (served by server.ts on METRICS_PORT when set). */
  metrics: Metrics;
  /** Starts the outbox sender and the reminder scheduler (their timers); `close` stops them first. */
  startBackgroundJobs(): void;
  close(): Promise<void>;
}

/** Without SMTP_URL (development only), emails are written here as .eml files. */
export const DEV_OUTBOX_DIR = 'data/outbox';

/**
 * Opens the database (and migrates it), Redis when configured, and the VSee side: the configured
 * clinic, or the built-in sandbox on its own port when no VSEE_* setting was given.
 */
export async function openRuntime(config: Config, logger: Logger): Promise<Runtime> {
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const closer of closers.reverse()) await closer().catch(() => undefined);
  };
  try {
    const db = openDb(config.databaseUrl, {
      poolSize: config.databasePoolSize,
      sqliteSynchronous: config.sqliteSynchronous,
    });
    closers.push(() => db.destroy());
    await migrateToLatest(db);

    const readinessChecks: ReadinessCheck[] = [{ name: 'database', check: () => pingDb(db) }];
    let redis: RedisClient | undefined;
    let sessionStore: Store;
    if (config.redisUrl) {
      const client = await connectRedis(config.redisUrl, logger);
      redis = client;
      closers.push(async () => void (await client.close()));
      readinessChecks.push({ name: 'redis', check: async () => void (await client.ping()) });
      sessionStore = new TombstoningRedisStore(client, 'portal:sess:');
    } else {
      sessionStore = new DbSessionStore(db);
    }

    let sandbox: RunningSandbox | undefined;
    let webhookSecret = config.vseeWebhookSecret;
    if (!config.vsee) {
      // The embedded sandbox posts its visit webhooks back to this portal, so My visits is live locally.
      webhookSecret ??= randomBytes(24).toString('hex');
      const webhook = { url: `${config.publicUrl}/webhooks/vsee/${webhookSecret}`, version: 1 as const };
      // Loaded only here: production (which requires VSEE_* settings) never loads it, and the image
      // leaves it (and its dependencies) out.
      const { startEmbeddedSandbox, devIdentityProvider } = await import('./sandbox/embedded.js');
      const running = await startEmbeddedSandbox(
        config.sandboxPort,
        logger,
        webhook,
        devIdentityProvider(config),
      ).catch((error: unknown) => {
        if ((error as NodeJS.ErrnoException).syscall !== 'listen') throw error;
        throw new Error(listenProblem(error, 'SANDBOX_PORT', config.sandboxPort));
      });
      sandbox = running;
      closers.push(() => running.close());
    }
    const vsee = config.vsee ?? sandbox!.vsee;
    const metrics = new Metrics();
    const vseeClient = new VseeClient(vsee, { logger: logger.child({ component: 'vsee' }), metrics });
    closers.push(async () => vseeClient.close());

    const rateLimits = new RateLimits(DEFAULT_RATE_LIMITS, redis, undefined, logger);

    const transport = createMailTransport(config.mail.smtpUrl, DEV_OUTBOX_DIR);
    const outboxSender = new OutboxSender(
      db,
      transport,
      config.mail.from,
      logger.child({ component: 'email' }),
      { retentionMs: config.mail.outboxRetentionDays * 86_400_000 },
    );
    const reminders = new ReminderScheduler(
      db,
      new Mailer(db, config, logger),
      logger.child({ component: 'reminders' }),
    );
    // Closed in reverse: reminders stop queueing, then the sender finishes its pass, then the database.
    closers.push(() => outboxSender.stop());
    closers.push(() => reminders.stop());
    return {
      db,
      redis,
      sessionStore,
      vsee,
      vseeClient,
      sandbox,
      readinessChecks,
      rateLimits,
      webhookSecret,
      metrics,
      startBackgroundJobs: () => {
        outboxSender.start();
        reminders.start();
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { rmSync } from 'node:fs';
import { sql } from 'kysely';
import { createApp } from '../src/app';
import { loadConfig } from '../src/config';
import { randomUUID } from 'node:crypto';
import { type Db, openDb } from '../src/db/connection';
import { migrateToLatest } from '../src/db/migrate';
import { TombstoningRedisStore } from '../src/portal/redis-session-store';
import { DbSessionStore } from '../src/portal/session-store';
import { connectRedis, type RedisClient } from '../src/redis';
import { VseeClient } from '../src/vsee';
import { createLogger } from '../src/web/logger';
import { DEFAULT_RATE_LIMITS, RateLimits } from '../src/web/rate-limits';
import { serveParent } from './ipc';
import { phaseProfiler } from './profiler';
import { VISITS_PER_PAGE_PATIENT } from './patients';

const profiler = phaseProfiler();

/** What the portal child tells the parent once it listens. */
export interface PortalReady {
  url: string;
}

/** Gives each account in `emails` its VISITS_PER_PAGE_PATIENT past visits, straight into the table. */
async function seedVisits(db: Db, emails: string[]): Promise<void> {
  const accounts = await db.selectFrom('accounts').select('id').where('email', 'in', emails).execute();
  const day = 86_400_000;
  for (const { id } of accounts) {
    const rows = Array.from({ length: VISITS_PER_PAGE_PATIENT }, (_, i) => {
      const at = new Date(Date.now() - (i + 1) * 7 * day).toISOString();
      const appointment = i % 3 === 2;
      return {
        account_id: id,
        kind: appointment ? ('appointment' as const) : ('walkin' as const),
        launch_key: randomUUID(),
        vsee_visit_id: String(900_000 + id * 100 + i),
        vsee_intake_id: String(800_000 + id * 100 + i),
        appointment_token: null,
        provider_name: appointment ? 'Dr. Grace Hopper' : null,
        starts_at: appointment ? Math.floor(Date.parse(at) / 1000) : null,
        ends_at: appointment ? Math.floor(Date.parse(at) / 1000) + 900 : null,
        status: i === 4 ? ('cancelled' as const) : ('completed' as const),
        status_updated_at: at,
        created_at: at,
        updated_at: at,
      };
    });
    await db.insertInto('visits').values(rows).execute();
  }
}

/**
 * The real portal, built as server.ts builds it, in production mode (view cache on, secure
 * cookies behind a TLS-terminating proxy: TRUST_PROXY=1 and the bench sends X-Forwarded-Proto).
 * Env: BENCH_VSEE (JSON settings), BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_POOL, BENCH_LOG_LEVEL.
 */
async function main(): Promise<void> {
  const vsee = JSON.parse(process.env.BENCH_VSEE ?? '{}') as Record<string, string>;
  const pool = Number(process.env.BENCH_POOL ?? 50);
  const dbFile = `/tmp/vsee-bench-${process.pid}.db`;
  const databaseUrl = process.env.BENCH_DATABASE_URL || `sqlite:${dbFile}`;
  const config = loadConfig({
    NODE_ENV: 'production',
    PORT: '0',
    // Production insists on email; the bench sends none (the outbox sender is not started here).
    SMTP_URL: 'smtp://127.0.0.1:9',
    REQUIRE_VERIFIED_EMAIL: 'off',
    PUBLIC_URL: 'https://portal.bench.test',
    TRUST_PROXY: '1',
    SESSION_SECRET: process.env.BENCH_SESSION_SECRET ?? '',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: process.env.BENCH_DB_POOL ?? '10',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    SQLITE_SYNCHRONOUS: process.env.BENCH_SQLITE_SYNCHRONOUS || 'normal',
    VSEE_API_URL: vsee.apiUrl!,
    VSEE_CLINIC_URL: vsee.clinicUrl!,
    VSEE_ACCOUNT_CODE: vsee.accountCode!,
    VSEE_API_KEY: vsee.apiKey!,
    VSEE_API_SECRET: vsee.apiSecret!,
    VSEE_ROOM_CODE: vsee.roomCode!,
  });
  const logger = createLogger(config.logLevel);
  const db = openDb(config.databaseUrl, {
    poolSize: config.databasePoolSize,
    sqliteSynchronous: config.sqliteSynchronous,
  });
  await migrateToLatest(db);
  let redis: RedisClient | undefined;
  if (process.env.BENCH_REDIS_URL) redis = await connectRedis(process.env.BENCH_REDIS_URL, logger);
  const prefix = `bench:${process.pid}`;
  const vseeClient = new VseeClient(config.vsee!, {
    logger: logger.child({ component: 'vsee' }),
    maxSockets: pool,
  });
  const app = createApp({
    config,
    vsee: config.vsee!,
    vseeClient,
    db,
    logger,
    sessionStore: redis ? new TombstoningRedisStore(redis, `${prefix}:sess:`) : new DbSessionStore(db),
    // docs/security.md A4 allows 3 new visits a minute per patient; a benchmark presses hundreds. Raised here
    // only, so the limiter itself (a Redis or memory counter per press) is still on the measured path.
    rateLimits: new RateLimits(
      // The bench also signs up its patients from one IP (the per-IP sign-up limit is 20 an hour).
      {
        ...DEFAULT_RATE_LIMITS,
        visitCreationsPerMinute: 1e9,
        launchesPerMinute: 1e9,
        signupsPerIpPerHour: 1e9,
      },
      redis,
      `${prefix}:rl`,
    ),
  });

  // The bench's own bookkeeping, not the portal's work, though it runs on the portal's CPU: the
  // walk-ins answered in the last 20 ms are ended together, one UPDATE each in one transaction (one
  // commit, not one per press). A patient presses again only after two others on its connection
  // (patients take turns, load.ts), hundreds of ms later. Each UPDATE repeats the partial index
  // visits_one_open_walkin's own terms (as literals), so the open walk-in is found through that
  // index, not by scanning the hundreds of visits a bench patient piles up.
  const answered = new Set<number>();
  let flushing: NodeJS.Timeout | undefined;
  const endWalkins = async () => {
    flushing = undefined;
    const ids = [...answered];
    answered.clear();
    await db.transaction().execute(async (trx) => {
      for (const accountId of ids) {
        await sql`update visits set status = 'completed' where account_id = ${accountId} and kind = 'walkin'
            and status in ('starting', 'unknown', 'pending', 'confirmed', 'in_progress')
            and status in ('pending', 'confirmed', 'in_progress')`.execute(trx);
      }
    });
  };
  const endWalkin = (accountId: number) => {
    answered.add(accountId);
    flushing ??= setTimeout(() => void endWalkins(), 20);
  };

  // Each press must create a visit (the three-call path), but a patient still waiting in a walk-in
  // would be sent back to it instead. So once a press has answered, that walk-in is marked over, as
  // VSee's "visit completed" webhook would do. Hooked on res.end, not 'finish': a press whose client
  // is gone (autocannon stopping) never finishes, yet its walk-in must end too.
  const server = http.createServer((req, res) => {
    if (req.method === 'POST' && req.url === '/visits/walkin') {
      const end = res.end.bind(res) as (...args: unknown[]) => typeof res;
      res.end = ((...args: unknown[]) => {
        const user = (req as unknown as { user?: { id: number } }).user;
        if (res.statusCode === 302 && user) endWalkin(user.id);
        return end(...args);
      }) as typeof res.end;
    }
    app(req, res);
  });
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    serveParent(
      { url: `http://127.0.0.1:${port}` } satisfies PortalReady,
      {
        rss: () => process.memoryUsage().rss,
        profileStart: () => profiler.start(),
        profileStop: (name) => profiler.stop(name as string),
        seedVisits: (emails) => seedVisits(db, emails as string[]),
        memory: () => {
          globalThis.gc?.();
          return process.memoryUsage();
        },
      },
      async () => {
        server.closeAllConnections();
        server.close();
        vseeClient.close();
        await redis?.close();
        await db.destroy();
        rmSync(dbFile, { force: true });
        rmSync(`${dbFile}-wal`, { force: true });
        rmSync(`${dbFile}-shm`, { force: true });
      },
    );
  });
}

void main();

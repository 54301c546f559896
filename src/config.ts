import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type IdentityConfig, identityKeys, readIdentityConfig } from './identity/settings';
import { type PortalSettings, portalSettingsFrom, portalSettingsShape } from './portal-settings';

/** The clinic's VSee Clinic settings. Absent in `Config` means "use the built-in sandbox". */
export interface VseeSettings {
  /** API base with its path prefix kept, always ending in `/` (e.g. `https://api-acme.vsee.me/api_v3/`). */
  apiUrl: string;
  /** Patient-facing base with its path prefix kept, always ending in `/` (e.g. `https://acme.vsee.me/`). */
  clinicUrl: string;
  accountCode: string;
  apiKey: string;
  apiSecret: string;
  roomCode: string;
  providerId?: string;
  adminToken?: string;
  disableNavigation: boolean;
  disableEmails: boolean;
}

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  /** The portal's own origin + path, no trailing slash; used for links and the CSP, never the Host header. */
  publicUrl: string;
  /** First secret signs new cookies; the others still verify old ones (rotation). */
  sessionSecrets: string[];
  /** True when no SESSION_SECRET was given and one was made up for this process (development only). */
  sessionSecretGenerated: boolean;
  databaseUrl: string;
  databasePoolSize: number;
  /** SQLite only: `normal` syncs the WAL at checkpoints, `full` at every commit (docs/operations.md). */
  sqliteSynchronous: 'normal' | 'full';
  redisUrl?: string;
  /** Number of proxy hops in front of the portal whose X-Forwarded-* headers are believed. */
  trustProxy: number;
  sessionIdleMs: number;
  sessionAbsoluteMs: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Undefined: no VSEE_* key was set, so the built-in sandbox stands in for VSee. */
  vsee?: VseeSettings;
  /** Shared secret of `POST /webhooks/vsee/{secret}`; unset: the receiver answers 404 (disabled). */
  vseeWebhookSecret?: string;
  /** Port of the built-in sandbox when it is used (0 = any free port). */
  sandboxPort: number;
  /** `npm run sandbox` only: where the standalone sandbox posts its visit webhooks (v1). */
  sandboxWebhookUrl?: string;
  /** After SIGTERM, how long /readyz answers 503 while requests are still accepted (for the load balancer). */
  shutdownDelayMs: number;
  /** A launch still in progress this long after its last step is taken for abandoned (its process died). */
  launchTakeoverMs: number;
  /** After a create whose answer was lost, how long VSee may still make the visit (see docs/exactly-once.md). */
  lateCreateGraceMs: number;
  /** OIDC login, launch links, local accounts and the VSee patient code (src/identity/settings.ts). */
  identity: IdentityConfig;
  /** Port of the Prometheus `/metrics` listener; undefined: no metrics listener. */
  metricsPort?: number;
  /** Email: how it is sent, from whom, and what depends on it. */
  mail: MailSettings;
  /** The clinic's branding, languages, consent text and booking lead time. */
  portal: PortalSettings;
}

export interface MailSettings {
  /** `smtp://` or `smtps://user:pass@host:port`; unset outside production: the development outbox. */
  smtpUrl?: string;
  /** The From header, e.g. `"Acme Clinic" <no-reply@acme.example>`. */
  from: string;
  /** While true, an account whose email is not confirmed makes no VSee call. */
  requireVerifiedEmail: boolean;
  /** Minutes before an appointment at which a reminder goes out, largest first (empty: none). */
  reminderOffsetsMinutes: number[];
  /** Outbox rows delivered or given up on are deleted after this many days. */
  outboxRetentionDays: number;
}

/** Thrown when the environment is wrong; the message names every bad key. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const flag = z.enum(['0', '1', 'true', 'false']).transform((v) => v === '1' || v === 'true');
const port = z.coerce.number().int().min(0).max(65535);
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const withSlash = (url: string) => (url.endsWith('/') ? url : `${url}/`);

// Each key documents itself here and in .env.example; keep the two in step.
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: port.default(3000),
  PUBLIC_URL: httpUrl.optional(),
  SESSION_SECRET: z.string().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:|postgres(ql)?:\/\/)/, 'must start with sqlite: or postgres://')
    .default('sqlite:./data/portal.db'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  SQLITE_SYNCHRONOUS: z.enum(['normal', 'full']).default('normal'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must start with redis:// or rediss://')
    .optional(),
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  SESSION_IDLE_MINUTES: z.coerce
    .number()
    .positive()
    .max(24 * 60)
    .default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce
    .number()
    .positive()
    .max(24 * 7)
    .default(12),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VSEE_API_URL: httpUrl.optional(),
  VSEE_CLINIC_URL: httpUrl.optional(),
  VSEE_ACCOUNT_CODE: z.string().min(1).optional(),
  VSEE_API_KEY: z.string().min(1).optional(),
  VSEE_API_SECRET: z.string().min(1).optional(),
  VSEE_ROOM_CODE: z.string().min(1).optional(),
  VSEE_PROVIDER_ID: z.string().regex(/^\d+$/, 'must be a numeric VSee user id').optional(),
  VSEE_ADMIN_TOKEN: z.string().min(1).optional(),
  VSEE_DISABLE_NAVIGATION: flag.default(false),
  VSEE_DISABLE_EMAILS: flag.default(false),
  // VSee signs nothing (docs/vsee-contract.md §10), so this secret in the webhook URL is the only proof of origin.
  VSEE_WEBHOOK_SECRET: z
    .string()
    .min(16, 'must be at least 16 characters (e.g. openssl rand -hex 24)')
    .regex(/^[A-Za-z0-9._~-]+$/, 'must be URL-safe (letters, digits, . _ ~ -)')
    .optional(),
  SANDBOX_PORT: port.default(4000),
  SANDBOX_WEBHOOK_URL: httpUrl.optional(),
  SHUTDOWN_DELAY_SECONDS: z.coerce.number().min(0).max(20).default(0),
  // A live launch ends within its 15 s deadline; a shorter takeover could take a live launch over.
  LAUNCH_TAKEOVER_SECONDS: z.coerce.number().min(1).max(600).default(30),
  LATE_CREATE_GRACE_SECONDS: z.coerce.number().min(0).max(600).default(30),
  ...identityKeys,
  METRICS_PORT: port.optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^/\s]+/, 'must be smtp://host:port or smtps://user:pass@host:port')
    .optional(),
  MAIL_FROM: z.string().min(3).max(200).optional(),
  REQUIRE_VERIFIED_EMAIL: z.enum(['on', 'off']).optional(),
  REMINDERS: z
    .string()
    .regex(
      /^(off|\s*\d+\s*[mhd]\s*(,\s*\d+\s*[mhd]\s*)*)$/,
      'must be off or a list like 24h,1h (units m, h, d)',
    )
    .default('24h,1h'),
  OUTBOX_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  ...portalSettingsShape,
});

const MINUTES_PER_UNIT = { m: 1, h: 60, d: 1440 } as const;

/** `24h,1h` → [1440, 60]: distinct, positive, largest first. */
function reminderOffsets(value: string): number[] {
  if (value === 'off') return [];
  const minutes = value.split(',').map((part) => {
    const [, n, unit] = /^\s*(\d+)\s*([mhd])\s*$/.exec(part)!;
    return Number(n) * MINUTES_PER_UNIT[unit as keyof typeof MINUTES_PER_UNIT];
  });
  return [...new Set(minutes.filter((m) => m > 0))].sort((a, b) => b - a);
}

/** Every environment key the portal reads (documented one by one in .env.example). */
export const CONFIG_KEYS = Object.keys(schema.shape);

const REQUIRED_VSEE_KEYS = [
  'VSEE_API_URL',
  'VSEE_CLINIC_URL',
  'VSEE_ACCOUNT_CODE',
  'VSEE_API_KEY',
  'VSEE_API_SECRET',
  'VSEE_ROOM_CODE',
] as const;

/** Secrets that must never sign production cookies (copied from docs or too easy to guess). */
const KNOWN_WEAK_SECRETS = new Set(['change-me', 'changeme', 'secret', 'keyboard cat', 'development']);
/** Words that mark a placeholder someone forgot to replace ("change-me-to-a-long-random-string…"). */
const PLACEHOLDER_WORDS = /change.?me|replace.?me|your.?secret|keyboard.?cat|example|placeholder/i;
const MIN_SECRET_LENGTH = 32;
/** `openssl rand -hex 32` uses 16; a long string of fewer distinct characters was typed, not generated. */
const MIN_DISTINCT_CHARACTERS = 10;

/** True for a secret too short, well known, a placeholder, or a repetition (`abcabcabc…`, `xxxx…`). */
export function isWeakSecret(secret: string): boolean {
  return (
    secret.length < MIN_SECRET_LENGTH ||
    KNOWN_WEAK_SECRETS.has(secret.toLowerCase()) ||
    PLACEHOLDER_WORDS.test(secret) ||
    /^(.+)\1+$/s.test(secret) ||
    new Set(secret).size < MIN_DISTINCT_CHARACTERS
  );
}

/** Reads and validates the environment once; throws ConfigError naming every bad key. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty value (`KEY=` in a .env file) means "not set", as it does for most tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  const e = parsed.data;
  const problems: string[] = [];

  const secrets = (e.SESSION_SECRET ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (e.NODE_ENV === 'production') {
    if (secrets.length === 0) problems.push('SESSION_SECRET: required in production');
    for (const s of secrets) {
      if (isWeakSecret(s)) {
        problems.push(
          `SESSION_SECRET: each secret must be at least ${MIN_SECRET_LENGTH} random characters, not a ` +
            'repeated or well-known string (e.g. openssl rand -hex 32)',
        );
        break;
      }
    }
    // Links, the CSRF origin check and secure cookies all depend on it: localhost is never right here.
    if (!e.PUBLIC_URL) problems.push('PUBLIC_URL: required in production (the https address patients use)');
    else if (!e.PUBLIC_URL.startsWith('https://'))
      problems.push('PUBLIC_URL: must be an https:// address in production');
  }

  const anyVsee = Object.keys(present).some(
    (k) =>
      k.startsWith('VSEE_') &&
      k !== 'VSEE_DISABLE_NAVIGATION' &&
      k !== 'VSEE_DISABLE_EMAILS' &&
      k !== 'VSEE_WEBHOOK_SECRET' &&
      k !== 'VSEE_PATIENT_CODE',
  );
  let vsee: VseeSettings | undefined;
  if (anyVsee || e.NODE_ENV === 'production') {
    const missing = REQUIRED_VSEE_KEYS.filter((k) => e[k] === undefined);
    for (const k of missing) {
      problems.push(
        e.NODE_ENV === 'production' && !anyVsee
          ? `${k}: required in production (the built-in sandbox is for development only)`
          : `${k}: required when any VSEE_* setting is given`,
      );
    }
    if (missing.length === 0) {
      vsee = {
        apiUrl: withSlash(e.VSEE_API_URL!),
        clinicUrl: withSlash(e.VSEE_CLINIC_URL!),
        accountCode: e.VSEE_ACCOUNT_CODE!,
        apiKey: e.VSEE_API_KEY!,
        apiSecret: e.VSEE_API_SECRET!,
        roomCode: e.VSEE_ROOM_CODE!,
        providerId: e.VSEE_PROVIDER_ID,
        adminToken: e.VSEE_ADMIN_TOKEN,
        disableNavigation: e.VSEE_DISABLE_NAVIGATION,
        disableEmails: e.VSEE_DISABLE_EMAILS,
      };
    }
  }

  const identity = readIdentityConfig(e, problems);
  // Local accounts need email (password reset, verification); the development outbox is not for patients.
  if (e.NODE_ENV === 'production' && identity?.localAccounts !== false && !e.SMTP_URL) {
    problems.push(
      'SMTP_URL: required in production with local accounts (password reset and address verification send email)',
    );
  }
  const portal = portalSettingsFrom(e, problems);

  if (problems.length > 0) throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);

  const publicUrl = (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/+$/, '');
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    publicUrl,
    sessionSecrets: secrets.length > 0 ? secrets : [randomBytes(32).toString('hex')],
    sessionSecretGenerated: secrets.length === 0,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    sqliteSynchronous: e.SQLITE_SYNCHRONOUS,
    redisUrl: e.REDIS_URL,
    trustProxy: e.TRUST_PROXY,
    sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
    sessionAbsoluteMs: e.SESSION_ABSOLUTE_HOURS * 3_600_000,
    logLevel: e.LOG_LEVEL,
    vsee,
    vseeWebhookSecret: e.VSEE_WEBHOOK_SECRET,
    sandboxPort: e.SANDBOX_PORT,
    sandboxWebhookUrl: e.SANDBOX_WEBHOOK_URL,
    shutdownDelayMs: e.SHUTDOWN_DELAY_SECONDS * 1000,
    launchTakeoverMs: e.LAUNCH_TAKEOVER_SECONDS * 1000,
    lateCreateGraceMs: e.LATE_CREATE_GRACE_SECONDS * 1000,
    identity,
    metricsPort: e.METRICS_PORT,
    mail: {
      smtpUrl: e.SMTP_URL,
      from: e.MAIL_FROM ?? `"Patient Portal" <no-reply@${new URL(publicUrl).hostname}>`,
      requireVerifiedEmail: (e.REQUIRE_VERIFIED_EMAIL ?? (e.SMTP_URL ? 'on' : 'off')) === 'on',
      reminderOffsetsMinutes: reminderOffsets(e.REMINDERS),
      outboxRetentionDays: e.OUTBOX_RETENTION_DAYS,
    },
    portal,
  };
}

/**
 * Only what `npm run db:migrate` and `npm run db:backup` need: they run beside (or before) the portal
 * and must not demand its secrets or VSee settings.
 */
export function loadDatabaseConfig(env: NodeJS.ProcessEnv = process.env): {
  databaseUrl: string;
  logLevel: Config['logLevel'];
} {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.pick({ DATABASE_URL: true, LOG_LEVEL: true }).safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  return { databaseUrl: parsed.data.DATABASE_URL, logLevel: parsed.data.LOG_LEVEL };
}

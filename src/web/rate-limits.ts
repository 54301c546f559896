import { createHash } from 'node:crypto';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RedisClient } from '../redis';
import { FallbackLimiter, FallbackReporter, type Limiter } from './fallback-limiter';
import type { Logger } from './logger';

/** Too many attempts: answered 429 with Retry-After, before any password check or VSee call. */
export class TooManyRequestsError extends Error {
  override name = 'TooManyRequestsError';
  readonly status = 429;
  constructor(readonly retryAfterSeconds: number) {
    super('too many requests');
  }
}

export interface RateLimitSettings {
  /** Failed logins per (email, IP) before that pair must wait (Ghost's freeRetries 4, +1). */
  loginFailuresPerUserIp: number;
  /** How long a blocked (email, IP) pair waits, seconds. */
  loginBlockSeconds: number;
  /** Failed logins per IP per day, whatever the email (stops one IP trying many patients). */
  loginFailuresPerIpPerDay: number;
  /** New visits (walk-in, appointment, eConsult) per patient per minute (docs/security.md A4). */
  visitCreationsPerMinute: number;
  /** Any launch (each mints an SSO token) per patient per minute. */
  launchesPerMinute: number;
  /** VSee webhook deliveries per source IP per minute (counted before the secret is checked). */
  webhooksPerIpPerMinute: number;
  /** Sign-ups per IP per hour: each one costs a password hash, so a flood would slow every login. */
  signupsPerIpPerHour: number;
  /** Password-reset emails per address per hour (over the limit: the same page, no email). */
  resetEmailsPerAddressPerHour: number;
  /** Password-reset requests per IP per hour, whatever the address. */
  resetRequestsPerIpPerHour: number;
  /** Verification emails a patient may ask for again, per hour. */
  verificationResendsPerHour: number;
  /** Wrong current passwords on "Change password" per account before it must wait (15 minutes). */
  passwordChangeFailures: number;
}

export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  loginFailuresPerUserIp: 5,
  loginBlockSeconds: 600,
  loginFailuresPerIpPerDay: 100,
  visitCreationsPerMinute: 3,
  launchesPerMinute: 30,
  webhooksPerIpPerMinute: 600,
  signupsPerIpPerHour: 20,
  resetEmailsPerAddressPerHour: 3,
  resetRequestsPerIpPerHour: 20,
  verificationResendsPerHour: 5,
  passwordChangeFailures: 5,
};

/** Counter keys never hold an email in clear (they sit in Redis, which is not the patient database). */
function hashed(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 22);
}

function retryAfter(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/**
 * Brute-force and abuse limits. Counters live in Redis when configured, so every instance shares
 * them (in process memory while Redis is away, see fallback-limiter.ts); otherwise in this process's memory (one instance only, see docs/security.md).
 */
export class RateLimits {
  private readonly loginUserIp: Limiter;
  private readonly loginIp: Limiter;
  private readonly visitCreations: Limiter;
  private readonly launches: Limiter;
  private readonly webhooks: Limiter;
  private readonly signups: Limiter;
  private readonly resetEmails: Limiter;
  private readonly resetIps: Limiter;
  private readonly verificationResends: Limiter;
  private readonly passwordChecks: Limiter;

  constructor(
    private readonly settings: RateLimitSettings = DEFAULT_RATE_LIMITS,
    redis?: RedisClient,
    prefix = 'portal:rl',
    /** Where a fall back to per-process counting (Redis away) and the recovery are logged. */
    logger?: Logger,
  ) {
    const reporter = new FallbackReporter(logger);
    const make = (keyPrefix: string, points: number, duration: number): Limiter =>
      redis
        ? new FallbackLimiter(
            new RateLimiterRedis({
              storeClient: redis,
              useRedisPackage: true,
              keyPrefix: `${prefix}:${keyPrefix}`,
              points,
              duration,
            }),
            reporter,
          )
        : new RateLimiterMemory({ keyPrefix, points, duration });
    this.loginUserIp = make('login-user-ip', settings.loginFailuresPerUserIp, settings.loginBlockSeconds);
    this.loginIp = make('login-ip', settings.loginFailuresPerIpPerDay, 86_400);
    this.visitCreations = make('visits', settings.visitCreationsPerMinute, 60);
    this.launches = make('launches', settings.launchesPerMinute, 60);
    this.webhooks = make('webhooks', settings.webhooksPerIpPerMinute, 60);
    this.signups = make('signups', settings.signupsPerIpPerHour, 3600);
    this.resetEmails = make('reset-email', settings.resetEmailsPerAddressPerHour, 3600);
    this.resetIps = make('reset-ip', settings.resetRequestsPerIpPerHour, 3600);
    this.verificationResends = make('verify-resend', settings.verificationResendsPerHour, 3600);
    this.passwordChecks = make('password-check', settings.passwordChangeFailures, 900);
  }

  /** Counts a sign-up from this IP (before the password is hashed); TooManyRequestsError past the limit. */
  async countSignup(ip: string): Promise<void> {
    await this.consumeOrThrow(this.signups, ip);
  }

  /** Counts a reset request from this IP; TooManyRequestsError past the limit. */
  async countResetRequest(ip: string): Promise<void> {
    await this.consumeOrThrow(this.resetIps, ip);
  }

  /** Whether another reset email may go to this address now (counted; no error, the page stays the same). */
  async mayEmailReset(email: string): Promise<boolean> {
    try {
      await this.resetEmails.consume(hashed(email.trim().toLowerCase()));
      return true;
    } catch (error) {
      if (error instanceof RateLimiterRes) return false;
      throw error;
    }
  }

  /** Counts a "send the link again"; TooManyRequestsError past the limit. */
  async countVerificationResend(accountId: number): Promise<void> {
    await this.consumeOrThrow(this.verificationResends, String(accountId));
  }

  /** Throws TooManyRequestsError when this account has given a wrong current password too often. */
  async checkPasswordChange(accountId: number): Promise<void> {
    const res = await this.passwordChecks.get(String(accountId));
    if (res && res.consumedPoints >= this.settings.passwordChangeFailures)
      throw new TooManyRequestsError(retryAfter(res));
  }

  /** Counts a wrong current password on "Change password". */
  async passwordChangeFailed(accountId: number): Promise<void> {
    await this.swallowLimit(this.passwordChecks.consume(String(accountId)));
  }

  /** A password reset lifts the lock-out of this address from the IP the reset came from. */
  async clearLoginLock(email: string, ip: string): Promise<void> {
    await this.loginUserIp.delete(this.pairKey(email, ip));
  }

  /** Throws TooManyRequestsError when this email/IP pair or this IP has failed too often. */
  async checkLogin(email: string, ip: string): Promise<void> {
    const [pair, byIp] = await Promise.all([
      this.loginUserIp.get(this.pairKey(email, ip)),
      this.loginIp.get(ip),
    ]);
    if (pair && pair.consumedPoints >= this.settings.loginFailuresPerUserIp)
      throw new TooManyRequestsError(retryAfter(pair));
    if (byIp && byIp.consumedPoints >= this.settings.loginFailuresPerIpPerDay)
      throw new TooManyRequestsError(retryAfter(byIp));
  }

  /** Counts a failed login against the pair and the IP. */
  async loginFailed(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.swallowLimit(this.loginUserIp.consume(this.pairKey(email, ip))),
      this.swallowLimit(this.loginIp.consume(ip)),
    ]);
  }

  /** A successful login clears the pair's failures (the per-IP daily count stays). */
  async loginSucceeded(email: string, ip: string): Promise<void> {
    await this.loginUserIp.delete(this.pairKey(email, ip));
  }

  /** Counts a new visit against the patient's per-minute allowance; TooManyRequestsError when spent. */
  async countVisitCreation(accountId: number): Promise<void> {
    await this.consumeOrThrow(this.visitCreations, String(accountId));
  }

  /** Counts any launch (every launch mints an SSO token). */
  async countLaunch(accountId: number): Promise<void> {
    await this.consumeOrThrow(this.launches, String(accountId));
  }

  /** Counts a webhook delivery from this IP; throws TooManyRequestsError past the limit. */
  async countWebhook(ip: string): Promise<void> {
    await this.consumeOrThrow(this.webhooks, ip);
  }

  private pairKey(email: string, ip: string): string {
    return `${hashed(email.trim().toLowerCase())}:${ip}`;
  }

  private async consumeOrThrow(limiter: Limiter, key: string): Promise<void> {
    try {
      await limiter.consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw new TooManyRequestsError(retryAfter(error));
      throw error;
    }
  }

  /** Counting past the limit is not an error for the one counting (the check comes first). */
  private async swallowLimit(promise: Promise<unknown>): Promise<void> {
    try {
      await promise;
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
    }
  }
}

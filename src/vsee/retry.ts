import { setTimeout as delay } from 'node:timers/promises';
import { VseeError, isVseeError, type VseeEndpoint } from './errors';

/** Longest we wait before a retry, even if VSee's Retry-After asks for more: the flow has 15 s in all. */
export const MAX_RETRY_DELAY_MS = 2_000;

/**
 * "Full jitter" backoff (AWS Builders' Library): a random delay in [0, min(cap, base·2^retry)).
 * Spreads retries from many portal instances instead of having them hit VSee in step.
 */
export function backoffDelayMs(retry: number, baseMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

/** Retry-After (delta seconds or an HTTP date) in ms; undefined when absent or unreadable. */
export function parseRetryAfterMs(value: unknown, now: number = Date.now()): number | undefined {
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`, or rejects as soon as `signal` aborts. */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  baseDelayMs: number;
}

/**
 * Runs `attempt` until it succeeds, fails for good (not a retryable VseeError) or the attempts are
 * used up; waits Retry-After (capped) or full-jitter backoff in between. If `signal` aborts while
 * waiting, throws a non-retryable timeout for `endpoint`.
 */
export async function withRetries<T>(
  endpoint: VseeEndpoint,
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await attempt(n);
    } catch (error) {
      if (!isVseeError(error) || !error.retryable || n >= policy.attempts) throw error;
      const wait =
        error.retryAfterMs !== undefined
          ? Math.min(error.retryAfterMs, MAX_RETRY_DELAY_MS)
          : backoffDelayMs(n - 1, policy.baseDelayMs);
      try {
        await sleep(wait, signal);
      } catch {
        throw new VseeError('timeout', endpoint, { retryable: false });
      }
    }
  }
}

import CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import type { Metrics } from '../ops/metrics';
import { isVseeError, VseeError, type VseeEndpoint } from './errors';

export interface BreakerOptions {
  /** Off only in tests that study one failure at a time; on in the portal. */
  enabled?: boolean;
  /** Share of failed calls in the rolling window that opens the circuit (default 50 %). */
  errorThresholdPercentage?: number;
  /** Calls in the window before the share counts at all (default 10). */
  volumeThreshold?: number;
  /** How long the circuit stays open before one probe call may try VSee again (default 30 s). */
  resetTimeoutMs?: number;
}

/** Where the breaker reports opening and closing (a warn and an info line, and the gauge). */
export interface BreakerReporting {
  logger?: Logger;
  metrics?: Metrics;
}

type Action = () => Promise<unknown>;

/**
 * One circuit breaker for all of VSee (docs/security.md O4): when most recent calls failed because VSee is
 * down or too slow, further calls fail at once with `unavailable` instead of making every patient
 * wait for a timeout. VSee refusing a request (4xx, kind `rejected`) or asking us to slow down (429) says
 * nothing about its health and does not count. Timeouts stay with the client (per call and per flow), so opossum's own is off.
 */
export class VseeBreaker {
  private readonly breaker?: CircuitBreaker<[Action], unknown>;
  private readonly resetTimeoutMs: number;

  constructor(options: BreakerOptions = {}, reporting: BreakerReporting = {}) {
    this.resetTimeoutMs = options.resetTimeoutMs ?? 30_000;
    if (options.enabled === false) return;
    this.breaker = new CircuitBreaker((action: Action) => action(), {
      timeout: false,
      errorThresholdPercentage: options.errorThresholdPercentage ?? 50,
      volumeThreshold: options.volumeThreshold ?? 10,
      resetTimeout: this.resetTimeoutMs,
      rollingCountTimeout: 10_000,
      // true = "not a failure": refusals are VSee working as designed, and a 429 is VSee asking one
      // caller to slow down (often one patient's burst), not an outage to fail every patient for.
      errorFilter: (err: unknown) => isVseeError(err) && (err.kind === 'rejected' || err.status === 429),
    });
    const { logger, metrics } = reporting;
    const seconds = Math.round(this.resetTimeoutMs / 1000);
    this.breaker.on('open', () => {
      metrics?.vseeCircuitOpen.set(1);
      logger?.warn(
        `vsee circuit breaker open: most recent VSee calls failed; refusing calls for ${seconds} s`,
      );
    });
    this.breaker.on('close', () => {
      metrics?.vseeCircuitOpen.set(0);
      logger?.info('vsee circuit breaker closed: VSee answers again');
    });
  }

  /** Runs one VSee exchange through the breaker; an open circuit answers `unavailable` without calling. */
  async run<T>(endpoint: VseeEndpoint, action: () => Promise<T>): Promise<T> {
    if (!this.breaker) return action();
    try {
      return (await this.breaker.fire(action)) as T;
    } catch (error) {
      if ((error as { code?: string }).code === 'EOPENBREAKER') {
        // Not retryable: retrying inside an open circuit would only add backoff to a fast answer.
        throw new VseeError('unavailable', endpoint, {
          retryable: false,
          retryAfterMs: this.resetTimeoutMs,
          cause: { code: 'EOPENBREAKER' },
        });
      }
      throw error;
    }
  }

  /** True while calls are being refused without reaching VSee. */
  get isOpen(): boolean {
    return this.breaker?.opened ?? false;
  }

  /** Stops the breaker's internal timers (rolling window buckets). */
  shutdown(): void {
    this.breaker?.shutdown();
  }
}

import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Logger } from './logger';

/** The part of a rate limiter RateLimits uses. */
export interface Limiter {
  get(key: string): Promise<RateLimiterRes | null>;
  consume(key: string): Promise<RateLimiterRes>;
  delete(key: string): Promise<boolean>;
}

/** Tells the log once when Redis counters are lost and once when they are back (shared by all limiters). */
export class FallbackReporter {
  private usingMemory = false;
  constructor(private readonly logger?: Logger) {}

  failed(error: unknown): void {
    if (this.usingMemory) return;
    this.usingMemory = true;
    this.logger?.warn(
      { err: { message: (error as Error)?.message } },
      'rate limits: Redis is not answering; counting in this process only until it is back',
    );
  }

  worked(): void {
    if (!this.usingMemory) return;
    this.usingMemory = false;
    this.logger?.info('rate limits: Redis answers again; counting in Redis');
  }
}

/**
 * A Redis limiter with an insurance limiter in process memory: when Redis fails (down, or slower
 * than the command timeout) the same limit is counted per process instead, so a Redis outage
 * neither blocks logins nor lifts the brute-force limits. The next call tries Redis again.
 */
export class FallbackLimiter implements Limiter {
  private readonly memory: RateLimiterMemory;

  constructor(
    private readonly redis: RateLimiterAbstract,
    private readonly reporter: FallbackReporter,
  ) {
    this.memory = new RateLimiterMemory({
      keyPrefix: redis.keyPrefix,
      points: redis.points,
      duration: redis.duration,
    });
  }

  get(key: string): Promise<RateLimiterRes | null> {
    return this.either((limiter) => limiter.get(key));
  }

  consume(key: string): Promise<RateLimiterRes> {
    return this.either((limiter) => limiter.consume(key));
  }

  delete(key: string): Promise<boolean> {
    return this.either((limiter) => limiter.delete(key));
  }

  private async either<T>(call: (limiter: RateLimiterAbstract) => Promise<T>): Promise<T> {
    try {
      const result = await call(this.redis);
      this.reporter.worked();
      return result;
    } catch (error) {
      // A spent limit rejects with a RateLimiterRes: that is Redis answering, not failing.
      if (error instanceof RateLimiterRes) {
        this.reporter.worked();
        throw error;
      }
      this.reporter.failed(error);
      return call(this.memory);
    }
  }
}

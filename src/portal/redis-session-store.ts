import { RedisStore } from 'connect-redis';
import type { SessionData } from 'express-session';
import type { RedisClient } from '../redis';

type Callback = (err?: unknown) => void;

const TOMBSTONE_SECONDS = 24 * 3600;

/** Redis did not answer (down, or slower than the command timeout): the page is a 503, not a 500. */
export class SessionStoreUnavailableError extends Error {
  override name = 'SessionStoreUnavailableError';
  readonly status = 503;
  constructor(cause: unknown) {
    super('session store unavailable', { cause: { message: (cause as Error)?.message } });
  }
}

/** The same callback, with any Redis error turned into SessionStoreUnavailableError. */
function unavailableOnError<A extends unknown[]>(callback?: (err?: unknown, ...rest: A) => void) {
  return (err?: unknown, ...rest: A) =>
    callback?.(err ? new SessionStoreUnavailableError(err) : undefined, ...rest);
}

/**
 * connect-redis with tombstones: `destroy` leaves a marker, and `set`/`touch` refuse a session that
 * has one. Without it, a slow request that began before logout and saves after it would write the
 * session back into Redis and log the patient in again (connect-redis#328; the upstream fix was reverted).
 */
export class TombstoningRedisStore extends RedisStore {
  private readonly tombstonePrefix: string;

  constructor(
    private readonly redis: RedisClient,
    prefix: string,
  ) {
    super({ client: redis, prefix });
    this.tombstonePrefix = `${prefix}dead:`;
  }

  override async get(sid: string, callback: (err: unknown, data?: SessionData | null) => void) {
    return super.get(sid, unavailableOnError(callback));
  }

  override async destroy(sid: string, original?: Callback): Promise<void> {
    const callback = unavailableOnError(original);
    try {
      await this.redis.set(`${this.tombstonePrefix}${sid}`, '1', { EX: TOMBSTONE_SECONDS });
    } catch (err) {
      callback?.(err);
      return;
    }
    await super.destroy(sid, callback);
  }

  override async set(sid: string, sess: SessionData, original?: Callback): Promise<void> {
    const callback = unavailableOnError(original);
    if (await this.isDead(sid, callback)) return;
    await super.set(sid, sess, callback);
  }

  override async touch(sid: string, sess: SessionData, original?: Callback): Promise<void> {
    const callback = unavailableOnError(original);
    if (await this.isDead(sid, callback)) return;
    await super.touch(sid, sess, callback);
  }

  /** True (and the callback answered) when the session was destroyed or Redis could not say. */
  private async isDead(sid: string, callback?: Callback): Promise<boolean> {
    try {
      if (!(await this.redis.exists(`${this.tombstonePrefix}${sid}`))) return false;
      callback?.();
    } catch (err) {
      callback?.(err);
    }
    return true;
  }
}

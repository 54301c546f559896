import session, { type SessionData } from 'express-session';
import { compiledQuery } from '../db/compiled';
import type { Db } from '../db/connection';

type Callback<T = void> = (err?: unknown, value?: T) => void;

const PRUNE_EVERY_MS = 60_000;
/**
 * What a destroyed session's row holds until it expires. A request that started before logout and
 * saves after it (a slow launch) must not bring the session back (connect-redis#328): a tombstone
 * row refuses that late write, where a deleted row would simply be inserted again.
 */
const DESTROYED = '"destroyed"';
const DEFAULT_TTL_MS = 24 * 3_600_000;
/**
 * A touch that would move the stored expiry by less than this is skipped (as connect-mongo's
 * `touchAfter`): a patient clicking around costs one write a minute, not one per request. The
 * server-side idle timeout may then end up to this much early; a tenth of it at most, for short ones.
 */
const TOUCH_AFTER_MS = 60_000;
const TOUCH_AFTER_FRACTION = 0.1;
/** Reads whose touch has not come yet; only requests in flight, so a cap guards against stray ones. */
const MAX_PENDING_READS = 10_000;

// Every request reads its session and now and then touches it: compiled once (src/db/compiled.ts).
const readSession = compiledQuery<{ sid: string }, { sess: string; expires_at: string }>((db, param) =>
  db.selectFrom('sessions').select(['sess', 'expires_at']).where('sid', '=', param('sid')),
);
const touchSession = compiledQuery<{ sid: string; expiresAt: string }, never>((db, param) =>
  db
    .updateTable('sessions')
    .set({ expires_at: param('expiresAt') })
    .where('sid', '=', param('sid'))
    .where('sess', '<>', DESTROYED),
);

function expiryOf(sess: SessionData): string {
  const expires = sess.cookie?.expires;
  const when = expires ? new Date(expires) : new Date(Date.now() + DEFAULT_TTL_MS);
  return when.toISOString();
}

function touchAfter(sess: SessionData): number {
  const lifetime = sess.cookie?.originalMaxAge ?? DEFAULT_TTL_MS;
  return Math.min(TOUCH_AFTER_MS, lifetime * TOUCH_AFTER_FRACTION);
}

/**
 * express-session store on the portal's own database (SQLite or PostgreSQL through Kysely), so a
 * default install needs no Redis and keeps logins across restarts. Expired rows are ignored on read
 * and removed at most once a minute, piggy-backing on writes: no timer to start or stop. Destroyed
 * sessions leave a tombstone until their expiry, so a late save cannot resurrect them.
 */
export class DbSessionStore extends session.Store {
  private lastPrune = 0;
  /** The expiry (ms) each session's row had when this request read it, for touch to compare with. */
  private readonly storedExpiry = new Map<string, number>();

  constructor(private readonly db: Db) {
    super();
  }

  override get(sid: string, callback: Callback<SessionData | null>): void {
    readSession(this.db, { sid }).then(({ rows: [row] }) => {
      if (!row || row.sess === DESTROYED || row.expires_at <= new Date().toISOString())
        return callback(undefined, null);
      if (this.storedExpiry.size >= MAX_PENDING_READS) this.storedExpiry.clear();
      this.storedExpiry.set(sid, Date.parse(row.expires_at));
      callback(undefined, JSON.parse(row.sess) as SessionData);
    }, callback);
  }

  override set(sid: string, sess: SessionData, callback?: Callback): void {
    this.storedExpiry.delete(sid);
    const values = { sid, sess: JSON.stringify(sess), expires_at: expiryOf(sess) };
    this.db
      .insertInto('sessions')
      .values(values)
      .onConflict((oc) =>
        oc
          .column('sid')
          .doUpdateSet({ sess: values.sess, expires_at: values.expires_at })
          .where('sessions.sess', '<>', DESTROYED),
      )
      .execute()
      .then(() => this.pruneNowAndThen())
      .then(
        () => callback?.(),
        (err: unknown) => callback?.(err),
      );
  }

  override destroy(sid: string, callback?: Callback): void {
    this.storedExpiry.delete(sid);
    this.db
      .updateTable('sessions')
      .set({ sess: DESTROYED })
      .where('sid', '=', sid)
      .execute()
      .then(
        () => callback?.(),
        (err: unknown) => callback?.(err),
      );
  }

  /**
   * Extends the expiry only: a rolling session stays alive without rewriting its data. Skipped when
   * the row read for this request already expires within TOUCH_AFTER_MS of the new expiry.
   */
  override touch(sid: string, sess: SessionData, callback?: Callback): void {
    const stored = this.storedExpiry.get(sid);
    this.storedExpiry.delete(sid);
    const expiry = expiryOf(sess);
    if (stored !== undefined && Date.parse(expiry) - stored < touchAfter(sess)) {
      callback?.();
      return;
    }
    touchSession(this.db, { sid, expiresAt: expiry }).then(
      () => callback?.(),
      (err: unknown) => callback?.(err),
    );
  }

  /** Removes expired rows; exposed for tests and for `db:migrate`-style maintenance. */
  async prune(): Promise<number> {
    const result = await this.db
      .deleteFrom('sessions')
      .where('expires_at', '<=', new Date().toISOString())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private async pruneNowAndThen(): Promise<void> {
    const now = Date.now();
    if (now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    await this.prune();
  }
}

import { createHash } from 'node:crypto';
import type { Db } from '../db/connection';
import { isUniqueViolation } from '../db/errors';

const PRUNE_EVERY_MS = 60_000;

/** The stored key of a token id: hashed, so any `jti` the clinic picks fits, and issuers never collide. */
function tokenKey(issuer: string, jti: string): string {
  return createHash('sha256').update(`${issuer}\n${jti}`).digest('hex');
}

/**
 * Marks a launch token's `jti` as used; false if it already was. The primary key decides, so two
 * instances on one database cannot both accept the same link. Rows are kept until the token's own
 * `exp` (after that the token is refused as expired anyway), then pruned.
 */
export class LaunchReplayGuard {
  private lastPrune = 0;

  constructor(
    private readonly db: Db,
    private readonly now: () => number = Date.now,
  ) {}

  async firstUse(issuer: string, jti: string, expiresAtSeconds: number): Promise<boolean> {
    await this.pruneNowAndThen();
    try {
      await this.db
        .insertInto('launch_token_uses')
        .values({
          token_key: tokenKey(issuer, jti),
          // A minute past exp covers the clock skew forgiven when the token was checked.
          expires_at: new Date((expiresAtSeconds + 60) * 1000).toISOString(),
        })
        .execute();
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }

  private async pruneNowAndThen(): Promise<void> {
    const at = this.now();
    if (at - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = at;
    await this.db
      .deleteFrom('launch_token_uses')
      .where('expires_at', '<', new Date(at).toISOString())
      .execute();
  }
}

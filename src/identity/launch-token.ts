import {
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  jwtVerify,
  type JWTPayload,
  type JWTVerifyGetKey,
} from 'jose';
import { z } from 'zod';
import type { LaunchSettings } from './settings';

/** The longest a launch token may live: a link is for the click that made it, not for later. */
export const MAX_LIFETIME_SECONDS = 600;
/** Clocks of two servers differ a little; this much is forgiven on `exp` and `iat`. */
const CLOCK_SKEW_SECONDS = 30;
const HMAC_ALGS = ['HS256'];
const KEY_PAIR_ALGS = ['ES256', 'RS256'];

/** Why a launch token was refused; also the audit event's reason. */
export type LaunchRefusal =
  | 'malformed'
  | 'unsigned'
  | 'bad_signature'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'expired'
  | 'not_yet_valid'
  | 'too_long_lived'
  | 'replayed'
  | 'keys_unavailable';

export class LaunchTokenError extends Error {
  override name = 'LaunchTokenError';
  constructor(readonly reason: LaunchRefusal) {
    super(`launch token refused: ${reason}`);
  }
}

const ACTIONS = ['clinic', 'walkin', 'schedule', 'econsult', 'visits'] as const;
export type LaunchAction = (typeof ACTIONS)[number];

const claimsSchema = z.object({
  sub: z.string().min(1).max(255),
  jti: z.string().min(1).max(255),
  iat: z.number().int(),
  exp: z.number().int(),
  given_name: z.string().trim().min(1).max(100),
  family_name: z.string().trim().min(1).max(100),
  birthdate: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .optional(),
  email: z.email().max(254).optional(),
  action: z.enum(ACTIONS).default('clinic'),
  reason: z.string().trim().max(500).optional(),
});

/** A verified launch: who, what to do, and until when its `jti` must be remembered. */
export interface LaunchClaims {
  issuer: string;
  subject: string;
  jti: string;
  expiresAt: number;
  firstName: string;
  lastName: string;
  dob?: string;
  email?: string;
  action: LaunchAction;
  reason?: string;
}

/** Verifies launch tokens against the clinic's secret and/or JWKS; one per app (the JWKS is cached). */
export class LaunchTokenVerifier {
  private readonly jwks?: JWTVerifyGetKey;
  private readonly secret?: Uint8Array;

  constructor(
    private readonly settings: LaunchSettings,
    private readonly audience: string,
  ) {
    if (settings.secret) this.secret = new TextEncoder().encode(settings.secret);
    if (settings.jwksUrl) this.jwks = createRemoteJWKSet(new URL(settings.jwksUrl));
  }

  /** The token's claims, or LaunchTokenError with the reason it is refused. Does not check replay. */
  async verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): Promise<LaunchClaims> {
    const alg = headerAlg(token);
    const payload = await this.checkSignature(token, alg, nowSeconds);
    const claims = claimsSchema.safeParse(payload);
    if (!claims.success) throw new LaunchTokenError('malformed');
    const c = claims.data;
    if (c.iat > nowSeconds + CLOCK_SKEW_SECONDS) throw new LaunchTokenError('not_yet_valid');
    if (c.exp - c.iat > MAX_LIFETIME_SECONDS) throw new LaunchTokenError('too_long_lived');
    return {
      issuer: this.settings.issuer,
      subject: c.sub,
      jti: c.jti,
      expiresAt: c.exp,
      firstName: c.given_name,
      lastName: c.family_name,
      dob: c.birthdate,
      email: c.email,
      action: c.action,
      reason: c.reason || undefined,
    };
  }

  private async checkSignature(token: string, alg: string, nowSeconds: number): Promise<JWTPayload> {
    const options = {
      issuer: this.settings.issuer,
      audience: this.audience,
      requiredClaims: ['iss', 'aud', 'sub', 'jti', 'iat', 'exp'],
      clockTolerance: CLOCK_SKEW_SECONDS,
      currentDate: new Date(nowSeconds * 1000),
    };
    try {
      if (HMAC_ALGS.includes(alg) && this.secret) {
        return (await jwtVerify(token, this.secret, { ...options, algorithms: HMAC_ALGS })).payload;
      }
      if (KEY_PAIR_ALGS.includes(alg) && this.jwks) {
        return (await jwtVerify(token, this.jwks, { ...options, algorithms: KEY_PAIR_ALGS })).payload;
      }
    } catch (error) {
      throw new LaunchTokenError(refusalOf(error));
    }
    // An algorithm we hold no key for (or `none`) is a signature we cannot trust.
    throw new LaunchTokenError('bad_signature');
  }
}

function headerAlg(token: string): string {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(token).alg;
  } catch {
    throw new LaunchTokenError('malformed');
  }
  if (typeof alg !== 'string') throw new LaunchTokenError('malformed');
  if (alg.toLowerCase() === 'none') throw new LaunchTokenError('unsigned');
  return alg;
}

function refusalOf(error: unknown): LaunchRefusal {
  if (error instanceof errors.JWTExpired) return 'expired';
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'iss') return 'wrong_issuer';
    if (error.claim === 'aud') return 'wrong_audience';
    if (error.claim === 'iat' || error.claim === 'nbf') return 'not_yet_valid';
    return 'malformed';
  }
  if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) {
    return 'bad_signature';
  }
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return 'keys_unavailable';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'bad_signature';
  if (error instanceof errors.JOSEError) return 'malformed';
  // A JWKS URL that does not answer surfaces as a fetch error.
  return 'keys_unavailable';
}

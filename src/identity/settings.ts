import { z } from 'zod';

/** The clinic's OpenID Connect provider (OIDC_*). */
export interface OidcSettings {
  /** The issuer URL; its discovery document is `{issuer}/.well-known/openid-configuration`. */
  issuer: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  /** The button reads "Log in with {name}". */
  name: string;
  clientAuth: 'client_secret_basic' | 'client_secret_post';
  /** http:// issuer on a loopback address, outside production only (local providers, tests). */
  allowHttp: boolean;
}

/** Signed launch links from the clinic's own portal (LAUNCH_*). */
export interface LaunchSettings {
  /** The `iss` every launch token must carry. */
  issuer: string;
  /** HS256 shared secret. */
  secret?: string;
  /** The clinic portal's public keys (ES256 or RS256), fetched and cached. */
  jwksUrl?: string;
}

/** How patients log in and who they are to VSee. */
export interface IdentityConfig {
  oidc?: OidcSettings;
  launch?: LaunchSettings;
  /** Where a refused launch link sends the patient back to (the clinic's portal). */
  launchReturnUrl?: string;
  /** LOCAL_ACCOUNTS: this portal's own sign-up and password login. */
  localAccounts: boolean;
  vseePatientCode: 'portal' | 'subject';
}

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const onOff = z.enum(['on', 'off']).transform((v) => v === 'on');

/** The environment keys of this capability, merged into the config schema. */
export const identityKeys = {
  OIDC_ISSUER: httpUrl.optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_SCOPES: z
    .string()
    .regex(/(^|\s)openid(\s|$)/, 'must include openid')
    .default('openid profile email'),
  OIDC_NAME: z.string().min(1).max(60).default('your clinic account'),
  OIDC_CLIENT_AUTH: z.enum(['client_secret_basic', 'client_secret_post']).default('client_secret_basic'),
  LAUNCH_JWT_SECRET: z
    .string()
    .min(32, 'must be at least 32 characters (e.g. openssl rand -hex 32)')
    .optional(),
  LAUNCH_JWKS_URL: httpUrl.optional(),
  LAUNCH_JWT_ISSUER: z.string().min(1).optional(),
  LAUNCH_RETURN_URL: httpUrl.optional(),
  LOCAL_ACCOUNTS: onOff.default(true),
  VSEE_PATIENT_CODE: z.enum(['portal', 'subject']).default('portal'),
};

const _identityShape = z.object(identityKeys);
type IdentityEnv = z.output<typeof _identityShape> & { NODE_ENV: 'development' | 'production' | 'test' };

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An http:// URL is only for a loopback host outside production; production needs https://. */
function plainHttpProblem(key: string, url: string, production: boolean): string | undefined {
  const parsed = new URL(url);
  if (parsed.protocol === 'https:') return undefined;
  if (production) return `${key}: must be https:// in production`;
  if (!LOOPBACK.has(parsed.hostname)) return `${key}: http:// is accepted only for localhost or 127.0.0.1`;
  return undefined;
}

/** Checks the keys against each other; pushes one message per bad key onto `problems`. */
export function readIdentityConfig(e: IdentityEnv, problems: string[]): IdentityConfig {
  const production = e.NODE_ENV === 'production';
  let oidc: OidcSettings | undefined;
  const oidcKeys = ['OIDC_ISSUER', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;
  const givenOidc = oidcKeys.filter((k) => e[k] !== undefined);
  if (givenOidc.length > 0 && givenOidc.length < oidcKeys.length) {
    for (const k of oidcKeys.filter((k) => e[k] === undefined)) {
      problems.push(`${k}: required with ${givenOidc.join(', ')} (set all three or none)`);
    }
  } else if (givenOidc.length === oidcKeys.length) {
    const issuerProblem = plainHttpProblem('OIDC_ISSUER', e.OIDC_ISSUER!, production);
    if (issuerProblem) problems.push(issuerProblem);
    oidc = {
      issuer: e.OIDC_ISSUER!,
      clientId: e.OIDC_CLIENT_ID!,
      clientSecret: e.OIDC_CLIENT_SECRET!,
      scopes: e.OIDC_SCOPES,
      name: e.OIDC_NAME,
      clientAuth: e.OIDC_CLIENT_AUTH,
      allowHttp: !production && new URL(e.OIDC_ISSUER!).protocol === 'http:',
    };
  }

  let launch: LaunchSettings | undefined;
  const anyLaunchKey = e.LAUNCH_JWT_SECRET !== undefined || e.LAUNCH_JWKS_URL !== undefined;
  if (anyLaunchKey && e.LAUNCH_JWT_ISSUER === undefined) {
    problems.push('LAUNCH_JWT_ISSUER: required with LAUNCH_JWT_SECRET or LAUNCH_JWKS_URL');
  } else if (!anyLaunchKey && e.LAUNCH_JWT_ISSUER !== undefined) {
    problems.push('LAUNCH_JWT_ISSUER: needs LAUNCH_JWT_SECRET or LAUNCH_JWKS_URL to verify tokens with');
  } else if (anyLaunchKey) {
    const jwksProblem =
      e.LAUNCH_JWKS_URL && plainHttpProblem('LAUNCH_JWKS_URL', e.LAUNCH_JWKS_URL, production);
    if (jwksProblem) problems.push(jwksProblem);
    launch = { issuer: e.LAUNCH_JWT_ISSUER!, secret: e.LAUNCH_JWT_SECRET, jwksUrl: e.LAUNCH_JWKS_URL };
  }

  if (!e.LOCAL_ACCOUNTS && !oidc && !launch) {
    problems.push('LOCAL_ACCOUNTS: off needs OIDC_* or LAUNCH_* settings, or no patient could log in');
  }
  return {
    oidc,
    launch,
    launchReturnUrl: e.LAUNCH_RETURN_URL,
    localAccounts: e.LOCAL_ACCOUNTS,
    vseePatientCode: e.VSEE_PATIENT_CODE,
  };
}

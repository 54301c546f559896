import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Configuration, KoaContextWithOIDC } from 'oidc-provider';

/** The development identity provider's one client; fake values, like the sandbox's VSee credentials. */
export const DEV_OIDC_CLIENT = {
  clientId: 'patient-portal',
  clientSecret: 'dev-identity-provider-secret-not-for-production',
} as const;

/**
 * Test patients of the development identity provider: log in with the id as the login and any
 * password. `nobirthdate` has no birth date and `noname` no names (a provider missing claims).
 */
export const DEV_PATIENTS: Record<string, Record<string, string>> = {
  'patient-ada': {
    given_name: 'Ada',
    family_name: 'Lovelace',
    birthdate: '1985-12-10',
    email: 'ada@patients.example.test',
  },
  'patient-grace': {
    given_name: 'Grace',
    family_name: 'Hopper',
    birthdate: '1966-12-09',
    email: 'grace@patients.example.test',
  },
  'patient-alan': { given_name: 'Alan', family_name: 'Turing', email: 'alan@patients.example.test' },
  noname: { email: 'noname@patients.example.test' },
};

export interface DevIdentityProviderOptions {
  /** The portals allowed to log in here: `{PUBLIC_URL}` of each (callback and logout return derived). */
  portalUrls: string[];
  /** The issuer as the portal's OIDC_ISSUER spells it (`localhost` or `127.0.0.1`); default from the sandbox URL. */
  issuer?: string;
}

/** The path the sandbox serves its identity provider under; the issuer is `{sandbox url}/oidc`. */
export const DEV_OIDC_PATH = '/oidc';

/**
 * A development OpenID provider (oidc-provider) with the test patients above, so the portal's OIDC
 * login can be tried and tested without a real provider. First-party client: no consent screen.
 * Development only: in-memory storage, development signing keys, any password accepted.
 */
export function createDevIdentityProvider(
  issuer: string,
  options: DevIdentityProviderOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const portals = options.portalUrls.map((u) => u.replace(/\/+$/, ''));
  const configuration: Configuration = {
    clients: [
      {
        client_id: DEV_OIDC_CLIENT.clientId,
        client_secret: DEV_OIDC_CLIENT.clientSecret,
        redirect_uris: portals.map((p) => `${p}/auth/oidc/callback`),
        post_logout_redirect_uris: portals.map((p) => `${p}/login?logged_out=1`),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        // Both are offered so OIDC_CLIENT_AUTH can be tried either way.
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: `${DEV_OIDC_CLIENT.clientId}-post`,
        client_secret: DEV_OIDC_CLIENT.clientSecret,
        redirect_uris: portals.map((p) => `${p}/auth/oidc/callback`),
        post_logout_redirect_uris: portals.map((p) => `${p}/login?logged_out=1`),
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: {
      openid: ['sub'],
      profile: ['given_name', 'family_name', 'birthdate'],
      email: ['email'],
    },
    // Profile claims in the ID token too, as many providers do; the portal also reads UserInfo.
    conformIdTokenClaims: false,
    findAccount: (_ctx: KoaContextWithOIDC, id: string) => {
      const claims = DEV_PATIENTS[id];
      if (!claims) return undefined;
      return { accountId: id, claims: () => ({ sub: id, ...claims }) };
    },
    // First-party: the patient is not asked to consent to their own clinic's portal.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (!session?.accountId || !client) return undefined;
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope('openid profile email');
      await grant.save();
      return grant;
    },
    cookies: { keys: ['dev-identity-provider-cookie-key'] },
    // Lifetimes set explicitly (seconds), or oidc-provider prints a notice for each default it uses.
    ttl: {
      AuthorizationCode: 60,
      Interaction: 600,
      Session: 3600,
      Grant: 3600,
      AccessToken: 600,
      IdToken: 600,
    },
    features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  };
  // Loaded here, not at the top: only a sandbox asked for an identity provider pays for oidc-provider
  // (it is large, and on Node 20 it prints a warning that it prefers Node 22).
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { default: Provider } = require('oidc-provider') as typeof import('oidc-provider');
  const provider = new Provider(issuer, configuration);
  return provider.callback();
}

import * as client from 'openid-client';
import type { ClaimedIdentity } from './accounts';
import type { OidcSettings } from './settings';

/** Why an OIDC login did not finish; also the audit event's reason. */
export type OidcFailure =
  | 'provider_down'
  | 'denied'
  | 'provider_error'
  | 'no_login_in_progress'
  | 'invalid_response'
  | 'missing_claims';

export class OidcLoginError extends Error {
  override name = 'OidcLoginError';
  constructor(
    readonly reason: OidcFailure,
    options?: ErrorOptions,
  ) {
    super(`OIDC login failed: ${reason}`, options);
  }
}

/** What the portal keeps in the session between the redirect to the provider and the callback. */
export interface PendingOidcLogin {
  state: string;
  nonce: string;
  codeVerifier: string;
  returnTo?: string;
}

const REQUEST_TIMEOUT_SECONDS = 10;
const BIRTHDATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The portal as an OpenID Connect client: authorization code flow with PKCE, `state` and `nonce`,
 * the ID token verified by openid-client. The provider's metadata is discovered on first use and
 * kept; a provider that was down is asked again next time.
 */
export class OidcLogin {
  private configuration?: Promise<client.Configuration>;

  constructor(
    private readonly settings: OidcSettings,
    /** `{PUBLIC_URL}/auth/oidc/callback`: the redirect URI registered at the provider. */
    readonly redirectUri: string,
  ) {}

  /** The provider's authorization URL and what to remember until the callback. */
  async start(returnTo?: string): Promise<{ url: string; pending: PendingOidcLogin }> {
    const config = await this.config();
    const pending: PendingOidcLogin = {
      state: client.randomState(),
      nonce: client.randomNonce(),
      codeVerifier: client.randomPKCECodeVerifier(),
      returnTo,
    };
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: this.redirectUri,
      scope: this.settings.scopes,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(pending.codeVerifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /**
   * Exchanges the callback's code and returns who the patient is, plus the ID token (kept in the
   * session only to end the provider's session at logout).
   */
  async finish(
    callbackQuery: string,
    pending: PendingOidcLogin | undefined,
  ): Promise<{ identity: ClaimedIdentity; idToken?: string }> {
    const params = new URLSearchParams(callbackQuery);
    const error = params.get('error');
    if (error) throw new OidcLoginError(error === 'access_denied' ? 'denied' : 'provider_error');
    if (!pending) throw new OidcLoginError('no_login_in_progress');
    const config = await this.config();
    let tokens;
    try {
      tokens = await client.authorizationCodeGrant(config, new URL(`${this.redirectUri}?${params}`), {
        pkceCodeVerifier: pending.codeVerifier,
        expectedState: pending.state,
        expectedNonce: pending.nonce,
        idTokenExpected: true,
      });
    } catch (err) {
      throw new OidcLoginError(failureOf(err));
    }
    const idClaims = tokens.claims()!;
    let claims: Record<string, unknown> = { ...idClaims };
    if (!hasNames(claims) && tokens.access_token) {
      try {
        const info = await client.fetchUserInfo(config, tokens.access_token, idClaims.sub);
        claims = { ...info, ...claims };
      } catch (err) {
        throw new OidcLoginError(failureOf(err));
      }
    }
    if (!hasNames(claims)) throw new OidcLoginError('missing_claims');
    const birthdate = typeof claims.birthdate === 'string' ? claims.birthdate : '';
    return {
      identity: {
        issuer: idClaims.iss,
        subject: idClaims.sub,
        firstName: String(claims.given_name).trim().slice(0, 100),
        lastName: String(claims.family_name).trim().slice(0, 100),
        // OpenID allows `0000` for an unknown year: that is no birth date at all.
        dob: BIRTHDATE.test(birthdate) && !birthdate.startsWith('0000') ? birthdate : undefined,
        email: typeof claims.email === 'string' && claims.email.length <= 254 ? claims.email : undefined,
      },
      idToken: tokens.id_token,
    };
  }

  /** Where to send the browser to end the provider's session, when the provider offers that. */
  async endSessionUrl(
    idToken: string | undefined,
    postLogoutRedirectUri: string,
  ): Promise<string | undefined> {
    let config;
    try {
      config = await this.config();
    } catch {
      return undefined;
    }
    if (!config.serverMetadata().end_session_endpoint) return undefined;
    return client.buildEndSessionUrl(config, {
      post_logout_redirect_uri: postLogoutRedirectUri,
      client_id: this.settings.clientId,
      ...(idToken ? { id_token_hint: idToken } : {}),
    }).href;
  }

  private config(): Promise<client.Configuration> {
    if (!this.configuration) {
      const s = this.settings;
      const auth =
        s.clientAuth === 'client_secret_post'
          ? client.ClientSecretPost(s.clientSecret)
          : client.ClientSecretBasic(s.clientSecret);
      this.configuration = client
        .discovery(new URL(s.issuer), s.clientId, undefined, auth, {
          timeout: REQUEST_TIMEOUT_SECONDS,
          // http:// only for a loopback issuer outside production (checked in config).
          ...(s.allowHttp ? { execute: [client.allowInsecureRequests] } : {}),
        })
        .catch((error: unknown) => {
          this.configuration = undefined;
          throw new OidcLoginError('provider_down', { cause: error });
        });
    }
    return this.configuration;
  }
}

function hasNames(claims: Record<string, unknown>): boolean {
  return typeof claims.given_name === 'string' && typeof claims.family_name === 'string';
}

function failureOf(error: unknown): OidcFailure {
  if (error instanceof client.AuthorizationResponseError) {
    return error.error === 'access_denied' ? 'denied' : 'provider_error';
  }
  // The token endpoint refused the code (already used, or not ours) or the answer failed a check
  // (state, nonce, ID token signature, issuer, audience): a replayed or forged callback.
  if (error instanceof client.ResponseBodyError || error instanceof client.ClientError) {
    return 'invalid_response';
  }
  return 'provider_down';
}

import request from 'supertest';
import type { RunningSandbox } from '../../src/sandbox';
import { DEV_OIDC_CLIENT } from '../../src/sandbox';
import type { Agent } from './clinic';

/** Portal settings for the sandbox's development identity provider. */
export function devOidcEnv(sandbox: RunningSandbox, clientId: string = DEV_OIDC_CLIENT.clientId) {
  return {
    OIDC_ISSUER: sandbox.oidcIssuer!,
    OIDC_CLIENT_ID: clientId,
    OIDC_CLIENT_SECRET: DEV_OIDC_CLIENT.clientSecret,
    OIDC_NAME: 'Sandbox Health',
    ...(clientId.endsWith('-post') ? { OIDC_CLIENT_AUTH: 'client_secret_post' } : {}),
  };
}

/** A path and query of an absolute URL, for a supertest agent bound to that server's app. */
function pathOf(url: string): string {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
}

/**
 * Walks a browser through the provider: the portal's redirect, the provider's login form (any
 * password), back to the provider's authorization endpoint; returns the callback URL it sends the
 * browser to (not yet followed), and the provider's browser (its cookies: the provider session).
 */
export async function authorizeAtProvider(
  portal: Agent,
  sandbox: RunningSandbox,
  login: string,
  startPath = '/auth/oidc',
  provider: Agent = request.agent(sandbox.app),
): Promise<{ callback: string; provider: Agent }> {
  const start = await portal.get(startPath);
  if (start.status !== 303) throw new Error(`GET ${startPath} answered ${start.status}`);
  const auth = await provider.get(pathOf(start.headers.location!));
  if (auth.status !== 303) throw new Error(`provider /auth answered ${auth.status}`);
  const interaction = new URL(auth.headers.location!, sandbox.url).pathname;
  await provider.get(interaction).expect(200);
  const submitted = await provider
    .post(interaction)
    .type('form')
    .send({ prompt: 'login', login, password: 'any' });
  if (submitted.status !== 303) throw new Error(`provider login answered ${submitted.status}`);
  const resumed = await provider.get(pathOf(new URL(submitted.headers.location!, sandbox.url).href));
  if (resumed.status !== 303) throw new Error(`provider resume answered ${resumed.status}`);
  return { callback: resumed.headers.location!, provider };
}

import type { Logger } from 'pino';
import type { Config } from '../config';
import {
  DEV_OIDC_CLIENT,
  DEV_OIDC_PATH,
  DEV_PATIENTS,
  type DevIdentityProviderOptions,
} from './identity-provider';
import { startSandbox } from './start-sandbox';
import type { RunningSandbox, SandboxWebhookOptions } from './types';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The development identity provider is served only when OIDC_ISSUER points at it (a loopback URL on
 * SANDBOX_PORT ending in /oidc): then this portal is its client. Otherwise nothing loads it.
 */
export function devIdentityProvider(config: Config): DevIdentityProviderOptions | undefined {
  const issuer = config.identity.oidc?.issuer;
  if (!issuer) return undefined;
  const url = new URL(issuer);
  const pointsHere =
    LOOPBACK.has(url.hostname) &&
    url.port === String(config.sandboxPort) &&
    url.pathname.replace(/\/+$/, '') === DEV_OIDC_PATH;
  return pointsHere ? { portalUrls: [config.publicUrl], issuer: issuer.replace(/\/+$/, '') } : undefined;
}

/**
 * For `npm start` without VSEE_* settings: starts the sandbox in the portal's process and says so in
 * one clear line, including how to switch to a real clinic. The caller closes it at shutdown.
 */
export async function startEmbeddedSandbox(
  port: number,
  logger: Logger,
  webhook?: SandboxWebhookOptions,
  identityProvider?: DevIdentityProviderOptions,
): Promise<RunningSandbox> {
  const sandbox = await startSandbox({
    port,
    logger: logger.child({ component: 'vsee-sandbox' }),
    webhook,
    identityProvider,
  });
  if (sandbox.oidcIssuer) {
    // Fake client credentials and test logins, safe to print (development only, like the VSee ones).
    logger.info(
      `Development identity provider at ${sandbox.oidcIssuer}: client ${DEV_OIDC_CLIENT.clientId} / ` +
        `${DEV_OIDC_CLIENT.clientSecret}; log in as ${Object.keys(DEV_PATIENTS).join(', ')} with any password`,
    );
  }
  logger.info(
    `No VSEE_* settings: the portal is using the built-in VSee sandbox at ${sandbox.url} ` +
      `(provider console ${sandbox.vsee.clinicUrl}providers/dashboard). To use a real VSee clinic, set ` +
      'VSEE_API_URL, VSEE_CLINIC_URL, VSEE_ACCOUNT_CODE, VSEE_API_KEY, VSEE_API_SECRET and VSEE_ROOM_CODE.',
  );
  return sandbox;
}

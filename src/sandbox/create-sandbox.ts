import express, { type ErrorRequestHandler } from 'express';
import type { VseeSettings } from '../config';
import { apiRouter } from './api/router';
import { pageHeaders } from './clinic/page-headers';
import { patientRoutes } from './clinic/patient-routes';
import { providerRoutes } from './clinic/provider-routes';
import { sendRefusal } from './clinic/render';
import type { SandboxContext } from './context';
import { controlRoutes } from './control/routes';
import { SANDBOX_CREDENTIALS } from './credentials';
import { hex32 } from './ids';
import {
  createDevIdentityProvider,
  DEV_OIDC_PATH,
  type DevIdentityProviderOptions,
} from './identity-provider';
import { SandboxKnobs } from './knobs';
import { RequestLog } from './request-log';
import { SandboxState } from './state';
import type { Sandbox, SandboxOptions } from './types';
import { WebhookSender } from './webhooks';

export const DEFAULT_API_PREFIX = '/vc/next/api_v3/';
export const DEFAULT_CLINIC_PREFIX = '/vc/next/';
const DEFAULT_TOKEN_TTL_SECONDS = 86_400;

/** `vc/next` → `/vc/next/`: one leading and one trailing slash, so prefixes join by concatenation. */
export function normalisePrefix(prefix: string): string {
  const trimmed = prefix.replace(/^\/+|\/+$/g, '');
  return trimmed === '' ? '/' : `/${trimmed}/`;
}

/** Builds a sandbox: the Express app, its in-memory state, knobs and request log. No I/O, no timers. */
export function createSandbox(options: SandboxOptions = {}): Sandbox {
  const apiPrefix = normalisePrefix(options.apiPrefix ?? DEFAULT_API_PREFIX);
  const clinicPrefix = normalisePrefix(options.clinicPrefix ?? DEFAULT_CLINIC_PREFIX);
  const state = new SandboxState({
    now: options.now ?? Date.now,
    tokenFactory: options.tokenFactory ?? hex32,
    tokenTtlSeconds: options.tokenTtlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS,
    consultations: options.consultations,
  });
  const webhooks = new WebhookSender(
    { nowSeconds: () => state.nowSeconds(), logger: options.logger },
    options.webhook,
  );
  state.onVisitEvent = (type, visit) => webhooks.visitEvent(type, visit);
  const ctx: SandboxContext = {
    state,
    knobs: new SandboxKnobs(),
    requestLog: new RequestLog(),
    logger: options.logger,
    apiPrefix,
    clinicPrefix,
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use('/_sandbox', controlRoutes(ctx));
  // The API prefix usually sits inside the clinic prefix (`/vc/next/api_v3/` in `/vc/next/`), so it goes first.
  app.use(apiPrefix, apiRouter(ctx));
  app.use(clinicPrefix, pageHeaders, patientRoutes(ctx), providerRoutes(ctx));
  // The development identity provider, once its issuer URL (which needs the port) is known.
  let identityProvider: ReturnType<typeof createDevIdentityProvider> | undefined;
  app.use(DEV_OIDC_PATH, (req, res, next) => (identityProvider ? identityProvider(req, res) : next()));
  app.use(pageHeaders, (req, res) =>
    sendRefusal(ctx, req, res, 404, 'Not found', 'The sandbox has no such page.'),
  );
  const pageErrors: ErrorRequestHandler = (err: unknown, req, res, _next) => {
    options.logger?.error({ err }, 'sandbox page failed');
    sendRefusal(ctx, req, res, 500, 'Sandbox error', 'Something went wrong in the sandbox.');
  };
  app.use(pageErrors);

  return {
    app,
    state,
    knobs: ctx.knobs,
    requestLog: ctx.requestLog,
    webhooks,
    serveIdentityProvider: (baseUrl: string, identityOptions: DevIdentityProviderOptions): string => {
      const issuer = identityOptions.issuer ?? baseUrl.replace(/\/+$/, '') + DEV_OIDC_PATH;
      identityProvider = createDevIdentityProvider(issuer, identityOptions);
      return issuer;
    },
    settings: (baseUrl: string): VseeSettings => {
      const base = baseUrl.replace(/\/+$/, '');
      return {
        apiUrl: base + apiPrefix,
        clinicUrl: base + clinicPrefix,
        accountCode: SANDBOX_CREDENTIALS.accountCode,
        apiKey: SANDBOX_CREDENTIALS.apiKey,
        apiSecret: SANDBOX_CREDENTIALS.apiSecret,
        roomCode: SANDBOX_CREDENTIALS.roomCode,
        adminToken: SANDBOX_CREDENTIALS.adminToken,
        disableNavigation: false,
        disableEmails: false,
      };
    },
  };
}

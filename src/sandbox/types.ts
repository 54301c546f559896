import type { Express } from 'express';
import type { Logger } from 'pino';
import type { VseeSettings } from '../config';
import type { DevIdentityProviderOptions } from './identity-provider';
import type { SandboxConsultation } from './models';
import type { SandboxState } from './state';
import type { SandboxKnobs } from './knobs';
import type { SandboxRequest } from './request-log';
import type { SandboxWebhookOptions, SentWebhook } from './webhooks';

export type { SandboxRequest, SandboxWebhookOptions, SentWebhook };

/** How a sandbox is built; every option has a default that matches the real VSee layout. */
export interface SandboxOptions {
  /** Where the REST API lives (default `/vc/next/api_v3/`, like VSee staging). */
  apiPrefix?: string;
  /** Where the patient-facing pages live (default `/vc/next/`). */
  clinicPrefix?: string;
  /** Mints SSO tokens (default: 32 random hex). Tests pass `() => \`CANARY-${randomUUID()}\`` to find leaks. */
  tokenFactory?: () => string;
  /** Lifetime of an SSO token (default 86400, docs/vsee-contract.md §1). */
  tokenTtlSeconds?: number;
  /** Millisecond clock, injectable for expiry and availability tests (default Date.now). */
  now?: () => number;
  /** Optional; the sandbox never logs tokens or secrets. */
  logger?: Logger;
  /** The room's visit types (`payment.consultations`); default two, 15 and 30 minutes long. */
  consultations?: readonly SandboxConsultation[];
  /** Post VSee's visit webhooks here (v1 by default) when a visit is created or changes status. */
  webhook?: SandboxWebhookOptions;
}

/** How a listening sandbox is started (startSandbox). */
export interface StartSandboxOptions extends SandboxOptions {
  port?: number;
  host?: string;
  /** Also serve the development identity provider at `/oidc` for these portals. */
  identityProvider?: DevIdentityProviderOptions;
}

/** The sandbox's webhook sender, as tests drive it. */
export interface SandboxWebhooks {
  /** Starts, re-points or (undefined) stops the webhooks. */
  configure(options: SandboxWebhookOptions | undefined): void;
  /** Resolves when every delivery queued so far has finished. */
  flush(): Promise<void>;
  /** Events queued so far, oldest first, with the receiver's status. */
  sent(): SentWebhook[];
  clear(): void;
}

/** A sandbox app with its state, fault knobs and request log; nothing is listening yet. */
export interface Sandbox {
  app: Express;
  state: SandboxState;
  knobs: SandboxKnobs;
  requestLog: { entries(): SandboxRequest[]; clear(): void };
  webhooks: SandboxWebhooks;
  /**
   * Serves the development OpenID provider at `{baseUrl}/oidc` for the given portals; returns its
   * issuer (OIDC_ISSUER for those portals).
   */
  serveIdentityProvider(baseUrl: string, options: DevIdentityProviderOptions): string;
  /** VseeSettings for a portal talking to this sandbox at `baseUrl` (e.g. `http://127.0.0.1:4000`). */
  settings(baseUrl: string): VseeSettings;
}

/** A sandbox listening on a real port. */
export interface RunningSandbox extends Sandbox {
  /** `http://HOST:PORT`, no trailing slash. */
  url: string;
  vsee: VseeSettings;
  /** The development identity provider's issuer, when it was asked for. */
  oidcIssuer?: string;
  /** TCP connections accepted so far, for keep-alive checks. */
  connectionsAccepted(): number;
  /** Stops listening and destroys every open socket, idle keep-alive and hung ones included. */
  close(): Promise<void>;
}

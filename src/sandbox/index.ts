/** The VSee sandbox: a local stand-in for VSee Clinic (docs/sandbox.md). */
export { SANDBOX_CREDENTIALS } from './credentials';
export { createSandbox, DEFAULT_API_PREFIX, DEFAULT_CLINIC_PREFIX } from './create-sandbox';
export { startSandbox } from './start-sandbox';
export { devIdentityProvider, startEmbeddedSandbox } from './embedded';
export { DEV_OIDC_CLIENT, DEV_PATIENTS } from './identity-provider';
export { ENDPOINTS, KnobError, SandboxKnobs } from './knobs';
export type { EndpointName, FailureMode, FailureSpec, KnobTarget } from './knobs';
export { SandboxState, TransitionError } from './state';
export type { VisitAction } from './visit-lifecycle';
export type * from './models';
export type {
  RunningSandbox,
  Sandbox,
  SandboxOptions,
  SandboxRequest,
  SandboxWebhookOptions,
  SandboxWebhooks,
  SentWebhook,
} from './types';

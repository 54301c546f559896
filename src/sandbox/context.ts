import type { Logger } from 'pino';
import type { SandboxKnobs } from './knobs';
import type { RequestLog } from './request-log';
import type { SandboxState } from './state';

/** What every sandbox router needs; built once per sandbox by createSandbox. */
export interface SandboxContext {
  state: SandboxState;
  knobs: SandboxKnobs;
  requestLog: RequestLog;
  logger?: Logger;
  /** Both with a leading and a trailing slash, e.g. `/vc/next/api_v3/`. */
  apiPrefix: string;
  clinicPrefix: string;
}

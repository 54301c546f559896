import type { Logger } from 'pino';
import { startSandbox } from './start-sandbox';
import type { RunningSandbox, SandboxWebhookOptions } from './types';

/**
 * For `npm start` without VSEE_* settings: starts the sandbox in the portal's process and says so in
 * one clear line, including how to switch to a real clinic. The caller closes it at shutdown.
 */
export async function startEmbeddedSandbox(
  port: number,
  logger: Logger,
  webhook?: SandboxWebhookOptions,
): Promise<RunningSandbox> {
  const sandbox = await startSandbox({ port, logger: logger.child({ component: 'vsee-sandbox' }), webhook });
  logger.info(
    `No VSEE_* settings: the portal is using the built-in VSee sandbox at ${sandbox.url} ` +
      `(provider console ${sandbox.vsee.clinicUrl}providers/dashboard). To use a real VSee clinic, set ` +
      'VSEE_API_URL, VSEE_CLINIC_URL, VSEE_ACCOUNT_CODE, VSEE_API_KEY, VSEE_API_SECRET and VSEE_ROOM_CODE.',
  );
  return sandbox;
}

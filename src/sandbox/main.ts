import type { Logger } from 'pino';
import { type Config, loadConfig } from '../config';
import { createLogger } from '../web/logger';
import { SANDBOX_CREDENTIALS } from './credentials';
import { startSandbox } from './start-sandbox';
import type { RunningSandbox } from './types';

/**
 * The sandbox alone on SANDBOX_PORT, posting its visit webhooks to SANDBOX_WEBHOOK_URL if set, with
 * its URLs and fake credentials logged. The caller closes it.
 */
export async function startStandaloneSandbox(config: Config, logger: Logger): Promise<RunningSandbox> {
  const webhook = config.sandboxWebhookUrl ? { url: config.sandboxWebhookUrl } : undefined;
  const sandbox = await startSandbox({ port: config.sandboxPort, logger, webhook });
  const c = SANDBOX_CREDENTIALS;
  // The credentials go in the message text on purpose: they are fake, and the logger redacts such keys.
  logger.info(`VSee sandbox listening: API ${sandbox.vsee.apiUrl} · clinic ${sandbox.vsee.clinicUrl}`);
  logger.info(
    `Provider console: ${sandbox.vsee.clinicUrl}providers/dashboard · knobs: ${sandbox.url}/_sandbox/`,
  );
  logger.info(
    `Sandbox credentials (fake): X-AccountCode=${c.accountCode} X-ApiKey=${c.apiKey} ` +
      `X-ApiSecret=${c.apiSecret} room_code=${c.roomCode} admin X-ApiToken=${c.adminToken}`,
  );
  logger.info(
    `Portal settings for this sandbox: VSEE_API_URL=${sandbox.vsee.apiUrl} VSEE_CLINIC_URL=${sandbox.vsee.clinicUrl} ` +
      `VSEE_ACCOUNT_CODE=${c.accountCode} VSEE_API_KEY=${c.apiKey} VSEE_API_SECRET=${c.apiSecret} ` +
      `VSEE_ROOM_CODE=${c.roomCode} VSEE_ADMIN_TOKEN=${c.adminToken}`,
  );
  // Only the origin: the path of a portal's webhook URL holds its secret.
  if (webhook) logger.info(`Visit webhooks (v1) go to ${new URL(webhook.url).origin} (SANDBOX_WEBHOOK_URL)`);
  else logger.info('No SANDBOX_WEBHOOK_URL: the sandbox sends no visit webhooks');
  logger.info('Walk-through: README.md (Trying the VSee sandbox by hand). Stop with Ctrl+C.');
  return sandbox;
}

/** `npm run sandbox`: the standalone sandbox until SIGINT or SIGTERM. */
export async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'silent' ? 'info' : config.logLevel);
  const sandbox = await startStandaloneSandbox(config, logger);

  const stop = (signal: string) => {
    logger.info({ signal }, 'VSee sandbox stopping');
    sandbox.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    process.stderr.write(
      `VSee sandbox failed to start: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exit(1);
  });
}

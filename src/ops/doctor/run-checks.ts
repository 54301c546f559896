import type { Config } from '../../config';
import type { Logger } from '../../web/logger';
import { type CheckResult, formatResult, guarded, skip } from './report';
import {
  checkDatabase,
  checkPublicUrl,
  checkRedis,
  checkSessionSecret,
  checkWebhookSecret,
} from './settings-checks';
import { checkVsee } from './vsee-checks';

export interface DoctorOptions {
  /** Try the API key and secret with one SSO (default true; `--no-sso` turns it off). */
  sso?: boolean;
  /** Check the database and Redis too (the doctor does; at boot the runtime has just opened them). */
  services?: boolean;
}

/** Every check of a deployment's settings against the real services, in the order they are printed. */
export async function runChecks(config: Config, options: DoctorOptions = {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  if (options.services ?? true) {
    results.push(...(await guarded('DATABASE_URL', async () => [await checkDatabase(config)])));
    results.push(...(await guarded('REDIS_URL', async () => [await checkRedis(config)])));
  }
  results.push(checkSessionSecret(config));
  results.push(...checkPublicUrl(config));
  if (config.vsee) {
    const vsee = config.vsee;
    results.push(...(await guarded('VSEE_API_URL', () => checkVsee(vsee, { sso: options.sso ?? true }))));
  } else {
    results.push(skip('VSEE_API_URL', 'no VSEE_* settings: the built-in sandbox is used (development only)'));
  }
  results.push(checkWebhookSecret(config));
  return results;
}

/** True when no check failed (warnings and skips do not fail a deployment). */
export function allPassed(results: CheckResult[]): boolean {
  return results.every((r) => r.status !== 'fail');
}

/**
 * The doctor's checks minus the SSO, in the background after the portal started: one warning line
 * for each problem, so a wrong setting shows in the log at once instead of as patients' errors.
 */
export async function logBootChecks(config: Config, logger: Logger): Promise<void> {
  // With the built-in sandbox (development) there is no deployment to check.
  if (!config.vsee) return;
  const results = await runChecks(config, { sso: false, services: false });
  for (const result of results) {
    if (result.status === 'fail' || result.status === 'warn') {
      logger.warn({ check: result.setting }, `startup check: ${formatResult(result)}`);
    }
  }
}

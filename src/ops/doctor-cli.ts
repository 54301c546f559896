import { ConfigError, loadConfig } from '../config';
import { allPassed, runChecks } from './doctor/run-checks';
import { formatResult } from './doctor/report';

/**
 * `npm run doctor [-- --no-sso]`: checks this deployment's settings against the real database, Redis
 * and VSee, one line per check with what to change. Exit 0 when no check failed, 1 otherwise.
 * Creates no visit; the SSO signs in one fixed check user (docs/operations.md).
 */
async function main(): Promise<number> {
  const sso = !process.argv.includes('--no-sso');
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stdout.write(`FAIL configuration: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const results = await runChecks(config, { sso });
  for (const result of results) process.stdout.write(`${formatResult(result)}\n`);
  const passed = allPassed(results);
  const failed = results.filter((r) => r.status === 'fail').map((r) => r.setting);
  process.stdout.write(
    passed ? '\nAll required checks passed.\n' : `\nFix: ${[...new Set(failed)].join(', ')}\n`,
  );
  return passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`doctor failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

/**
 * Postgres, Redis and browser tests run when their service is configured. Locally a missing
 * service skips them loudly; under CI=true a missing service is a failure, never a silent skip.
 */
export function serviceUrl(envKey: 'TEST_DATABASE_URL' | 'TEST_REDIS_URL'): string | undefined {
  const url = process.env[envKey];
  if (url) return url;
  if (process.env.CI === 'true') {
    throw new Error(`${envKey} is not set: under CI=true these tests must run, not skip`);
  }
  process.stderr.write(`\n  ⚠ ${envKey} not set: skipping the tests that need it\n`);
  return undefined;
}

/**
 * A skipped suite that still holds one test, shown as skipped in Jest's summary: a file whose only
 * suite is skipped would otherwise hold no test at all, and Jest fails such a file.
 */
export function skippedSuite(name: string, reason: string): void {
  describe.skip(name, () => {
    it(`needs ${reason}`, () => undefined);
  });
}

/** `describe` when the service is there, a visible skipped test (with the warning above) when not. */
export function describeWith(
  envKey: 'TEST_DATABASE_URL' | 'TEST_REDIS_URL',
  name: string,
  fn: (url: string) => void,
): void {
  const url = serviceUrl(envKey);
  if (url) describe(name, () => fn(url));
  else skippedSuite(name, envKey);
}

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');

/** Runs the real entry point (from source, through tsx) with the given environment. */
function boot(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
}

describe('booting with a bad configuration', () => {
  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ DATABASE_URL: 'mysql://nope' }, 'DATABASE_URL'],
    [{ NODE_ENV: 'production' }, 'SESSION_SECRET'],
    [{ NODE_ENV: 'production', SESSION_SECRET: 'too-short' }, 'SESSION_SECRET'],
  ])('with %j, exits non-zero and names %s', (env, key) => {
    const result = boot(env);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(key);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/**
 * Development only: a session secret kept in a file beside the SQLite database, so that restarting
 * `npm start` keeps patients logged in without anyone having to set SESSION_SECRET. Production
 * refuses to start without a real SESSION_SECRET (config.ts), so this never signs production cookies.
 */
export async function loadOrCreateDevSecret(path: string): Promise<string> {
  try {
    const existing = (await readFile(path, 'utf8')).trim();
    if (existing.length >= 32) return existing;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const secret = randomBytes(32).toString('hex');
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}

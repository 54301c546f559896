import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateDevSecret } from '../../src/dev-secret';

describe('development session secret', () => {
  it('is created once (readable by the owner only) and the same secret is read back after a restart', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'portal-')), 'nested', 'session-secret');

    const first = await loadOrCreateDevSecret(path);
    const second = await loadOrCreateDevSecret(path);

    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});

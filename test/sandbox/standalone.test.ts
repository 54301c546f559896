import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { startStandaloneSandbox } from '../../src/sandbox/main';
import { createLogger } from '../../src/web/logger';
import { walkIn } from './helpers';

/** A receiver that records the path and event type of every POST. */
async function receiver() {
  const received: Array<{ path: string; type: string }> = [];
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', type: (JSON.parse(raw) as { type: string }).type });
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { received, origin, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('npm run sandbox (the standalone sandbox)', () => {
  it('posts its visit webhooks to SANDBOX_WEBHOOK_URL, and logs only that URL’s origin', async () => {
    const hook = await receiver();
    const logLines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({ write: (chunk, _enc, cb) => (logLines.push(String(chunk)), cb()) }),
    );
    const url = `${hook.origin}/webhooks/vsee/the-portals-secret-0123456789`;
    const sandbox = await startStandaloneSandbox(
      loadConfig({ SANDBOX_PORT: '0', SANDBOX_WEBHOOK_URL: url }),
      logger,
    );
    try {
      await walkIn(sandbox.app);
      await sandbox.webhooks.flush();

      expect(hook.received).toEqual([
        { path: '/webhooks/vsee/the-portals-secret-0123456789', type: 'visit.created' },
      ]);
      expect(logLines.join('')).toContain(`Visit webhooks (v1) go to ${hook.origin}`);
      expect(logLines.join('')).not.toContain('the-portals-secret');
    } finally {
      await sandbox.close();
      await hook.close();
    }
  });

  it('without SANDBOX_WEBHOOK_URL sends none, and says so', async () => {
    const logLines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({ write: (chunk, _enc, cb) => (logLines.push(String(chunk)), cb()) }),
    );
    const sandbox = await startStandaloneSandbox(loadConfig({ SANDBOX_PORT: '0' }), logger);
    try {
      await walkIn(sandbox.app);
      await sandbox.webhooks.flush();
      expect(sandbox.webhooks.sent()).toEqual([]);
      expect(logLines.join('')).toContain('No SANDBOX_WEBHOOK_URL');
    } finally {
      await sandbox.close();
    }
  });

  it('refuses a SANDBOX_WEBHOOK_URL that is not an http(s) URL, naming the key', () => {
    expect(() => loadConfig({ SANDBOX_WEBHOOK_URL: 'ftp://example.test/hook' })).toThrow(
      /SANDBOX_WEBHOOK_URL/,
    );
  });
});

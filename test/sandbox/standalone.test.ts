import { loadConfig } from '../../src/config';
import { startStandaloneSandbox } from '../../src/sandbox/main';
import { receiver, walkIn } from './helpers';
import { capturingLogger } from '../helpers/logs';

describe('npm run sandbox (the standalone sandbox)', () => {
  it('posts its visit webhooks to SANDBOX_WEBHOOK_URL, and logs only that URL’s origin', async () => {
    const hook = await receiver();
    const { logger, lines: logLines } = capturingLogger('info');
    const url = `${hook.origin}/webhooks/vsee/the-portals-secret-0123456789`;
    const sandbox = await startStandaloneSandbox(
      loadConfig({ SANDBOX_PORT: '0', SANDBOX_WEBHOOK_URL: url }),
      logger,
    );
    try {
      await walkIn(sandbox.app);
      await sandbox.webhooks.flush();

      expect(hook.received.map((r) => ({ path: r.path, type: r.body.type }))).toEqual([
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
    const { logger, lines: logLines } = capturingLogger('info');
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

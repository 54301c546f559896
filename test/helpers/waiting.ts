import { createServer } from 'node:net';

/**
 * A loopback port nothing listens on, ever: 9, the discard port, which no test or service here
 * binds. For "the other side is down": a port closed a moment ago is not that, since another
 * process on a busy machine may take it (an ephemeral port) before the test connects.
 */
export const NOTHING_LISTENS_PORT = 9;

/** A loopback port nothing listens on right now (for a process or server the test starts itself). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** Polls `condition` every 50 ms until it holds; throws after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

import { createClient } from 'redis';
import type { Logger } from './web/logger';

export type RedisClient = ReturnType<typeof createClient>;

/** A Redis command that takes longer than this fails: no request waits on a Redis that is away. */
export const REDIS_COMMAND_TIMEOUT_MS = 500;

/**
 * Connects to Redis; errors after the first connect are logged (and /readyz reports them), not thrown.
 * While disconnected, commands fail at once instead of queueing until Redis is back (no offline
 * queue), and any command fails after REDIS_COMMAND_TIMEOUT_MS; the client reconnects by itself.
 */
export async function connectRedis(url: string, logger: Logger): Promise<RedisClient> {
  const client = createClient({
    url,
    disableOfflineQueue: true,
    commandOptions: { timeout: REDIS_COMMAND_TIMEOUT_MS },
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(retries * 100, 2000) },
  });
  let down = false;
  client.on('error', (err: Error) => {
    if (down) return;
    down = true;
    logger.warn(
      { err: { message: err.message } },
      'redis connection problem: sessions answer 503 and rate limits use per-process memory until it is back',
    );
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('redis is back');
  });
  await client.connect();
  return client;
}

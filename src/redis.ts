import { createClient } from 'redis';
import type { Logger } from './web/logger';

export type RedisClient = ReturnType<typeof createClient>;

/** Connects to Redis; errors after the first connect are logged (and /readyz reports them), not thrown. */
export async function connectRedis(url: string, logger: Logger): Promise<RedisClient> {
  const client = createClient({
    url,
    socket: { connectTimeout: 2000, reconnectStrategy: (retries) => Math.min(retries * 100, 2000) },
  });
  client.on('error', (err: Error) =>
    logger.warn({ err: { message: err.message } }, 'redis connection problem'),
  );
  await client.connect();
  return client;
}

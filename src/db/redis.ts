/**
 * Opening the Redis connection several instances share (conversation state,
 * locks, rate limits, socket.io's adapter, leader leases).
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** How long the start waits for Redis to answer before giving up. */
const REDIS_START_TIMEOUT_MS = 15_000;

/**
 * The shared Redis connection. While Redis cannot be reached a command fails at
 * once (no offline queue), so nothing waits out an outage holding a message:
 * whoever needs Redis has a way round it or retries later (locks: the message is
 * recorded and applied by the retry pass; rate limits: counted in memory).
 */
export async function connectRedis(opts: { url: string; prefix: string; logger: Logger }): Promise<Redis> {
  const { url, logger } = opts;
  // Loaded here, not with the module: the embedded default never connects, and ioredis is about
  // 20 MiB of resident memory (measured alone) it would otherwise keep.
  const { Redis: RedisClient } = await import('ioredis');
  const redis = new RedisClient(url, {
    maxRetriesPerRequest: 3,
    enableOfflineQueue: false,
    // Auto-pipelining sends the commands of many concurrent conversations in one write.
    enableAutoPipelining: true,
    keyPrefix: opts.prefix,
    lazyConnect: true,
  });
  watchConnection(redis, logger);
  const started = redis.connect();
  const timeout = setTimeout(() => redis.disconnect(), REDIS_START_TIMEOUT_MS);
  try {
    await started;
  } catch (cause) {
    redis.disconnect();
    throw new Error(`Redis at ${redactUrl(url)} does not answer: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  } finally {
    clearTimeout(timeout);
  }
  return redis;
}

function redactUrl(url: string): string {
  const u = new URL(url);
  if (u.password) u.password = '***';
  return u.toString();
}

/**
 * Logs a Redis outage once when it begins (ioredis reports every failed
 * reconnection) and once when Redis is back; without an `error` listener
 * ioredis would print each failure to stderr.
 */
function watchConnection(redis: Redis, logger: Logger): void {
  let down = false;
  redis.on('error', (error) => {
    if (down) return logger.debug({ err: error }, 'redis still unreachable');
    down = true;
    logger.warn({ err: error }, 'redis connection lost: reconnecting; what needs Redis waits');
  });
  redis.on('ready', () => {
    if (!down) return;
    down = false;
    logger.info('redis connection restored');
  });
}

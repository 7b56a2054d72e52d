import type { Redis } from 'ioredis';
import type { Rate } from '../../config.js';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';

export interface Limiter {
  /** Resolves with null when allowed, or the milliseconds to wait. */
  take(key: string): Promise<number | null>;
}

/**
 * A fixed-window limiter per key, in Redis when several instances share the
 * visitors, in memory otherwise (rate-limiter-flexible does both).
 */
export function createLimiter(name: string, rate: Rate, redis: Redis | null): Limiter {
  const options = { keyPrefix: `relaydesk:rl:${name}`, points: rate.points, duration: Math.max(1, Math.round(rate.durationMs / 1000)) };
  const limiter: RateLimiterAbstract = redis
    ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) })
    : new RateLimiterMemory(options);
  return {
    async take(key) {
      try {
        await limiter.consume(key);
        return null;
      } catch (result) {
        if (result instanceof RateLimiterRes) return Math.max(1, result.msBeforeNext);
        throw result;
      }
    },
  };
}

import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Rate } from '../config.js';

/**
 * Counts failed sign-ins per email and per client address (in Redis when
 * instances share it). A key that used up its failures is refused until the
 * window ends, before the password is even checked; a success clears the email's count.
 */
export class LoginLimiter {
  private readonly limiter: RateLimiterAbstract;
  private readonly points: number;

  constructor(rate: Rate, redis: Redis | null) {
    const options = { keyPrefix: 'relaydesk:rl:login', points: rate.points, duration: Math.max(1, Math.round(rate.durationMs / 1000)) };
    this.points = rate.points;
    this.limiter = redis
      ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) })
      : new RateLimiterMemory(options);
  }

  /** Milliseconds until one of the keys may try again, or null when none is blocked. */
  async blockedFor(keys: string[]): Promise<number | null> {
    let wait: number | null = null;
    for (const key of keys) {
      const res = await this.limiter.get(key);
      if (res && res.consumedPoints >= this.points) wait = Math.max(wait ?? 0, res.msBeforeNext, 1);
    }
    return wait;
  }

  async recordFailure(keys: string[]): Promise<void> {
    // Consuming past the limit rejects; the count is what matters here.
    await Promise.all(keys.map((k) => this.limiter.consume(k).catch(() => undefined)));
  }

  async clear(key: string): Promise<void> {
    await this.limiter.delete(key);
  }
}

import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Rate } from '../config.js';

/**
 * Limits sign-in attempts per email and per client address (in Redis when
 * instances share it). Every attempt takes a point BEFORE its password is
 * checked, so attempts sent all at once cannot slip past the count; a
 * successful sign-in gives its points back. A key out of points is refused,
 * right password or not, until its window ends.
 */
export class LoginLimiter {
  private readonly limiter: RateLimiterAbstract;

  constructor(rate: Rate, redis: Redis | null) {
    const options = { keyPrefix: 'relaydesk:rl:login', points: rate.points, duration: Math.max(1, Math.round(rate.durationMs / 1000)) };
    this.limiter = redis
      ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) })
      : new RateLimiterMemory(options);
  }

  /** Takes a point from every key: null when the attempt may go on, else the milliseconds until it may. */
  async take(keys: string[]): Promise<number | null> {
    let wait: number | null = null;
    for (const key of keys) {
      try {
        await this.limiter.consume(key);
      } catch (result) {
        if (!(result instanceof RateLimiterRes)) throw result;
        wait = Math.max(wait ?? 0, result.msBeforeNext, 1);
      }
    }
    return wait;
  }

  /** A successful sign-in: its points come back, and the email's failures are forgotten. */
  async succeeded(emailKey: string, otherKeys: string[]): Promise<void> {
    // Best effort: with Redis down the count lives in memory anyway, and a sign-in must not fail for it.
    await Promise.all([this.limiter.delete(emailKey), ...otherKeys.map((k) => this.limiter.reward(k, 1))].map((p) => p.catch(() => undefined)));
  }
}

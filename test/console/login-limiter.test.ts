import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { LoginLimiter } from '../../src/console/login-limiter.js';
import { haveRedis, redisUrl } from '../support/services.js';

const redis = haveRedis() ? new Redis(redisUrl!) : null;
afterAll(async () => {
  await redis?.quit();
});

const backends = [
  { name: 'memory', redis: null, enabled: true },
  { name: 'Redis', get redis() { return redis; }, enabled: redis !== null },
];

for (const backend of backends) {
  describe.skipIf(!backend.enabled)(`LoginLimiter (${backend.name})`, () => {
    const tag = Math.random().toString(36).slice(2);

    it('blocks a key after its failures, keeps others open and is cleared by a success', async () => {
      const limiter = new LoginLimiter({ points: 3, durationMs: 60_000 }, backend.redis);
      const email = `email:${tag}@example.com`;
      const ip = `ip:${tag}`;
      expect(await limiter.blockedFor([email, ip])).toBeNull();
      for (let i = 0; i < 3; i++) await limiter.recordFailure([email, ip]);
      const wait = await limiter.blockedFor([email]);
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60_000);
      expect(await limiter.blockedFor([`email:other-${tag}`])).toBeNull();
      await limiter.clear(email);
      expect(await limiter.blockedFor([email])).toBeNull();
      expect(await limiter.blockedFor([ip])).toBeGreaterThan(0); // the address stays blocked
    });

    it('counts failures, not attempts: two failures leave a key open', async () => {
      const limiter = new LoginLimiter({ points: 3, durationMs: 60_000 }, backend.redis);
      await limiter.recordFailure([`email:two-${tag}`]);
      await limiter.recordFailure([`email:two-${tag}`]);
      expect(await limiter.blockedFor([`email:two-${tag}`])).toBeNull();
    });
  });
}

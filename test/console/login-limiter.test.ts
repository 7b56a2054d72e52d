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

    it('takes a point per attempt and refuses a key out of points, right away', async () => {
      const limiter = new LoginLimiter({ points: 3, durationMs: 60_000 }, backend.redis);
      const email = `email:${tag}@example.com`;
      const ip = `ip:${tag}`;
      for (let i = 0; i < 3; i++) expect(await limiter.take([email, ip])).toBeNull();
      const wait = await limiter.take([email]);
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60_000);
      expect(await limiter.take([`email:other-${tag}`])).toBeNull();
    });

    it('counts attempts made all at once, before any password is checked', async () => {
      const limiter = new LoginLimiter({ points: 3, durationMs: 60_000 }, backend.redis);
      const key = `email:burst-${tag}`;
      const results = await Promise.all(Array.from({ length: 20 }, () => limiter.take([key])));
      expect(results.filter((r) => r === null)).toHaveLength(3);
    });

    it('gives a successful sign-in its points back and forgets the email\'s failures', async () => {
      const limiter = new LoginLimiter({ points: 2, durationMs: 60_000 }, backend.redis);
      const email = `email:ok-${tag}`;
      const ip = `ip:ok-${tag}`;
      expect(await limiter.take([email, ip])).toBeNull();
      await limiter.succeeded(email, [ip]);
      expect(await limiter.take([email, ip])).toBeNull();
      expect(await limiter.take([email, ip])).toBeNull(); // both keys had their point back
      expect(await limiter.take([email, ip])).not.toBeNull();
    });
  });
}

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedisStateStore } from '../../src/gateway/redis.state-store.js';
import { haveRedis, redisUrl } from '../support/services.js';
import { describeStateStoreContract } from './state-store.contract.js';

const prefix = `relaydesk-test:${randomBytes(6).toString('hex')}:`;

describe.skipIf(!haveRedis())('Redis state store (needs REDIS_URL)', () => {
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(redisUrl ?? '');
  });
  afterAll(async () => {
    for await (const keys of redis.scanStream({ match: `${prefix}*` })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]));
    }
    await redis.quit();
  });

  describeStateStoreContract('Redis state store', () => ({
    store: () => createRedisStateStore(redis, { prefix }),
    elapse: (ms) => sleep(ms),
    shortTtlMs: 150,
  }));

  it('writes JSON under ${prefix}state:${key} with a PX expiry', async () => {
    const store = createRedisStateStore(redis, { prefix });
    await store.set('layout', { version: 3, state: { a: 1 } }, 60_000);
    expect(JSON.parse((await redis.get(`${prefix}state:layout`)) ?? 'null')).toEqual({ version: 3, state: { a: 1 } });
    const ttl = await redis.pttl(`${prefix}state:layout`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('throws naming the key when the stored value is not JSON', async () => {
    const store = createRedisStateStore(redis, { prefix });
    await redis.set(`${prefix}state:garbled`, '{not json', 'PX', 60_000);
    await expect(store.get('garbled')).rejects.toThrow(`${prefix}state:garbled`);
  });

  it('close() leaves the connection open for its owner', async () => {
    const store = createRedisStateStore(redis, { prefix });
    await store.close();
    expect(await redis.ping()).toBe('PONG');
  });
});

import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRedisLockManager, type RedisLockManagerOptions } from '../../src/gateway/redis.lock.js';
import { LockTimeoutError, type LockManager } from '../../src/gateway/state-store.port.js';
import { haveRedis, redisUrl } from '../support/services.js';
import { deferred, describeLockContract } from './lock.contract.js';

const prefix = `relaydesk-test:${randomBytes(6).toString('hex')}:`;

/** A connection for release notices, opened as the composition root opens it (src/app.ts). */
const subscriberOf = (conn: Redis): Redis => conn.duplicate({ enableOfflineQueue: true, enableReadyCheck: false });

// Two connections (each with its subscriber) stand for two gateway instances sharing one Redis.
describe.skipIf(!haveRedis())('Redis lock (needs REDIS_URL)', () => {
  let one: Redis;
  let two: Redis;
  let subOne: Redis;
  let subTwo: Redis;
  const opened: LockManager[] = [];
  const manager = (conn: Redis, opts: RedisLockManagerOptions = {}): LockManager => {
    const m = createRedisLockManager(conn, { prefix, ...opts });
    opened.push(m);
    return m;
  };

  beforeAll(() => {
    one = new Redis(redisUrl ?? '');
    two = new Redis(redisUrl ?? '');
    subOne = subscriberOf(one);
    subTwo = subscriberOf(two);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((m) => m.close()));
  });
  afterAll(async () => {
    for await (const keys of one.scanStream({ match: `${prefix}*` })) {
      if ((keys as string[]).length > 0) await one.del(...(keys as string[]));
    }
    await Promise.all([one.quit(), two.quit(), subOne.quit(), subTwo.quit()]);
  });

  describeLockContract('Redis lock, two instances', () => ({
    managers: () => [createRedisLockManager(one, { prefix, subscriber: subOne }), createRedisLockManager(two, { prefix, subscriber: subTwo })],
  }));

  describeLockContract('Redis lock, polling only', () => ({
    managers: () => [
      createRedisLockManager(one, { prefix, retryMs: 20 }),
      createRedisLockManager(two, { prefix, retryMs: 20 }),
    ],
  }));

  it('renews the lease while a long fn runs, so the other instance cannot take it', async () => {
    const lost = vi.fn();
    const a = manager(one, { leaseMs: 300, onLeaseLost: lost });
    const b = manager(two, { leaseMs: 300 });
    const entered = deferred();
    const holding = a.withLock('long', async () => {
      entered.resolve();
      await sleep(1000);
      return 'done';
    });
    await entered.promise;
    let stolen = false;
    const attempt = b.withLock('long', async () => {
      stolen = true;
    }, { waitMs: 700 });
    await expect(attempt).rejects.toBeInstanceOf(LockTimeoutError);
    expect(await one.pttl(`${prefix}lock:long`)).toBeGreaterThan(0);
    expect(await holding).toBe('done');
    expect(stolen).toBe(false);
    expect(lost).not.toHaveBeenCalled();
    expect(await one.exists(`${prefix}lock:long`)).toBe(0);
  });

  it("takes over a crashed holder's lock once its lease lapses", async () => {
    await one.set(`${prefix}lock:crashed`, 'token-of-a-dead-instance', 'PX', 300);
    const a = manager(two, { retryMs: 50 });
    const seen = await a.withLock('crashed', () => two.get(`${prefix}lock:crashed`), { waitMs: 5000 });
    expect(seen).not.toBe('token-of-a-dead-instance');
    expect(seen).toEqual(expect.any(String));
    expect(await one.exists(`${prefix}lock:crashed`)).toBe(0);
  });

  it('reports a lost lease and leaves the new holder its lock', async () => {
    const lost = vi.fn();
    const a = manager(one, { leaseMs: 300, onLeaseLost: lost });
    const result = await a.withLock('lost', async () => {
      // Another instance took the lock after our lease lapsed (a long GC pause, say).
      await two.set(`${prefix}lock:lost`, 'intruder', 'PX', 60_000);
      await sleep(300);
      return 'finished anyway';
    });
    expect(result).toBe('finished anyway');
    expect(lost).toHaveBeenCalledTimes(1);
    expect(lost).toHaveBeenCalledWith({ key: 'lost', cause: undefined });
    expect(await one.get(`${prefix}lock:lost`)).toBe('intruder');
  });

  it('wakes a waiter on release by pub/sub, without waiting for a retry', async () => {
    const a = manager(one);
    // A 60 s retry and wait: only the release notice can hand the lock over within the test timeout.
    const b = manager(two, { retryMs: 60_000, subscriber: subTwo });
    const entered = deferred();
    const holding = a.withLock('notified', async () => {
      entered.resolve();
      await sleep(100);
    });
    await entered.promise;
    expect(await b.withLock('notified', async () => 'handed over', { waitMs: 60_000 })).toBe('handed over');
    await holding;
  }, 10_000);

  it('uses the connections it is given and opens none of its own, and close() leaves them open', async () => {
    // Named connections: a duplicate of either (ioredis copies the name) would show in CLIENT LIST.
    const tag = randomBytes(6).toString('hex');
    const main = new Redis(redisUrl ?? '', { connectionName: `lock-main-${tag}` });
    const sub = new Redis(redisUrl ?? '', { connectionName: `lock-sub-${tag}`, enableOfflineQueue: true, enableReadyCheck: false });
    try {
      const waiter = createRedisLockManager(main, { prefix, subscriber: sub, retryMs: 60_000 });
      const holder = manager(one);
      const entered = deferred();
      const holding = holder.withLock('injected', async () => {
        entered.resolve();
        await sleep(100);
      });
      await entered.promise;
      // A 60 s retry: only a release notice on `sub` can hand the lock over in time.
      expect(await waiter.withLock('injected', async () => 'woken', { waitMs: 60_000 })).toBe('woken');
      await holding;
      const clients = String(await one.client('LIST')).split('\n');
      expect(clients.filter((c) => c.includes(`name=lock-main-${tag} `))).toHaveLength(1);
      const subs = clients.filter((c) => c.includes(`name=lock-sub-${tag} `));
      expect(subs).toHaveLength(1);
      expect(subs[0]).toMatch(/ sub=1 /);
      await waiter.close();
      expect([main.status, sub.status]).toEqual(['ready', 'ready']);
    } finally {
      await Promise.all([main.quit(), sub.quit()]);
    }
  }, 10_000);

  it('still works by polling after close()', async () => {
    const a = manager(one, { retryMs: 20, subscriber: subOne });
    await a.close();
    expect(await a.withLock('closed', async () => 'ok')).toBe('ok');
  });
});

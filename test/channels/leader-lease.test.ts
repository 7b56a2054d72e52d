import { Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { LeaderLease } from '../../src/channels/leader-lease.js';
import { haveRedis, redisUrl } from '../support/services.js';
import { startTcpProxy, targetOf } from '../support/tcp-proxy.js';

const logger = pino({ level: 'silent' });
const until = async (check: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** A led task that runs until its signal aborts, counting how many copies run at once. */
function task(running: { now: number; max: number; runs: number }) {
  return (signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      running.now++;
      running.runs++;
      running.max = Math.max(running.max, running.now);
      signal.addEventListener('abort', () => {
        running.now--;
        resolve();
      }, { once: true });
    });
}

describe('LeaderLease without Redis', () => {
  it('leads at once, and stops the task on stop', async () => {
    const running = { now: 0, max: 0, runs: 0 };
    const lease = new LeaderLease({ redis: null, name: 'solo', logger });
    lease.start(task(running));
    await until(() => running.now === 1);
    expect(lease.isLeader).toBe(true);
    await lease.stop();
    expect(running.now).toBe(0);
    expect(lease.isLeader).toBe(false);
  });

  it('stands again when the task ends by itself', async () => {
    let runs = 0;
    const lease = new LeaderLease({ redis: null, name: 'flaky', leaseMs: 300, logger });
    lease.start(async () => {
      runs++;
    });
    await until(() => runs >= 2);
    await lease.stop();
  });
});

describe.skipIf(!haveRedis())('LeaderLease on Redis (needs REDIS_URL)', () => {
  const clients: Redis[] = [];
  const client = () => {
    const c = new Redis(redisUrl!);
    clients.push(c);
    return c;
  };
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.quit()));
  });

  it('runs exactly one task among instances, and another takes over when the leader stops', async () => {
    const name = `test:${Math.random().toString(36).slice(2)}`;
    const running = { now: 0, max: 0, runs: 0 };
    const leases = [0, 1, 2].map(() => new LeaderLease({ redis: client(), name, leaseMs: 600, logger }));
    for (const l of leases) l.start(task(running));
    await until(() => running.now === 1);
    await new Promise((r) => setTimeout(r, 700)); // longer than a lease: renewals keep it
    expect(running.max).toBe(1);
    const leader = leases.find((l) => l.isLeader)!;
    await leader.stop();
    await until(() => running.now === 1 && leases.some((l) => l !== leader && l.isLeader));
    expect(running.max).toBe(1);
    expect(running.runs).toBe(2);
    for (const l of leases) await l.stop();
    expect(running.now).toBe(0);
  });

  it('takes over from a leader that died without resigning', async () => {
    const name = `test:${Math.random().toString(36).slice(2)}`;
    const dead = client();
    await dead.set(`relaydesk:leader:${name}`, 'someone-gone', 'PX', 500);
    const running = { now: 0, max: 0, runs: 0 };
    const lease = new LeaderLease({ redis: client(), name, leaseMs: 600, logger });
    lease.start(task(running));
    await new Promise((r) => setTimeout(r, 100));
    expect(running.now).toBe(0);
    await until(() => running.now === 1, 3000);
    await lease.stop();
  });

  it('stops its task when the lease is taken away', async () => {
    const name = `test:${Math.random().toString(36).slice(2)}`;
    const redis = client();
    const running = { now: 0, max: 0, runs: 0 };
    const lease = new LeaderLease({ redis, name, leaseMs: 600, logger });
    lease.start(task(running));
    await until(() => running.now === 1);
    await redis.set(`relaydesk:leader:${name}`, 'usurper', 'PX', 5000);
    await until(() => running.now === 0, 3000);
    await lease.stop();
    expect(await redis.get(`relaydesk:leader:${name}`)).toBe('usurper'); // never deletes another holder's lease
  });

  it('keeps leading through a Redis outage shorter than the lease', async () => {
    const proxy = await startTcpProxy(targetOf(redisUrl!, 6379));
    const redis = new Redis(proxy.via(redisUrl!), { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    redis.on('error', () => undefined);
    let refused = 0;
    const evaluate = redis.eval.bind(redis) as (...args: unknown[]) => Promise<unknown>;
    redis.eval = ((...args: unknown[]) => evaluate(...args).catch((e: unknown) => {
      refused++;
      throw e;
    })) as typeof redis.eval;
    const name = `test:${Math.random().toString(36).slice(2)}`;
    const running = { now: 0, max: 0, runs: 0 };
    const lease = new LeaderLease({ redis, name, leaseMs: 3000, logger });
    try {
      lease.start(task(running));
      await until(() => running.now === 1);
      await proxy.cut();
      // Two renewals fail (a third of the lease apart)…
      await until(() => refused >= 2, 5000);
      expect(running.now).toBe(1);
      await proxy.restore();
      // …and once Redis answers again the lease is renewed, never handed over.
      await until(() => redis.status === 'ready');
      expect(running.runs).toBe(1);
      expect(lease.isLeader).toBe(true);
    } finally {
      await lease.stop();
      redis.disconnect();
      await proxy.close();
    }
  });
});

import { describe, expect, it } from 'vitest';
import { createMemoryLockManager } from '../../src/gateway/memory.lock.js';
import { LockTimeoutError } from '../../src/gateway/state-store.port.js';
import { deferred, describeLockContract } from './lock.contract.js';

describeLockContract('memory lock', () => ({
  managers: () => {
    const m = createMemoryLockManager();
    return [m, m];
  },
}));

describe('memory lock', () => {
  it('serves waiters of a key in arrival order', async () => {
    const locks = createMemoryLockManager();
    const order: number[] = [];
    const held = deferred();
    const first = locks.withLock('k', () => held.promise);
    const rest = [1, 2, 3, 4, 5].map((i) =>
      locks.withLock('k', async () => {
        order.push(i);
      }),
    );
    held.resolve();
    await Promise.all([first, ...rest]);
    expect(order).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps nothing for idle keys after success, failure and timeout', async () => {
    const locks = createMemoryLockManager();
    await Promise.all(Array.from({ length: 50 }, (_, i) => locks.withLock(`k${i % 5}`, async () => i)));
    await expect(locks.withLock('fails', async () => Promise.reject(new Error('x')))).rejects.toThrow('x');

    const held = deferred();
    const holding = locks.withLock('busy', () => held.promise);
    const timedOut = locks.withLock('busy', async () => 'never', { waitMs: 20 });
    const queued = locks.withLock('busy', async () => 'later');
    await expect(timedOut).rejects.toBeInstanceOf(LockTimeoutError);
    expect(locks.activeKeys).toBe(1);
    held.resolve();
    await holding;
    expect(await queued).toBe('later');
    expect(locks.activeKeys).toBe(0);
  });

  it('passes the lock on past a waiter that timed out', async () => {
    const locks = createMemoryLockManager();
    const held = deferred();
    const holding = locks.withLock('k', () => held.promise);
    const gaveUp = locks.withLock('k', async () => 'gave up', { waitMs: 10 });
    const patient = locks.withLock('k', async () => 'patient');
    await expect(gaveUp).rejects.toBeInstanceOf(LockTimeoutError);
    held.resolve();
    await holding;
    expect(await patient).toBe('patient');
  });
});

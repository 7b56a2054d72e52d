import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { LockTimeoutError, type LockManager } from '../../src/gateway/state-store.port.js';

export interface LockHarness {
  /**
   * Two managers that must exclude each other: the same one twice for a
   * single-process implementation, two instances on separate connections otherwise.
   */
  managers: () => [LockManager, LockManager];
}

/** A promise with its resolve function, to hold a lock until the test says so. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** The behaviour every LockManager must have, run against each implementation. */
export function describeLockContract(name: string, harness: () => LockHarness): void {
  describe(`${name} (LockManager contract)`, () => {
    const opened = new Set<LockManager>();
    const setup = (): [LockManager, LockManager] => {
      const pair = harness().managers();
      pair.forEach((m) => opened.add(m));
      return pair;
    };
    const freshKey = (): string => `conv-${randomUUID()}`;
    afterEach(async () => {
      await Promise.all([...opened].map((m) => m.close()));
      opened.clear();
    });

    it('returns what fn returns', async () => {
      const [a] = setup();
      expect(await a.withLock(freshKey(), async () => 42)).toBe(42);
    });

    it('runs concurrent read-modify-write sections one at a time', async () => {
      const [a, b] = setup();
      const key = freshKey();
      let counter = 0;
      let inside = 0;
      let maxInside = 0;
      const increment = async (): Promise<void> => {
        inside += 1;
        maxInside = Math.max(maxInside, inside);
        const read = counter;
        await sleep(1);
        await Promise.resolve();
        counter = read + 1;
        inside -= 1;
      };
      const n = 24;
      await Promise.all(
        Array.from({ length: n }, (_, i) => (i % 2 === 0 ? a : b).withLock(key, increment, { waitMs: 20_000 })),
      );
      expect(counter).toBe(n);
      expect(maxInside).toBe(1);
    });

    it('does not block one key while another is held', async () => {
      const [a, b] = setup();
      const held = deferred();
      const entered = deferred();
      const holding = a.withLock(freshKey(), async () => {
        entered.resolve();
        await held.promise;
      });
      await entered.promise;
      // Were the keys confused, this would time out instead.
      expect(await b.withLock(freshKey(), async () => 'other key', { waitMs: 2000 })).toBe('other key');
      held.resolve();
      await holding;
    });

    it('releases the lock when fn throws, and passes the error on', async () => {
      const [a, b] = setup();
      const key = freshKey();
      const boom = new Error('boom');
      await expect(a.withLock(key, async () => Promise.reject(boom))).rejects.toBe(boom);
      expect(await b.withLock(key, async () => 'after', { waitMs: 2000 })).toBe('after');
    });

    it('throws LockTimeoutError after waitMs and never runs the waiter', async () => {
      const [a, b] = setup();
      const key = freshKey();
      const held = deferred();
      const entered = deferred();
      const holding = a.withLock(key, async () => {
        entered.resolve();
        await held.promise;
      });
      await entered.promise;
      let ran = false;
      const waiting = b.withLock(key, async () => {
        ran = true;
      }, { waitMs: 150 });
      await expect(waiting).rejects.toBeInstanceOf(LockTimeoutError);
      await expect(waiting).rejects.toMatchObject({ key, code: 'lock_timeout' });
      held.resolve();
      await holding;
      expect(await b.withLock(key, async () => 'free again', { waitMs: 2000 })).toBe('free again');
      expect(ran).toBe(false);
    });

    it('takes a free lock even with waitMs 0', async () => {
      const [a] = setup();
      expect(await a.withLock(freshKey(), async () => 'now', { waitMs: 0 })).toBe('now');
    });
  });
}

import { LockTimeoutError, type LockManager } from './state-store.port.js';

/** Default time a caller waits for a lock before LockTimeoutError. */
export const DEFAULT_LOCK_WAIT_MS = 30_000;

/** A {@link LockManager} for one process, with a count of keys it tracks. */
export interface MemoryLockManager extends LockManager {
  /** Keys currently held or waited for; 0 when idle (nothing is kept for idle keys). */
  readonly activeKeys: number;
}

interface Waiter {
  grant: () => void;
  timer: NodeJS.Timeout;
}

/**
 * Mutual exclusion within one process: callers of the same key run one at a
 * time in arrival order (FIFO). A caller that gives up after `waitMs` leaves
 * the queue and its `fn` never runs. A key's entry is removed as soon as
 * nobody holds or waits for it. `close()` does nothing: holders finish and
 * waiters keep their own deadlines.
 */
export function createMemoryLockManager(): MemoryLockManager {
  /** For each busy key, the callers waiting behind the current holder. */
  const queues = new Map<string, Waiter[]>();

  const release = (key: string): void => {
    const queue = queues.get(key);
    const next = queue?.shift();
    if (!next) {
      queues.delete(key);
      return;
    }
    clearTimeout(next.timer);
    next.grant();
  };

  const acquire = (key: string, waitMs: number): Promise<void> => {
    const queue = queues.get(key);
    if (!queue) {
      queues.set(key, []);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        grant: resolve,
        timer: setTimeout(() => {
          queue.splice(queue.indexOf(waiter), 1);
          reject(new LockTimeoutError(key, waitMs));
        }, waitMs),
      };
      queue.push(waiter);
    });
  };

  return {
    get activeKeys() {
      return queues.size;
    },
    async withLock(key, fn, opts = {}) {
      await acquire(key, opts.waitMs ?? DEFAULT_LOCK_WAIT_MS);
      try {
        return await fn();
      } finally {
        release(key);
      }
    },
    async close() {
      // Nothing to release: holders finish on their own.
    },
  };
}

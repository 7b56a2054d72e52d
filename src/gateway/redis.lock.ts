import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { createMemoryLockManager, DEFAULT_LOCK_WAIT_MS } from './memory.lock.js';
import { LockTimeoutError, type LockManager } from './state-store.port.js';

export interface RedisLockManagerOptions {
  /** Prepended to every key and channel. Default `relaydesk:`. */
  prefix?: string;
  /** Lease length in ms, renewed every third of it while `fn` runs. Default 10 000. */
  leaseMs?: number;
  /** Base retry interval in ms while waiting, randomised ±50 %. Default 100. */
  retryMs?: number;
  /**
   * A connection of its own for release notices (SUBSCRIBE takes a connection
   * over), so waiters wake as soon as a lock is released. It belongs to the
   * caller, who opens it, handles its errors and quits it after `close()`; it
   * may be shared by several managers. Open it with an offline queue (SUBSCRIBE
   * then waits for the connection) and without a ready check, which fails on a
   * connection in subscriber mode:
   * `redis.duplicate({ enableOfflineQueue: true, enableReadyCheck: false })`.
   * Without it, waiters poll every `retryMs`.
   */
  subscriber?: Redis | null;
  /** Called when a held lease could not be kept; the default logs it with `log`. */
  onLeaseLost?: (event: LeaseLostEvent) => void;
  /** Where errors are logged (a pino logger fits). Default `console.error`. */
  log?: { error(obj: object, msg?: string): void };
}

/** A lease expired or was taken over while its holder's `fn` was still running. */
export interface LeaseLostEvent {
  key: string;
  /** The Redis error that kept the lease from being renewed, if any. */
  cause?: unknown;
}

// Both scripts act only if the key still holds our token, so a holder whose
// lease has expired can neither extend nor delete another holder's lock.
// https://redis.io/docs/latest/develop/use/patterns/distributed-locks/
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('pexpire', KEYS[1], ARGV[2]) end return 0`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then
  redis.call('del', KEYS[1]) redis.call('publish', ARGV[2], ARGV[3]) return 1 end return 0`;

const defaultLog = { error: (obj: object, msg?: string) => console.error(msg, obj) };

/**
 * A {@link LockManager} shared by every gateway instance on one Redis.
 *
 * The lock on `key` is `${prefix}lock:${key}` holding a random token, taken with
 * `SET NX PX leaseMs` and renewed while `fn` runs, so a long `fn` keeps it and a
 * crashed holder's lock lapses after at most `leaseMs`. Release is a
 * compare-and-delete that publishes the key on `${prefix}lock:released`.
 *
 * Waiting: callers in one process queue locally (FIFO), so only the head of the
 * queue asks Redis. It retries `SET NX` after a randomised `retryMs` or as soon
 * as a release notice arrives, whichever is first; across instances there is
 * no fairness. Past `waitMs` (default 30 s) it throws LockTimeoutError.
 *
 * If a renewal fails and the lease lapses, `fn` cannot be stopped: the loss is
 * reported through `onLeaseLost` and `fn` runs to the end, no longer exclusive.
 * Keep `fn` idempotent against the database (versioned writes) for that case.
 *
 * The manager opens no connection: both belong to the caller. `close()` stops
 * listening to release notices (waiting callers then fall back to polling) and
 * leaves the connections open.
 */
export function createRedisLockManager(redis: Redis, opts: RedisLockManagerOptions = {}): LockManager {
  const prefix = opts.prefix ?? 'relaydesk:';
  const leaseMs = opts.leaseMs ?? 10_000;
  const retryMs = opts.retryMs ?? 100;
  const log = opts.log ?? defaultLog;
  const onLeaseLost =
    opts.onLeaseLost ??
    ((e: LeaseLostEvent) => log.error({ key: e.key, err: e.cause }, 'lock lease lost while held: fn is no longer exclusive'));
  const channel = `${prefix}lock:released`;
  const local = createMemoryLockManager();
  const notices = createReleaseNotices(opts.subscriber ?? null, channel, log);

  const tryAcquire = async (lockKey: string, token: string): Promise<boolean> =>
    (await redis.set(lockKey, token, 'PX', leaseMs, 'NX')) === 'OK';

  const acquire = async (key: string, token: string, deadline: number, waitMs: number): Promise<void> => {
    const lockKey = `${prefix}lock:${key}`;
    if (await tryAcquire(lockKey, token)) return;
    await notices.ready();
    for (;;) {
      const wake = notices.listen(key);
      try {
        if (await tryAcquire(lockKey, token)) return;
        const remaining = deadline - Date.now();
        if (remaining <= 0) throw new LockTimeoutError(key, waitMs);
        await wake.wait(Math.min(remaining, retryMs * (0.5 + Math.random())));
      } finally {
        wake.cancel();
      }
    }
  };

  const hold = async <T>(key: string, fn: () => Promise<T>, deadline: number, waitMs: number): Promise<T> => {
    const token = randomUUID();
    const lockKey = `${prefix}lock:${key}`;
    await acquire(key, token, deadline, waitMs);
    const lease = keepLease({ redis, lockKey, token, leaseMs, lost: (cause) => onLeaseLost({ key, cause }) });
    try {
      return await fn();
    } finally {
      lease.stop();
      try {
        const released = await redis.eval(RELEASE, 1, lockKey, token, channel, key);
        if (released === 0) lease.reportLost();
      } catch (err) {
        // fn's outcome stands; the lease lapses by itself within leaseMs.
        log.error({ key, err }, 'could not release lock');
      }
    }
  };

  return {
    withLock(key, fn, wopts = {}) {
      const waitMs = wopts.waitMs ?? DEFAULT_LOCK_WAIT_MS;
      const deadline = Date.now() + waitMs;
      return local.withLock(key, () => hold(key, fn, deadline, waitMs), { waitMs });
    },
    close: () => notices.close(),
  };
}

interface LeaseKeeper {
  stop(): void;
  /** Reports the loss once, however many times it is noticed. */
  reportLost(cause?: unknown): void;
}

function keepLease(o: { redis: Redis; lockKey: string; token: string; leaseMs: number; lost: (cause?: unknown) => void }): LeaseKeeper {
  let stopped = false;
  let reported = false;
  let renewedAt = Date.now();
  let timer: NodeJS.Timeout | undefined;

  const keeper: LeaseKeeper = {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
    reportLost(cause) {
      if (reported) return;
      reported = true;
      o.lost(cause);
    },
  };

  const renew = async (): Promise<void> => {
    try {
      const ok = await o.redis.eval(RENEW, 1, o.lockKey, o.token, o.leaseMs);
      if (stopped) return;
      if (ok === 0) return keeper.reportLost();
      renewedAt = Date.now();
    } catch (err) {
      if (stopped) return;
      // A transient error is retried on the next tick, until the lease has run out.
      if (Date.now() - renewedAt >= o.leaseMs) return keeper.reportLost(err);
    }
    schedule();
  };
  const schedule = (): void => {
    timer = setTimeout(() => void renew(), Math.max(1, Math.floor(o.leaseMs / 3)));
    timer.unref();
  };
  schedule();
  return keeper;
}

interface ReleaseNotices {
  /** Resolves once release notices are subscribed to (or given up on). */
  ready(): Promise<void>;
  listen(key: string): { wait(ms: number): Promise<void>; cancel(): void };
  close(): Promise<void>;
}

function createReleaseNotices(subscriber: Redis | null, channel: string, log: { error(obj: object, msg?: string): void }): ReleaseNotices {
  const listeners = new Map<string, Set<() => void>>();
  let subscribed: Promise<void> | undefined;
  let closed = false;

  // The connection may carry other subscriptions: only this channel's notices are ours.
  const onMessage = (from: string, key: string): void => {
    if (from !== channel) return;
    for (const wake of listeners.get(key) ?? []) wake();
  };

  const subscribe = async (client: Redis): Promise<void> => {
    client.on('message', onMessage);
    try {
      // With an offline queue, SUBSCRIBE waits for the connection, and ioredis subscribes again after each reconnection.
      await client.subscribe(channel);
    } catch (err) {
      log.error({ err, channel }, 'cannot subscribe to lock releases yet; waiting by polling meanwhile');
      client.off('message', onMessage);
      // The next waiter tries again.
      subscribed = undefined;
    }
  };

  return {
    ready() {
      if (!subscriber || closed) return Promise.resolve();
      subscribed ??= subscribe(subscriber);
      return subscribed;
    },
    listen(key) {
      let wake: () => void = () => {};
      let timer: NodeJS.Timeout | undefined;
      const set = listeners.get(key) ?? new Set();
      listeners.set(key, set);
      const woken = new Promise<void>((resolve) => {
        wake = resolve;
      });
      set.add(wake);
      return {
        wait(ms) {
          timer = setTimeout(wake, ms);
          return woken;
        },
        cancel() {
          clearTimeout(timer);
          set.delete(wake);
          if (set.size === 0 && listeners.get(key) === set) listeners.delete(key);
        },
      };
    },
    async close() {
      closed = true;
      await subscribed;
      subscriber?.off('message', onMessage);
      subscribed = undefined;
    },
  };
}

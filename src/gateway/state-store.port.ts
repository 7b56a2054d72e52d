/**
 * Hot copy of conversation states, keyed by conversation (customer id).
 * The database snapshot written with each step is the durable copy; this store
 * saves a database read per message and forgets abandoned conversations after
 * their TTL. Implementations: memory (embedded default, tests) and Redis.
 */
export interface StateStore {
  /** The value stored under `key`, or null if none or expired. */
  get(key: string): Promise<StoredState | null>;
  /** Stores `value` under `key`, replacing any, forgotten after `ttlMs`. */
  set(key: string, value: StoredState, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Returns what `get` would and deletes it, in one step (what a conversation step does first). */
  take(key: string): Promise<StoredState | null>;
  close(): Promise<void>;
}

export interface StoredState {
  version: number;
  /** Serialisable conversation state. */
  state: unknown;
}

/**
 * Mutual exclusion per key, across every gateway instance that shares it.
 * Implementations: memory (one process) and Redis (a lease renewed while held).
 */
export interface LockManager {
  /**
   * Runs `fn` while holding the lock on `key`, waiting up to `waitMs` for it.
   * Throws LockTimeoutError if it cannot be had in time.
   */
  withLock<T>(key: string, fn: () => Promise<T>, opts?: { waitMs?: number }): Promise<T>;
  close(): Promise<void>;
}

export class LockTimeoutError extends Error {
  override readonly name = 'LockTimeoutError';
  readonly code = 'lock_timeout';
  constructor(readonly key: string, waitMs: number) {
    super(`could not lock ${key} within ${waitMs} ms`);
  }
}

/** The state store (Redis) could not be reached: the durable copy in the database stays right. */
export class StateStoreError extends Error {
  override readonly name = 'StateStoreError';
  readonly code = 'unavailable';
  constructor(message: string, options: { cause?: unknown } = {}) {
    super(message, options);
  }
}

import type { StateStore, StoredState } from './state-store.port.js';

export interface MemoryStateStoreOptions {
  /** Clock in epoch milliseconds; tests pass a fake one. Default `Date.now`. */
  now?: () => number;
  /** How often expired entries are swept, in ms. Default 60 000. */
  sweepIntervalMs?: number;
}

interface Entry {
  json: string;
  expiresAt: number;
}

/**
 * The embedded {@link StateStore}: one process, nothing survives a restart.
 *
 * Values are kept as JSON text, so a caller can never mutate what is stored,
 * and they come back exactly as from the Redis store (a `Date` becomes a
 * string, `undefined` properties vanish). Expired entries are dropped when
 * read and by a periodic sweep whose timer does not keep the process alive;
 * `close()` stops the sweep and forgets everything.
 */
export function createMemoryStateStore(opts: MemoryStateStoreOptions = {}): StateStore {
  const now = opts.now ?? Date.now;
  const entries = new Map<string, Entry>();

  const sweep = (): void => {
    const t = now();
    for (const [key, entry] of entries) {
      if (entry.expiresAt <= t) entries.delete(key);
    }
  };
  const timer = setInterval(sweep, opts.sweepIntervalMs ?? 60_000);
  timer.unref();

  const get = (key: string): StoredState | null => {
    const entry = entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return null;
    }
    return JSON.parse(entry.json) as StoredState;
  };

  return {
    async get(key) {
      return get(key);
    },
    async take(key) {
      const value = get(key);
      entries.delete(key);
      return value;
    },
    async set(key, value, ttlMs) {
      if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
      entries.set(key, { json: JSON.stringify(value), expiresAt: now() + Math.ceil(ttlMs) });
    },
    async delete(key) {
      entries.delete(key);
    },
    async close() {
      clearInterval(timer);
      entries.clear();
    },
  };
}

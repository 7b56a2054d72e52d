import type { Redis } from 'ioredis';
import { StateStoreError, type StateStore, type StoredState } from './state-store.port.js';

export interface RedisStateStoreOptions {
  /** Prepended to every key, e.g. `relaydesk:`. Default `relaydesk:`. */
  prefix?: string;
}

/**
 * The shared {@link StateStore}: each value is JSON under `${prefix}state:${key}`,
 * set with a PX expiry so Redis forgets abandoned conversations by itself.
 *
 * The connection belongs to the caller (the composition root): `close()` does
 * nothing, and the caller quits the connection after closing its users.
 * A value that is not valid JSON (written by something else) makes `get`
 * throw, naming the key; the database snapshot remains the durable copy.
 * A command Redis did not answer throws StateStoreError.
 */
export function createRedisStateStore(redis: Redis, opts: RedisStateStoreOptions = {}): StateStore {
  const prefix = opts.prefix ?? 'relaydesk:';
  const keyOf = (key: string): string => `${prefix}state:${key}`;

  const parse = (key: string, json: string | null): StoredState | null => {
    if (json === null) return null;
    try {
      return JSON.parse(json) as StoredState;
    } catch (cause) {
      throw new Error(`state under ${keyOf(key)} is not valid JSON`, { cause });
    }
  };

  const command = async <T>(what: string, key: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (cause) {
      throw new StateStoreError(`${what} of ${keyOf(key)} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    }
  };

  return {
    async get(key) {
      return parse(key, await command('GET', key, () => redis.get(keyOf(key))));
    },
    // GETDEL (Redis 6.2+): read and drop in one command and one round trip.
    async take(key) {
      return parse(key, await command('GETDEL', key, () => redis.getdel(keyOf(key))));
    },
    async set(key, value, ttlMs) {
      if (!(ttlMs > 0) || !Number.isFinite(ttlMs)) throw new RangeError(`ttlMs must be a positive number, got ${ttlMs}`);
      // PX takes whole milliseconds; rounding up never expires a value early.
      await command('SET', key, () => redis.set(keyOf(key), JSON.stringify(value), 'PX', Math.ceil(ttlMs)));
    },
    async delete(key) {
      await command('DEL', key, () => redis.del(keyOf(key)));
    },
    async close() {
      // The connection is not ours to quit.
    },
  };
}

import { afterEach, describe, expect, it } from 'vitest';
import type { StateStore, StoredState } from '../../src/gateway/state-store.port.js';

export interface StateStoreHarness {
  /** A fresh store whose keys no other test file sees. */
  store: () => StateStore;
  /** Lets `ms` of store time pass (a fake clock, or real waiting). */
  elapse: (ms: number) => Promise<void>;
  /** A TTL the harness can outlive with `elapse`, in ms. */
  shortTtlMs: number;
}

const HOUR = 3_600_000;

/** The behaviour every StateStore must have, run against each implementation. */
export function describeStateStoreContract(name: string, harness: () => StateStoreHarness): void {
  describe(`${name} (StateStore contract)`, () => {
    const opened: StateStore[] = [];
    const setup = (): Omit<StateStoreHarness, 'store'> & { store: StateStore } => {
      const h = harness();
      const store = h.store();
      opened.push(store);
      return { ...h, store };
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((s) => s.close()));
    });

    it('returns null for a key never set', async () => {
      const { store } = setup();
      expect(await store.get('nobody')).toBeNull();
    });

    it('gets what was set, overwrites it, and forgets it on delete', async () => {
      const { store } = setup();
      await store.set('c1', { version: 1, state: { step: 'subject' } }, HOUR);
      expect(await store.get('c1')).toEqual({ version: 1, state: { step: 'subject' } });
      await store.set('c1', { version: 2, state: { step: 'description' } }, HOUR);
      expect(await store.get('c1')).toEqual({ version: 2, state: { step: 'description' } });
      await store.delete('c1');
      expect(await store.get('c1')).toBeNull();
      await store.delete('c1'); // deleting what is gone is not an error
    });

    it('takes a value: returns it and forgets it', async () => {
      const { store } = setup();
      expect(await store.take('t1')).toBeNull();
      await store.set('t1', { version: 3, state: { step: 'idle' } }, HOUR);
      expect(await store.take('t1')).toEqual({ version: 3, state: { step: 'idle' } });
      expect(await store.get('t1')).toBeNull();
      expect(await store.take('t1')).toBeNull();
    });

    it('keeps values JSON-exact: unicode, nesting, nulls, numbers', async () => {
      const { store } = setup();
      const value: StoredState = {
        version: 7,
        state: {
          text: 'Привет 👋 "quoted" \\ back\nslash',
          nested: { list: [1, 2.5, -3, null, true, { deep: [] }], empty: {} },
          none: null,
          big: Number.MAX_SAFE_INTEGER,
        },
      };
      await store.set('json', value, HOUR);
      expect(await store.get('json')).toEqual(value);
    });

    it('stores copies: mutating the argument or a result changes nothing stored', async () => {
      const { store } = setup();
      const value = { version: 1, state: { items: ['a'] } };
      await store.set('copy', value, HOUR);
      value.state.items.push('mutated-after-set');
      const first = (await store.get('copy')) as { state: { items: string[] } };
      first.state.items.push('mutated-after-get');
      expect(await store.get('copy')).toEqual({ version: 1, state: { items: ['a'] } });
    });

    it('keeps keys apart', async () => {
      const { store } = setup();
      await store.set('a', { version: 1, state: 'A' }, HOUR);
      await store.set('b', { version: 1, state: 'B' }, HOUR);
      await store.delete('a');
      expect(await store.get('a')).toBeNull();
      expect(await store.get('b')).toEqual({ version: 1, state: 'B' });
    });

    it('forgets a value after its TTL, and a new set renews it', async () => {
      const { store, elapse, shortTtlMs } = setup();
      await store.set('short', { version: 1, state: null }, shortTtlMs);
      await store.set('long', { version: 1, state: null }, HOUR);
      expect(await store.get('short')).not.toBeNull();
      await elapse(shortTtlMs * 2);
      expect(await store.get('short')).toBeNull();
      expect(await store.get('long')).not.toBeNull();

      await store.set('short', { version: 2, state: null }, HOUR);
      await elapse(shortTtlMs * 2);
      expect(await store.get('short')).toEqual({ version: 2, state: null });
    });

    it('rejects a TTL that is not a positive number', async () => {
      const { store } = setup();
      for (const ttl of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
        await expect(store.set('bad', { version: 1, state: null }, ttl)).rejects.toThrow(RangeError);
      }
      expect(await store.get('bad')).toBeNull();
    });
  });
}

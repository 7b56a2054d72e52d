import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryStateStore } from '../../src/gateway/memory.state-store.js';
import { describeStateStoreContract } from './state-store.contract.js';

describeStateStoreContract('memory state store', () => {
  let now = 1_700_000_000_000;
  return {
    store: () => createMemoryStateStore({ now: () => now }),
    elapse: async (ms) => {
      now += ms;
    },
    shortTtlMs: 60_000,
  };
});

describe('memory state store', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('expires exactly at the TTL on its clock', async () => {
    let now = 0;
    const store = createMemoryStateStore({ now: () => now });
    await store.set('k', { version: 1, state: null }, 1000);
    now = 999;
    expect(await store.get('k')).not.toBeNull();
    now = 1000;
    expect(await store.get('k')).toBeNull();
    await store.close();
  });

  it('sweeps on an unref-ed timer that close() stops', async () => {
    vi.useFakeTimers();
    const store = createMemoryStateStore({ sweepIntervalMs: 1000 });
    expect(vi.getTimerCount()).toBe(1);
    await store.set('k', { version: 1, state: null }, 500);
    vi.advanceTimersByTime(1000);
    expect(await store.get('k')).toBeNull();
    await store.close();
    expect(vi.getTimerCount()).toBe(0);
  });
});

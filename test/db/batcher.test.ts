import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/db/batcher.js';

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** A batcher over numbers that records the batches it ran; `gate` holds each batch until released. */
function makeBatcher(opts: { maxSize?: number; maxInFlight?: number; gate?: () => Promise<void> } = {}) {
  const batches: number[][] = [];
  const singles: number[] = [];
  const batcher = new Batcher<number, string>({
    ...opts,
    runBatch: async (items) => {
      batches.push(items);
      await opts.gate?.();
      if (items.includes(13)) throw new Error('unlucky batch');
      return items.map((n) => (n < 0 ? new Error(`negative ${n}`) : `b${n}`));
    },
    runOne: async (n) => {
      singles.push(n);
      if (n === 13) throw new Error('unlucky 13');
      return `one${n}`;
    },
  });
  return { batcher, batches, singles };
}

describe('Batcher', () => {
  it('runs calls made in the same tick as one batch, answering each in order', async () => {
    const { batcher, batches } = makeBatcher();
    expect(await Promise.all([1, 2, 3].map((n) => batcher.submit(n)))).toEqual(['b1', 'b2', 'b3']);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('gathers calls made by separate callbacks of one event-loop turn into one batch', async () => {
    // As messages read from several sockets at once are: each arrives in a callback of its own, and a
    // statement that finishes at once (PGlite, in process) must still not leave each of them alone.
    const { batcher, batches, singles } = makeBatcher();
    const results = await new Promise<string[]>((resolve) => {
      const calls: Array<Promise<string>> = [];
      for (const n of [1, 2, 3]) setImmediate(() => calls.push(batcher.submit(n)));
      setImmediate(() => resolve(Promise.all(calls)));
    });
    expect(results).toEqual(['b1', 'b2', 'b3']);
    expect(batches).toEqual([[1, 2, 3]]);
    expect(singles).toEqual([]);
  });

  it('starts at once again when batches span turns, as a round trip to PostgreSQL does', async () => {
    // Finishes after the turn's check phase for sure (a 1 ms timer could fire before it on a slow machine).
    const { batcher, batches, singles } = makeBatcher({ gate: () => new Promise((r) => setImmediate(() => setImmediate(r))) });
    await Promise.all([1, 2].map((n) => batcher.submit(n)));
    await new Promise<string[]>((resolve) => {
      const calls: Array<Promise<string>> = [];
      for (const n of [3, 4]) setImmediate(() => calls.push(batcher.submit(n)));
      setImmediate(() => resolve(Promise.all(calls)));
    });
    expect(batches).toEqual([[1, 2]]);
    expect(singles).toEqual([3, 4]);
  });

  it('runs a lone call alone', async () => {
    const { batcher, batches, singles } = makeBatcher();
    expect(await batcher.submit(7)).toBe('one7');
    expect(batches).toEqual([]);
    expect(singles).toEqual([7]);
  });

  it('queues calls while maxInFlight batches run, and sends them together next', async () => {
    const release = [deferred(), deferred()];
    let n = 0;
    const { batcher, batches } = makeBatcher({ maxInFlight: 1, gate: () => release[n++]?.promise ?? Promise.resolve() });
    const first = [batcher.submit(1), batcher.submit(2)];
    await new Promise((r) => setTimeout(r, 5));
    const second = [3, 4, 5].map((x) => batcher.submit(x));
    await new Promise((r) => setTimeout(r, 5));
    expect(batches).toEqual([[1, 2]]);
    release[0]!.resolve();
    await Promise.all(first);
    release[1]!.resolve();
    expect(await Promise.all(second)).toEqual(['b3', 'b4', 'b5']);
    expect(batches).toEqual([[1, 2], [3, 4, 5]]);
  });

  it('splits at maxSize', async () => {
    const { batcher, batches } = makeBatcher({ maxSize: 2, maxInFlight: 3 });
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.submit(n)));
    expect(batches).toEqual([[1, 2], [3, 4]]);
  });

  it('rejects only the callers whose item the batch refused', async () => {
    const { batcher } = makeBatcher();
    const results = await Promise.allSettled([1, -2, 3].map((n) => batcher.submit(n)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['b1', 'negative -2', 'b3']);
  });

  it('retries every item alone when the batch fails, so only the bad one fails', async () => {
    const { batcher, singles } = makeBatcher();
    const results = await Promise.allSettled([12, 13, 14].map((n) => batcher.submit(n)));
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual(['one12', 'unlucky 13', 'one14']);
    expect(singles.sort()).toEqual([12, 13, 14]);
  });
});

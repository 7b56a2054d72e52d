/**
 * pollUpdates against a stub getUpdates that keeps what was not confirmed, as
 * Telegram does: a failing update is retried in place and holds back only its
 * chat and the offset; stopping waits for the update in flight.
 */
import { pino } from 'pino';
import type { Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import { describe, expect, it } from 'vitest';
import { UpdateFailures } from '../../../src/channels/telegram/telegram.failures.js';
import { pollUpdates, type PollingDeps } from '../../../src/channels/telegram/telegram.polling.js';

const text = (update_id: number, chatId: number): Update =>
  ({ update_id, message: { message_id: update_id, date: 1_764_100_000, chat: { id: chatId, type: 'private', first_name: 'C' }, text: `u${update_id}` } }) as Update;

/**
 * getUpdates as Telegram answers it: everything from the offset on, held until
 * there is something. Records each offset with `note()` taken when it came.
 */
function stubBotApi(updates: Update[], note: () => boolean = () => false) {
  let queue = [...updates];
  const offsets: number[] = [];
  const notes: Array<{ offset: number; note: boolean }> = [];
  const telegram = {
    deleteWebhook: async () => true,
    callApi: (method: string, params: { offset: number }, options: { signal: AbortSignal }) => {
      if (method !== 'getUpdates') throw new Error(`unexpected ${method}`);
      offsets.push(params.offset);
      notes.push({ offset: params.offset, note: note() });
      queue = queue.filter((u) => u.update_id >= params.offset);
      // Answered on a later turn of the event loop, as over HTTP.
      const answer = structuredClone(queue);
      if (queue.length > 0) return new Promise((resolve) => setImmediate(() => resolve(answer)));
      return new Promise((_resolve, reject) => options.signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true }));
    },
  } as unknown as Telegram;
  return { telegram, offsets, notes, pending: () => queue.map((u) => u.update_id) };
}

function deps(telegram: Telegram, handle: PollingDeps['handle'], signal: AbortSignal): PollingDeps {
  return {
    telegram, handle, signal,
    ready: async () => undefined,
    failures: new UpdateFailures({ maxAttempts: 5, backoffMs: () => 20 }),
    setAside: async () => undefined,
    logger: pino({ level: 'silent' }),
    allowedUpdates: ['message'],
    inFlightPollMs: 20,
  };
}

describe('pollUpdates', () => {
  it('retries a failing update in its place: its chat waits, other chats go on, the offset stays before it', async () => {
    const handled: number[] = [];
    const api = stubBotApi([text(1, 10), text(2, 10), text(3, 20)], () => handled.includes(1));
    const controller = new AbortController();
    let failuresLeft = 3;
    await pollUpdates(deps(api.telegram, async (update) => {
      if (update.update_id === 1 && failuresLeft-- > 0) throw new Error('not now');
      handled.push(update.update_id);
      if (handled.length === 3) controller.abort();
    }, controller.signal));
    expect(handled).toEqual([3, 1, 2]);
    expect(api.notes.filter((p) => !p.note && p.offset > 1)).toEqual([]);
  });

  it('takes an update returned again while in flight once, waits instead of polling in a loop, and confirms all once done', async () => {
    const api = stubBotApi([text(1, 10), text(2, 20)]);
    const controller = new AbortController();
    const handled: number[] = [];
    let releaseOne: () => void = () => undefined;
    const oneBlocked = new Promise<void>((r) => (releaseOne = r));
    // Only an update finishing wakes the poll: the interval is out of reach here.
    const polling = pollUpdates({
      ...deps(api.telegram, async (u) => {
        handled.push(u.update_id);
        if (u.update_id === 1) await oneBlocked;
      }, controller.signal),
      inFlightPollMs: 60_000,
    });
    await expect.poll(() => handled).toEqual([1, 2]);
    await new Promise((r) => setTimeout(r, 100));
    // Each poll while 1 is in flight returns it again: polled once per update finished, not in a loop.
    expect(api.offsets.length).toBeLessThan(5);
    expect(api.offsets.every((o) => o <= 1)).toBe(true);
    releaseOne();
    await expect.poll(() => api.offsets.at(-1)).toBe(3);
    expect(api.pending()).toEqual([]);
    controller.abort();
    await polling;
    expect(handled).toEqual([1, 2]);
  });

  it('on abort lets the update in flight finish before it returns, confirming nothing more', async () => {
    const api = stubBotApi([text(1, 10), text(2, 10)]);
    const controller = new AbortController();
    let release: () => void = () => undefined;
    const started: number[] = [];
    let stopped = false;
    const polling = pollUpdates(deps(api.telegram, async (u) => {
      started.push(u.update_id);
      await new Promise<void>((r) => (release = r));
    }, controller.signal)).then(() => (stopped = true));
    await expect.poll(() => started).toEqual([1]);
    controller.abort();
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    release();
    await polling;
    expect(started).toEqual([1]); // 2 was not started: the next poller gets it
    expect(api.pending()).toEqual([1, 2]);
  });
});

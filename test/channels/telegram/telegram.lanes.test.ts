/**
 * The long-polling scheduler alone: chats in parallel, each in order, and the
 * offset never past an update that is not done. Each update's work is a promise
 * the test settles by hand.
 */
import type { Update } from 'telegraf/types';
import { describe, expect, it } from 'vitest';
import { laneOf, UpdateLanes } from '../../../src/channels/telegram/telegram.lanes.js';

const chat = (id: number) => ({ id, type: 'private' as const, first_name: 'C' });
const from = { id: 1, is_bot: false, first_name: 'U' };
const text = (update_id: number, chatId: number): Update =>
  ({ update_id, message: { message_id: update_id, date: 1_764_100_000, chat: chat(chatId), from, text: `u${update_id}` } }) as Update;

/** Lanes whose updates finish only when the test says so. */
function harness() {
  const controller = new AbortController();
  const started: number[] = [];
  const finishers = new Map<number, (finished: boolean) => void>();
  const lanes = new UpdateLanes({
    signal: controller.signal,
    run: (update) =>
      new Promise<boolean>((resolve) => {
        started.push(update.update_id);
        finishers.set(update.update_id, resolve);
      }),
  });
  /** Finishes a running update and lets its lane go on. */
  const finish = async (id: number, finished = true) => {
    const resolve = finishers.get(id);
    if (!resolve) throw new Error(`update ${id} is not running; started: ${started.join(', ')}`);
    finishers.delete(id);
    resolve(finished);
    await new Promise((r) => setImmediate(r));
  };
  return { lanes, started, finish, controller };
}

describe('UpdateLanes', () => {
  it('runs chats in parallel and each chat in order', async () => {
    const { lanes, started, finish } = harness();
    expect(lanes.take([text(10, 1), text(11, 2), text(12, 1), text(13, 3)])).toBe(4);
    expect(started).toEqual([10, 11, 13]); // chat 1's second update waits for its first
    await finish(11);
    await finish(13);
    expect(started).toEqual([10, 11, 13]);
    await finish(10);
    expect(started).toEqual([10, 11, 13, 12]);
    await finish(12);
    await lanes.drained();
  });

  it('keeps the offset at the first update not done, then moves it past every done one', async () => {
    const { lanes, finish } = harness();
    expect(lanes.offset).toBe(0); // before anything: all Telegram holds
    lanes.take([text(10, 1), text(11, 2), text(12, 3)]);
    expect(lanes.offset).toBe(10);
    await finish(11);
    await finish(12);
    expect(lanes.offset).toBe(10); // 10 still in flight: 11 and 12 stay unconfirmed
    await finish(10);
    expect(lanes.offset).toBe(13);
    expect(lanes.busy).toBe(false);
  });

  it('takes an update returned again while in flight or done only once', async () => {
    const { lanes, started, finish } = harness();
    lanes.take([text(10, 1), text(11, 2)]);
    await finish(11);
    // The offset stayed at 10: the next poll returns both again, and a new one.
    expect(lanes.take([text(10, 1), text(11, 2), text(12, 2)])).toBe(1);
    expect(started).toEqual([10, 11, 12]);
    await finish(12);
    await finish(10);
    expect(lanes.take([text(10, 1), text(11, 2), text(12, 2)])).toBe(0); // a poll sent before the offset moved
    expect(lanes.offset).toBe(13);
  });

  it('forgets done ids once Telegram confirmed them, so a later redelivery reaches the gateway (which de-duplicates it)', async () => {
    const { lanes, started, finish } = harness();
    lanes.take([text(10, 1)]);
    await finish(10);
    lanes.confirmed(11);
    expect(lanes.take([text(10, 1)])).toBe(1);
    expect(started).toEqual([10, 10]);
    await finish(10);
  });

  it('holds back only the chat of an update that is not done, and the offset', async () => {
    const { lanes, started, finish } = harness();
    lanes.take([text(10, 1), text(11, 1), text(12, 2)]);
    await finish(12);
    lanes.take([text(13, 2)]);
    await finish(13);
    expect(started).toEqual([10, 12, 13]);
    expect(lanes.offset).toBe(10);
  });

  it('starts nothing once stopping, leaves what was given up unconfirmed, and drains what runs', async () => {
    const { lanes, started, finish, controller } = harness();
    lanes.take([text(10, 1), text(11, 1), text(12, 2)]);
    controller.abort();
    let drained = false;
    const draining = lanes.drained().then(() => (drained = true));
    await finish(10);
    await finish(12, false);
    await draining;
    expect(drained).toBe(true);
    expect(started).toEqual([10, 12]); // 11 never started
    expect(lanes.offset).toBe(11);
  });

  it('wakes a waiting poll when an update finishes, after the interval, or on abort', async () => {
    const { lanes, finish } = harness();
    lanes.take([text(10, 1)]);
    const never = new AbortController().signal;
    let woke = false;
    const waiting = lanes.settled(60_000, never).then(() => (woke = true));
    await new Promise((r) => setImmediate(r));
    expect(woke).toBe(false);
    await finish(10);
    await waiting;
    expect(woke).toBe(true);
    await lanes.settled(1, never);
    const abort = new AbortController();
    const aborted = lanes.settled(60_000, abort.signal);
    abort.abort();
    await aborted;
    abort.abort();
    await lanes.settled(60_000, abort.signal); // already aborted: at once
  });
});

describe('laneOf', () => {
  it.each([
    ['a message', { message: { chat: chat(5) } }, 5],
    ['an edited message', { edited_message: { chat: chat(6) } }, 6],
    ['a button press', { callback_query: { id: 'q', from, message: { chat: chat(7) } } }, 7],
    ['a membership change', { my_chat_member: { chat: { id: -100, type: 'group' } } }, -100],
    ['a channel post', { channel_post: { chat: { id: -200, type: 'channel' } } }, -200],
    ['a button under an inline message (no chat)', { callback_query: { id: 'q', from, inline_message_id: 'x' } }, null],
    ['an inline query', { inline_query: { id: 'q', from, query: '' } }, null],
    ['a malformed chat', { message: { chat: { id: 'x' } } }, null],
  ])('%s', (_name, body, key) => {
    expect(laneOf({ update_id: 1, ...body } as unknown as Update)).toBe(key);
  });
});

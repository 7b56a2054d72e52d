/**
 * What the fake offers a client that shows the chat (the dev page of
 * `npm run dev:telegram`): a fixed port, the chat's messages from both sides,
 * the bytes of its files, and a notice of every answered call.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { freePort } from '../../support/app.js';
import { makePng } from '../../widget/png.js';
import { FakeBotApi, type RecordedCall } from './fake-bot-api.js';
import { photoMessage, textMessage, user } from './updates.js';

const alice = user();
let fake: FakeBotApi | undefined;
afterEach(async () => fake?.stop());

/** Calls a Bot API method as a bot would. */
async function call(f: FakeBotApi, method: string, params: Record<string, unknown>): Promise<{ ok: boolean; result: Record<string, unknown> }> {
  const res = await fetch(`${f.url}/bot${f.token}/${method}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(params) });
  return (await res.json()) as { ok: boolean; result: Record<string, unknown> };
}

describe('the fake Bot API for a chat client', () => {
  it('listens on the port it is given', async () => {
    const port = await freePort();
    fake = new FakeBotApi({ port });
    expect(await fake.start()).toBe(`http://127.0.0.1:${port}`);
    expect(await call(fake, 'getMe', {})).toMatchObject({ ok: true, result: { is_bot: true } });
  });

  it('lists a chat\'s messages from both sides in order, as currently edited, and serves their files', async () => {
    fake = new FakeBotApi();
    await fake.start();
    const png = makePng(40, 30);
    fake.userSends(textMessage({ from: alice, text: 'hello' }));
    const sent = await call(fake, 'sendMessage', { chat_id: alice.id, text: 'Pick one', reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] } });
    await call(fake, 'editMessageReplyMarkup', { chat_id: alice.id, message_id: sent.result.message_id });
    const photo = fake.userSends(photoMessage({ from: alice, bytes: png }));

    const chat = fake.chatMessages(alice.id);
    expect(chat.map((m) => [m.byBot, m.message.text ?? 'photo'])).toEqual([[false, 'hello'], [true, 'Pick one'], [false, 'photo']]);
    expect(chat[1]!.message.reply_markup).toBeUndefined(); // the keyboard was taken off
    expect(fake.chatMessages(999)).toEqual([]);
    const largest = photo.message.photo.at(-1)!;
    expect(fake.fileBytes(largest.file_id)?.bytes.equals(png)).toBe(true);
    expect(fake.fileBytes('no-such-file')).toBeUndefined();
  });

  it('tells a listener of every answered call until it unsubscribes', async () => {
    fake = new FakeBotApi();
    await fake.start();
    fake.addChat({ id: alice.id, type: 'private', first_name: alice.first_name });
    const seen: RecordedCall[] = [];
    const off = fake.onCall((c) => seen.push(c));
    await call(fake, 'sendMessage', { chat_id: alice.id, text: 'one' });
    await call(fake, 'sendMessage', { chat_id: 1, text: 'to nobody' });
    off();
    await call(fake, 'sendMessage', { chat_id: alice.id, text: 'two' });
    expect(seen.map((c) => [c.method, c.status])).toEqual([['sendMessage', 200], ['sendMessage', 400]]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Update } from 'telegraf/types';
import type { OutboundAttachment, OutboundMessage } from '../../../src/channels/channel.port.js';
import { inlineKeyboard, localeOf, mapTelegramUpdate, planTelegramSends } from '../../../src/channels/telegram/telegram.mapper.js';
import { splitText } from '../../../src/channels/telegram/telegram.text.js';

const from = { id: 42, is_bot: false, first_name: 'Ivan', last_name: 'Petrov', username: 'ivanp', language_code: 'ru' };
const chat = { id: 42, type: 'private' as const, first_name: 'Ivan', last_name: 'Petrov', username: 'ivanp' };
const MAX = 1024 * 1024;

/** Updates as the Bot API sends them (shapes from https://core.telegram.org/bots/api#update). */
const textUpdate = (text: string, extra: object = {}): Update =>
  ({ update_id: 1001, message: { message_id: 7, from, chat, date: 1_764_100_000, text, ...extra } }) as Update;

describe('mapTelegramUpdate', () => {
  it('maps a private text message with the sender and language', () => {
    expect(mapTelegramUpdate(textUpdate('Hello'), { maxBytes: MAX })).toEqual({
      kind: 'message',
      message: {
        channel: 'telegram',
        externalId: '42',
        channelMessageId: '42:7',
        displayName: 'Ivan Petrov',
        locale: 'ru',
        text: 'Hello',
        receivedAt: new Date(1_764_100_000_000),
      },
    });
  });

  it('passes commands on as text (the conversation reads them, @botname included)', () => {
    const mapped = mapTelegramUpdate(textUpdate('/status@relaydesk_bot SR-1001', { entities: [{ type: 'bot_command', offset: 0, length: 21 }] }), { maxBytes: MAX });
    expect(mapped).toMatchObject({ kind: 'message', message: { text: '/status@relaydesk_bot SR-1001' } });
  });

  it('asks for the largest photo size, with the caption as text', () => {
    const photo = [
      { file_id: 'small', file_unique_id: 's', width: 90, height: 60, file_size: 1200 },
      { file_id: 'large', file_unique_id: 'l', width: 1280, height: 853, file_size: 98_000 },
    ];
    const update = { update_id: 1002, message: { message_id: 8, from, chat, date: 1_764_100_000, photo, caption: 'the error' } } as Update;
    expect(mapTelegramUpdate(update, { maxBytes: MAX })).toMatchObject({ kind: 'message', message: { text: 'the error' }, download: { fileId: 'large' } });
  });

  it('refuses by declared size and type without downloading', () => {
    const bigPhoto = { update_id: 1, message: { message_id: 9, from, chat, date: 1, photo: [{ file_id: 'x', file_unique_id: 'x', width: 1, height: 1, file_size: MAX + 1 }] } } as Update;
    expect(mapTelegramUpdate(bigPhoto, { maxBytes: MAX })).toMatchObject({ kind: 'message', message: { refusedFile: { reason: 'too_large' } } });
    expect(mapTelegramUpdate(bigPhoto, { maxBytes: MAX })).not.toHaveProperty('download');
    const pdf = { update_id: 2, message: { message_id: 10, from, chat, date: 1, document: { file_id: 'd', file_unique_id: 'd', file_name: 'a.pdf', mime_type: 'application/pdf', file_size: 10 } } } as Update;
    expect(mapTelegramUpdate(pdf, { maxBytes: MAX })).toMatchObject({ kind: 'message', message: { refusedFile: { reason: 'unsupported_type' } } });
    const voice = { update_id: 3, message: { message_id: 11, from, chat, date: 1, voice: { file_id: 'v', file_unique_id: 'v', duration: 2 } } } as Update;
    expect(mapTelegramUpdate(voice, { maxBytes: MAX })).toMatchObject({ kind: 'message', message: { refusedFile: { reason: 'unsupported_type' } } });
  });

  it('downloads an image sent as a document, keeping its name', () => {
    const doc = { update_id: 4, message: { message_id: 12, from, chat, date: 1, document: { file_id: 'img', file_unique_id: 'i', file_name: 'screen.png', mime_type: 'image/png', file_size: 5000 } } } as Update;
    expect(mapTelegramUpdate(doc, { maxBytes: MAX })).toMatchObject({ download: { fileId: 'img', fileName: 'screen.png' } });
  });

  it('maps a button press to a choice, with what is needed to answer it', () => {
    const update = {
      update_id: 1003,
      callback_query: { id: '9001', from, chat_instance: 'ci', data: 'solved', message: { message_id: 15, chat, date: 1, text: 'Is it solved?' } },
    } as Update;
    expect(mapTelegramUpdate(update, { maxBytes: MAX })).toEqual({
      kind: 'message',
      message: { channel: 'telegram', externalId: '42', channelMessageId: 'cb:9001', displayName: 'Ivan Petrov', locale: 'ru', choiceId: 'solved' },
      callback: { id: '9001', chatId: 42, messageId: 15 },
    });
  });

  it('recognises group chats, bots and other updates', () => {
    const group = { update_id: 5, message: { message_id: 1, from, chat: { id: -100, type: 'supergroup', title: 'Team' }, date: 1, text: 'hi' } } as Update;
    expect(mapTelegramUpdate(group, { maxBytes: MAX })).toEqual({ kind: 'not_private', chatId: -100, callbackId: null });
    const bot = { update_id: 6, message: { message_id: 1, from: { ...from, is_bot: true }, chat, date: 1, text: 'hi' } } as Update;
    expect(mapTelegramUpdate(bot, { maxBytes: MAX }).kind).toBe('ignored');
    const edited = { update_id: 7, edited_message: { message_id: 1, from, chat, date: 1, edit_date: 2, text: 'hi' } } as Update;
    expect(mapTelegramUpdate(edited, { maxBytes: MAX })).toMatchObject({ kind: 'ignored', reason: 'update type edited_message' });
  });

  it('reads the language from language_code', () => {
    expect([localeOf('ru'), localeOf('en-GB'), localeOf('EN'), localeOf('de'), localeOf(undefined)]).toEqual(['ru', 'en', 'en', null, null]);
  });
});

describe('planTelegramSends', () => {
  const image = (mimeType = 'image/png'): OutboundAttachment => ({ id: 'a1', mimeType, fileName: 'a.png', read: async () => Buffer.from('x') });
  const msg = (fields: Partial<OutboundMessage>): OutboundMessage => ({ messageId: '1', text: null, author: 'bot', locale: 'ru', ...fields });

  it("signs an agent's reply with their name, or as support's when the desk hides names, in the customer's language", () => {
    expect(planTelegramSends(msg({ author: 'agent', agentName: 'Анна', text: 'Перезапустите, пожалуйста.' }))).toEqual([
      { method: 'sendMessage', text: 'Анна (поддержка):\nПерезапустите, пожалуйста.' },
    ]);
    expect(planTelegramSends(msg({ author: 'agent', text: 'Restart it, please.', locale: 'en' }))).toEqual([{ method: 'sendMessage', text: 'Support agent:\nRestart it, please.' }]);
    // An image alone is captioned with the signature; the bot's own messages are never signed.
    expect(planTelegramSends(msg({ author: 'agent', agentName: 'Anna', locale: 'en', attachments: [image()] }))).toEqual([
      { method: 'sendPhoto', attachment: expect.objectContaining({ id: 'a1' }), caption: 'Anna (support):' },
    ]);
    expect(planTelegramSends(msg({ author: 'bot', agentName: 'Anna', text: 'Hi' }))).toEqual([{ method: 'sendMessage', text: 'Hi' }]);
  });

  it('sends text plainly with the choices as an inline keyboard', () => {
    const choices = [{ id: 'solved', label: 'Решено' }, { id: 'not_solved', label: 'Не решено' }];
    expect(planTelegramSends(msg({ text: '<b>*hi*</b>', choices }))).toEqual([
      { method: 'sendMessage', text: '<b>*hi*</b>', keyboard: { inline_keyboard: [[{ text: 'Решено', callback_data: 'solved' }, { text: 'Не решено', callback_data: 'not_solved' }]] } },
    ]);
  });

  it('splits text over 4096 characters, keyboard on the last part', () => {
    const text = `${'a'.repeat(4000)}\n${'b'.repeat(4000)}\n${'c'.repeat(100)}`;
    const sends = planTelegramSends(msg({ text, choices: [{ id: 'x', label: 'X' }] }));
    expect(sends.map((s) => (s.method === 'sendMessage' ? s.text.length : 0))).toEqual([4000, 4000, 100]);
    expect(sends.map((s) => s.keyboard !== undefined)).toEqual([false, false, true]);
  });

  it('captions one image with a short text, and sends a long text after it', () => {
    expect(planTelegramSends(msg({ text: 'see', attachments: [image()] }))).toEqual([{ method: 'sendPhoto', attachment: expect.anything(), caption: 'see' }]);
    const long = planTelegramSends(msg({ text: 'x'.repeat(2000), attachments: [image()] }));
    expect(long.map((s) => s.method)).toEqual(['sendPhoto', 'sendMessage']);
    expect(planTelegramSends(msg({ attachments: [image('image/gif')] })).map((s) => s.method)).toEqual(['sendDocument']);
  });

  it('lays out more than two choices one per row', () => {
    expect(inlineKeyboard([{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }, { id: 'c', label: 'C' }]).inline_keyboard).toHaveLength(3);
  });
});

describe('splitText', () => {
  it('keeps short texts whole and cuts at a line or a space', () => {
    expect(splitText('short')).toEqual(['short']);
    expect(splitText('aaaa bbbb cccc', 10)).toEqual(['aaaa bbbb', 'cccc']);
    expect(splitText('aaaaaa\nbbbbbbb', 10)).toEqual(['aaaaaa', 'bbbbbbb']);
    expect(splitText('a\nbbbbbbbbbbbb', 10)).toEqual(['a\nbbbbbbbb', 'bbbb']); // a cut that early wastes a message: cut hard
    expect(splitText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('never cuts a surrogate pair and never exceeds the limit', () => {
    const text = '😀'.repeat(3000);
    const parts = splitText(text);
    expect(parts.join('')).toBe(text);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(4096);
      expect(p.codePointAt(p.length - 1)! >= 0xdc00 || p.length % 2 === 0).toBe(true);
    }
  });
});

/**
 * The fake Telegram Bot API, driven by the real telegraf (as the Telegram
 * channel will be) and, for the wire details, by plain fetch.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Markup, Telegraf, TelegramError } from 'telegraf';
import type { Update } from 'telegraf/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeBotApi, type AnyMessage } from './fake-bot-api.js';
import {
  callbackQuery,
  command,
  documentMessage,
  groupChat,
  groupMessage,
  photoMessage,
  pressButton,
  privateChat,
  textMessage,
  user,
} from './updates.js';

const png = readFileSync(fileURLToPath(new URL('../../fixtures/screenshot.png', import.meta.url)));
const alice = user({ language_code: 'de' });

let fake: FakeBotApi;
const running: Array<{ bot: Telegraf; launched: Promise<void> }> = [];
const servers: http.Server[] = [];

beforeEach(async () => {
  fake = new FakeBotApi();
  await fake.start();
});

afterEach(async () => {
  for (const { bot, launched } of running.splice(0)) {
    try {
      bot.stop('test over');
    } catch {
      // already stopped by the test
    }
    await launched.catch(() => undefined);
  }
  await fake.stop();
  for (const server of servers.splice(0)) {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
});

function newBot(): Telegraf {
  return new Telegraf(fake.token, { telegram: { apiRoot: fake.url } });
}

/** Starts long polling; resolves once telegraf's first getUpdates reached the fake. */
async function launch(bot: Telegraf): Promise<{ errors: unknown[]; launched: Promise<void> }> {
  const errors: unknown[] = [];
  bot.catch((err) => {
    errors.push(err);
  });
  const launched = bot.launch();
  running.push({ bot, launched });
  await fake.waitForCall('getUpdates');
  return { errors, launched };
}

async function listen(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function rawCall(method: string, body?: unknown, token = fake.token): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${fake.url}/bot${token}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function telegramError(promise: Promise<unknown>): Promise<TelegramError> {
  const err = await promise.then(
    () => new Error('expected the call to fail'),
    (e: unknown) => e,
  );
  if (!(err instanceof TelegramError)) throw err;
  return err;
}

describe('with the real telegraf', () => {
  it('getMe returns the bot user', async () => {
    const me = await newBot().telegram.getMe();
    expect(me).toEqual(fake.botUser);
    expect(me).toMatchObject({ is_bot: true, username: 'relaydesk_test_bot', id: 7012345678 });
    expect(fake.calls[0]).toMatchObject({ method: 'getMe', transport: 'json', status: 200 });
  });

  it('long polling delivers a text message and a callback query; the reply and answerCbQuery reach the fake', async () => {
    const bot = newBot();
    const seen: string[] = [];
    bot.on('text', async (ctx) => {
      seen.push(`text:${ctx.message.text}:${ctx.from.language_code}`);
      await ctx.reply('Is your problem solved?', Markup.inlineKeyboard([Markup.button.callback('Yes', 'solved:yes'), Markup.button.callback('No', 'solved:no')]));
    });
    bot.on('callback_query', async (ctx) => {
      seen.push(`callback:${'data' in ctx.callbackQuery ? ctx.callbackQuery.data : ''}:${ctx.from.language_code}`);
      await ctx.answerCbQuery('Thanks!');
    });
    const { errors, launched } = await launch(bot);

    // telegraf's launch(): getMe, deleteWebhook, then getUpdates with a fixed 50 s long-poll timeout.
    expect(fake.calls.slice(0, 3).map((c) => c.method)).toEqual(['getMe', 'deleteWebhook', 'getUpdates']);
    expect(fake.callsTo('getUpdates')[0]?.params).toEqual({ timeout: 50, offset: 0, allowed_updates: [] });

    const sent = fake.userSends(textMessage({ from: alice, text: 'the printer is on fire' }));
    await fake.waitForCall('sendMessage');
    const [question] = fake.sentMessages(alice.id);
    expect(question).toMatchObject({
      from: { id: fake.botUser.id, is_bot: true },
      chat: { id: alice.id, type: 'private', first_name: 'Alice', username: 'alice_example' },
      text: 'Is your problem solved?',
    });
    expect(question?.message_id).toBeGreaterThan(sent.message.message_id);

    const press = fake.userSends(pressButton(question as AnyMessage, { text: 'No' }, { from: alice }));
    const answer = await fake.waitForCall('answerCallbackQuery');
    expect(answer.params).toEqual({ callback_query_id: press.callback_query.id, text: 'Thanks!' });
    expect(answer.response).toEqual({ ok: true, result: true });
    expect(fake.callbackAnswers).toMatchObject([{ callback_query_id: press.callback_query.id, text: 'Thanks!' }]);
    expect(seen).toEqual(['text:the printer is on fire:de', 'callback:solved:no:de']);
    expect(press.update_id).toBe(sent.update_id + 1);

    bot.stop('done');
    await launched;
    // On stop telegraf confirms what it handled (getUpdates with the next offset, limit 1).
    expect(fake.callsTo('getUpdates').at(-1)?.params).toEqual({ offset: press.update_id + 1, limit: 1 });
    expect(fake.pendingUpdates()).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('ctx.reply with an inline keyboard is recorded with the reply_markup; the message echoes only inline keyboards', async () => {
    const bot = newBot();
    bot.start((ctx) =>
      ctx.reply(
        `Welcome, <b>${ctx.from.first_name}</b>! Pick a topic:`,
        { parse_mode: 'HTML', ...Markup.inlineKeyboard([[Markup.button.callback('Billing', 'topic:billing')], [Markup.button.url('Status page', 'https://status.example.com')]]) },
      ),
    );
    bot.command('menu', (ctx) => ctx.reply('Menu', Markup.keyboard([['Open a request'], ['My requests']]).resize()));
    await launch(bot);

    fake.userSends(command({ from: alice, command: 'start', payload: 'ref-42' }));
    const call = await fake.waitForCall('sendMessage');
    expect(call.params).toEqual({
      chat_id: alice.id,
      text: 'Welcome, <b>Alice</b>! Pick a topic:',
      parse_mode: 'HTML',
      reply_markup: {
        inline_keyboard: [[{ text: 'Billing', callback_data: 'topic:billing', hide: false }], [{ text: 'Status page', url: 'https://status.example.com', hide: false }]],
      },
    });
    const [welcome] = fake.sentMessages(alice.id);
    expect(welcome).toMatchObject({
      text: 'Welcome, Alice! Pick a topic:',
      entities: [{ type: 'bold', offset: 9, length: 5 }],
      reply_markup: { inline_keyboard: [[{ text: 'Billing', callback_data: 'topic:billing' }], [{ text: 'Status page', url: 'https://status.example.com' }]] },
    });

    fake.userSends(command({ from: alice, command: 'menu' }));
    const menu = await fake.waitForCall('sendMessage', (c) => c.params.text === 'Menu');
    expect(menu.params.reply_markup).toEqual({ keyboard: [['Open a request'], ['My requests']], resize_keyboard: true });
    expect(menu.response).toMatchObject({ ok: true, result: { text: 'Menu' } });
    expect((menu.response as { result: AnyMessage }).result.reply_markup).toBeUndefined();
  });

  it('replyWithPhoto({ source: buffer }) arrives as a multipart upload with the same bytes', async () => {
    const bot = newBot();
    const returned: AnyMessage[] = [];
    bot.on('text', async (ctx) => {
      returned.push(await ctx.replyWithPhoto({ source: png }, { caption: 'Your screenshot', ...Markup.inlineKeyboard([Markup.button.callback('Thanks', 'ok')]) }));
    });
    await launch(bot);
    fake.userSends(textMessage({ from: alice, text: 'send it back' }));

    const call = await fake.waitForCall('sendPhoto');
    expect(call.transport).toBe('multipart');
    expect(call.files.photo?.bytes.equals(png)).toBe(true);
    expect(call.files.photo?.filename).toBe('photo.jpg');
    expect(call.params).toEqual({
      chat_id: alice.id,
      caption: 'Your screenshot',
      reply_markup: { inline_keyboard: [[{ text: 'Thanks', callback_data: 'ok', hide: false }]] },
    });
    await expect.poll(() => returned.length).toBe(1);
    const message = returned[0] as AnyMessage;
    expect(message.photo).toEqual([{ file_id: expect.any(String), file_unique_id: expect.any(String), width: 4, height: 4, file_size: png.length }]);
    expect(message.caption).toBe('Your screenshot');
    expect(message.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Thanks', callback_data: 'ok' }]] });

    const link = await bot.telegram.getFileLink(message.photo[0].file_id);
    expect(Buffer.from(await (await fetch(link)).arrayBuffer()).equals(png)).toBe(true);
  });

  it('ctx.telegram.getFileLink + fetch downloads a photo the user sent', async () => {
    const bot = newBot();
    const downloaded: Array<{ bytes: Buffer; type: string | null; sizes: number }> = [];
    bot.on('photo', async (ctx) => {
      const largest = ctx.message.photo[ctx.message.photo.length - 1];
      if (!largest) return;
      const link = await ctx.telegram.getFileLink(largest.file_id);
      const res = await fetch(link);
      downloaded.push({ bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type'), sizes: ctx.message.photo.length });
      await ctx.reply(`Got it: ${ctx.message.caption ?? ''}`);
    });
    await launch(bot);

    const sent = fake.userSends(photoMessage({ from: alice, bytes: png, caption: 'error screen', width: 1600, height: 1200 }));
    expect(sent.message.photo.map((p) => `${p.width}x${p.height}`)).toEqual(['90x68', '320x240', '800x600', '1280x960', '1600x1200']);
    await fake.waitForCall('sendMessage');
    expect(downloaded).toEqual([{ bytes: png, type: 'image/jpeg', sizes: 5 }]);
    const getFile = await fake.waitForCall('getFile');
    expect(getFile.response).toMatchObject({ ok: true, result: { file_id: sent.message.photo[4]?.file_id, file_path: expect.stringMatching(/^photos\/file_\d+\.jpg$/) } });
    expect(fake.downloads).toMatchObject([{ status: 200 }]);
  });

  it('documents keep their file name and mime_type; an image sent as a file stays a document', async () => {
    const bot = newBot();
    const got: Array<{ name?: string; mime?: string; bytes: string }> = [];
    bot.on('document', async (ctx) => {
      const link = await ctx.telegram.getFileLink(ctx.message.document.file_id);
      const bytes = Buffer.from(await (await fetch(link)).arrayBuffer());
      got.push({ name: ctx.message.document.file_name, mime: ctx.message.document.mime_type, bytes: bytes.toString('base64') });
      await ctx.replyWithDocument({ source: Buffer.from('ticket #42\n'), filename: 'ticket-42.txt' });
    });
    await launch(bot);

    fake.userSends(documentMessage({ from: alice, bytes: Buffer.from('ERROR disk full\n'), file_name: 'app.log', mime_type: 'text/plain' }));
    await fake.waitForCall('sendDocument');
    fake.userSends(documentMessage({ from: alice, bytes: png, file_name: 'screen.png', mime_type: 'image/png' }));
    await fake.nextCall('sendDocument');
    expect(got).toEqual([
      { name: 'app.log', mime: 'text/plain', bytes: Buffer.from('ERROR disk full\n').toString('base64') },
      { name: 'screen.png', mime: 'image/png', bytes: png.toString('base64') },
    ]);
    const [reply] = fake.sentMessages(alice.id);
    expect(reply?.document).toMatchObject({ file_name: 'ticket-42.txt', mime_type: 'text/plain', file_size: 11 });
  });

  it('a 429 with retry_after surfaces as a TelegramError with response.parameters.retry_after; telegraf does not retry it', async () => {
    const bot = newBot();
    fake.addChat(privateChat(alice));
    fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } });

    const err = await telegramError(bot.telegram.sendMessage(alice.id, 'hello'));
    expect(err.code).toBe(429);
    expect(err.response).toEqual({ ok: false, error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } });
    expect(err.parameters?.retry_after).toBe(7);
    expect(fake.callsTo('sendMessage').map((c) => c.status)).toEqual([429]);

    await bot.telegram.sendMessage(alice.id, 'hello again');
    expect(fake.callsTo('sendMessage').map((c) => c.status)).toEqual([429, 200]);
    expect(fake.sendTimestamps(alice.id)).toHaveLength(1);
  });

  it('telegraf retries getUpdates by itself after a 429 (waiting retry_after), unlike other methods', async () => {
    const bot = newBot();
    bot.on('text', (ctx) => ctx.reply('pong'));
    fake.failNext('getUpdates', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } });
    await launch(bot);
    fake.userSends(textMessage({ from: alice, text: 'ping' }));
    await fake.waitForCall('sendMessage');
    expect(fake.callsTo('getUpdates').slice(0, 2).map((c) => c.status)).toEqual([429, 200]);
  });

  it('a 5xx once and a dropped connection surface as errors (telegraf reports the HTTP status text for 5xx)', async () => {
    const bot = newBot();
    fake.addChat(privateChat(alice));
    fake.failNext('sendMessage', { error_code: 502, description: 'Bad Gateway' });
    const err = await telegramError(bot.telegram.sendMessage(alice.id, 'one'));
    expect(err.code).toBe(502);
    expect(err.description).toBe('Bad Gateway');

    fake.failNext('sendMessage', 'network');
    const netErr = await bot.telegram.sendMessage(alice.id, 'two').catch((e: unknown) => e);
    expect(netErr).toMatchObject({ name: 'FetchError' });

    await bot.telegram.sendMessage(alice.id, 'three');
    expect(fake.callsTo('sendMessage').map((c) => c.status)).toEqual([502, 0, 200]);
    expect(fake.sentMessages(alice.id).map((m) => m.text)).toEqual(['three']);
  });

  it('403 for a blocked chat surfaces as error_code 403', async () => {
    const bot = newBot();
    const group = groupChat();
    fake.addChat(privateChat(alice));
    fake.addChat(group);
    fake.blockChat(alice.id);
    fake.blockChat(group.id);

    const err = await telegramError(bot.telegram.sendMessage(alice.id, 'are you there?'));
    expect(err.code).toBe(403);
    expect(err.description).toBe('Forbidden: bot was blocked by the user');
    const chatAction = await telegramError(bot.telegram.sendChatAction(alice.id, 'typing'));
    expect(chatAction.code).toBe(403);
    expect((await telegramError(bot.telegram.sendMessage(group.id, 'hi'))).description).toBe('Forbidden: bot was kicked from the group chat');

    fake.unblockChat(alice.id);
    await bot.telegram.sendMessage(alice.id, 'welcome back');
  });

  it('webhook mode: POSTs updates with the secret header and redelivers, in order, after a 500', async () => {
    const received: Array<{ secret: string | undefined; update: Update; path: string | undefined }> = [];
    let refuse = 1;
    const hookBase = await listen(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += String(chunk);
      received.push({ secret: req.headers['x-telegram-bot-api-secret-token'] as string | undefined, update: JSON.parse(body) as Update, path: req.url });
      if (refuse > 0) {
        refuse -= 1;
        res.writeHead(500).end();
        return;
      }
      res.writeHead(200).end();
    });
    const bot = newBot();
    const url = `${hookBase}/telegram/hook`;
    await bot.telegram.setWebhook(url, { secret_token: 'S3cret_token-1' });

    const first = fake.userSends(textMessage({ from: alice, text: 'via webhook' }));
    await fake.waitForDelivery((d) => d.ok);
    expect(fake.webhookDeliveries.map((d) => [d.update_id, d.attempt, d.status])).toEqual([
      [first.update_id, 1, 500],
      [first.update_id, 2, 200],
    ]);
    expect(received.map((r) => [r.secret, r.path, r.update.update_id])).toEqual([
      ['S3cret_token-1', '/telegram/hook', first.update_id],
      ['S3cret_token-1', '/telegram/hook', first.update_id],
    ]);
    expect(received[0]?.update).toEqual(first);
    const info = await bot.telegram.getWebhookInfo();
    expect(info).toMatchObject({ url, pending_update_count: 0, last_error_message: 'Wrong response from the webhook: 500 Internal Server Error' });

    // Order is kept: the second update is retried until accepted before the third goes out.
    refuse = 2;
    const second = fake.userSends(textMessage({ from: alice, text: 'two' }));
    const third = fake.userSends(textMessage({ from: alice, text: 'three' }));
    await fake.waitForDelivery((d) => d.ok && d.update_id === third.update_id);
    expect(received.slice(2).map((r) => r.update.update_id)).toEqual([second.update_id, second.update_id, second.update_id, third.update_id]);

    // getUpdates while a webhook is set: 409 Conflict.
    const conflict = await telegramError(bot.telegram.getUpdates(0, 100, 0, undefined));
    expect(conflict.code).toBe(409);
    expect(conflict.description).toBe("Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");

    await bot.telegram.deleteWebhook();
    expect(fake.webhookUrl).toBe('');
    expect(await bot.telegram.getUpdates(0, 100, 0, undefined)).toEqual([]);
  });

  it("webhook mode with telegraf's webhookCallback: the secret is checked and webhook replies are executed", async () => {
    const bot = newBot();
    bot.on('text', (ctx) => ctx.reply('Pick one', Markup.inlineKeyboard([Markup.button.callback('A', 'a')])));
    bot.on('callback_query', (ctx) => ctx.answerCbQuery('Noted'));
    const errors: unknown[] = [];
    bot.catch((err) => {
      errors.push(err);
    });
    const hookBase = await listen(bot.webhookCallback('/tg', { secretToken: 'right_secret' }));

    await bot.telegram.setWebhook(`${hookBase}/tg`, { secret_token: 'wrong_secret' });
    const update = fake.userSends(textMessage({ from: alice, text: 'hi' }));
    await fake.waitForDelivery((d) => d.status === 403);
    // telegraf refuses a wrong secret with 403; the fake keeps the update and retries.
    expect(fake.pendingUpdates().map((u) => u.update_id)).toEqual([update.update_id]);

    await bot.telegram.setWebhook(`${hookBase}/tg`, { secret_token: 'right_secret' });
    await fake.waitForCall('sendMessage');
    const [question] = fake.sentMessages(alice.id);
    fake.userSends(callbackQuery({ message: question as AnyMessage, data: 'a', from: alice }));
    // With webhookReply (telegraf's default) answerCbQuery travels in the webhook's answer body.
    const answer = await fake.waitForCall('answerCallbackQuery');
    expect(answer).toMatchObject({ transport: 'webhook-reply', status: 200, params: { text: 'Noted' } });
    expect(fake.callbackAnswers).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('edits: editMessageText without reply_markup removes the inline keyboard; an identical edit is "not modified"', async () => {
    const bot = newBot();
    fake.addChat(privateChat(alice));
    const sent = await bot.telegram.sendMessage(alice.id, 'Request #42: open', Markup.inlineKeyboard([Markup.button.callback('Close', 'close:42')]));

    const unchanged = await telegramError(bot.telegram.editMessageReplyMarkup(alice.id, sent.message_id, undefined, { inline_keyboard: [[{ text: 'Close', callback_data: 'close:42' }]] }));
    expect(unchanged.description).toMatch(/^Bad Request: message is not modified/);

    const edited = await bot.telegram.editMessageText(alice.id, sent.message_id, undefined, 'Request #42: closed');
    expect(edited).toMatchObject({ message_id: sent.message_id, text: 'Request #42: closed', edit_date: expect.any(Number) });
    expect(fake.sentMessages(alice.id)[0]?.reply_markup).toBeUndefined();

    await bot.telegram.editMessageReplyMarkup(alice.id, sent.message_id, undefined, Markup.inlineKeyboard([Markup.button.callback('Reopen', 'reopen:42')]).reply_markup);
    expect(fake.sentMessages(alice.id)[0]?.reply_markup).toEqual({ inline_keyboard: [[{ text: 'Reopen', callback_data: 'reopen:42' }]] });
    expect((await telegramError(bot.telegram.editMessageText(alice.id, 9999, undefined, 'x'))).description).toBe('Bad Request: message to edit not found');
  });

  it('setMyCommands / getMyCommands / deleteMyCommands per scope and language_code', async () => {
    const { telegram } = newBot();
    await telegram.setMyCommands([{ command: 'start', description: 'Start' }, { command: 'new', description: 'Open a request' }]);
    await telegram.setMyCommands([{ command: 'new', description: 'Anfrage öffnen' }], { scope: { type: 'all_private_chats' }, language_code: 'de' });

    expect(await telegram.getMyCommands()).toEqual([{ command: 'start', description: 'Start' }, { command: 'new', description: 'Open a request' }]);
    expect(await telegram.getMyCommands({ scope: { type: 'all_private_chats' }, language_code: 'de' })).toEqual([{ command: 'new', description: 'Anfrage öffnen' }]);
    expect(await telegram.getMyCommands({ scope: { type: 'all_private_chats' } })).toEqual([]);
    expect(fake.commands({ scope: { type: 'all_private_chats' }, language_code: 'de' })).toHaveLength(1);

    const invalid = await telegramError(telegram.setMyCommands([{ command: 'New Request', description: 'x' }]));
    expect(invalid.description).toBe('Bad Request: BOT_COMMAND_INVALID');

    await telegram.deleteMyCommands({ scope: { type: 'all_private_chats' }, language_code: 'de' });
    expect(await telegram.getMyCommands({ scope: { type: 'all_private_chats' }, language_code: 'de' })).toEqual([]);
    expect(await telegram.getMyCommands()).toHaveLength(2);
  });

  it('group chats: commands addressed as /cmd@bot reach the bot, replies go to the group', async () => {
    const bot = newBot();
    bot.command('help', (ctx) => ctx.reply(`Help for ${ctx.chat.type} ${'title' in ctx.chat ? ctx.chat.title : ''}`));
    bot.on('text', (ctx) => ctx.sendChatAction('typing'));
    await launch(bot);

    const group = groupChat({ type: 'supergroup', title: 'Ops' });
    fake.userSends(command({ chat: group, from: alice, command: 'help', botUsername: fake.botUser.username }));
    const call = await fake.waitForCall('sendMessage');
    expect(call.params).toEqual({ chat_id: group.id, text: 'Help for supergroup Ops' });
    fake.userSends(groupMessage({ group, from: alice, text: 'anyone?' }));
    const typing = await fake.waitForCall('sendChatAction');
    expect(typing.params).toEqual({ chat_id: group.id, action: 'typing' });
  });
});

describe('wire format and validation', () => {
  it("answers in Telegram's envelope: 401 wrong token, 404 unknown method, 400 validation errors", async () => {
    fake.addChat(privateChat(alice));
    expect(await rawCall('getMe', {}, '123:wrong')).toEqual({ status: 401, json: { ok: false, error_code: 401, description: 'Unauthorized' } });
    expect(await rawCall('sendTelepathy')).toEqual({ status: 404, json: { ok: false, error_code: 404, description: 'Not Found' } });
    expect(fake.unknownMethods).toEqual(['sendTelepathy']);

    const errorOf = async (body: unknown) => (await rawCall('sendMessage', body)).json.description;
    expect(await errorOf({ chat_id: alice.id, text: '' })).toBe('Bad Request: message text is empty');
    expect(await errorOf({ chat_id: alice.id, text: '   \n ' })).toBe('Bad Request: message text is empty');
    expect(await errorOf({ chat_id: alice.id, text: 'x'.repeat(4097) })).toBe('Bad Request: message is too long');
    expect(await errorOf({ chat_id: 555, text: 'hi' })).toBe('Bad Request: chat not found');
    expect(await errorOf({ text: 'hi' })).toBe('Bad Request: chat_id is empty');
    expect(await errorOf({ chat_id: alice.id, text: '<p>hi</p>', parse_mode: 'HTML' })).toBe(
      `Bad Request: can't parse entities: Unsupported start tag "p" at byte offset 0`,
    );
    expect(await errorOf({ chat_id: alice.id, text: '<b>hi', parse_mode: 'HTML' })).toBe(
      `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`,
    );
    expect(await errorOf({ chat_id: alice.id, text: 'Request #42 is open.', parse_mode: 'MarkdownV2' })).toBe(
      `Bad Request: can't parse entities: Character '#' is reserved and must be escaped with the preceding '\\'`,
    );
    expect(await errorOf({ chat_id: alice.id, text: 'hi', reply_markup: { inline_keyboard: [[{ text: 'x', callback_data: 'x'.repeat(65) }]] } })).toBe(
      'Bad Request: BUTTON_DATA_INVALID',
    );
    expect(await errorOf({ chat_id: alice.id, text: 'hi', reply_markup: { inline_keyboard: [[{ text: 'x', url: 'http://localhost:3000/r/1' }]] } })).toBe(
      `Bad Request: inline keyboard button URL 'http://localhost:3000/r/1' is invalid: Wrong HTTP URL`,
    );
    expect(await errorOf({ chat_id: alice.id, text: 'hi', reply_to_message_id: 777 })).toBe('Bad Request: message to be replied not found');
    expect(fake.sentMessages(alice.id)).toEqual([]);

    const ok = await rawCall('sendMessage', { chat_id: alice.id, text: 'Request \\#42 is *open*\\. See https://example\\.com/r/42 \\#printer', parse_mode: 'MarkdownV2' });
    expect(ok.status).toBe(200);
    expect(ok.json.result).toMatchObject({
      text: 'Request #42 is open. See https://example.com/r/42 #printer',
      entities: [
        { type: 'bold', offset: 15, length: 4 },
        { type: 'url', offset: 25, length: 24 },
        { type: 'hashtag', offset: 50, length: 8 },
      ],
    });
  });

  it('accepts GET with a query string, urlencoded bodies and case-insensitive method names', async () => {
    fake.addChat(privateChat(alice));
    const get = await fetch(`${fake.url}/bot${fake.token}/GETME`);
    expect(await get.json()).toEqual({ ok: true, result: fake.botUser });
    const form = await fetch(`${fake.url}/bot${fake.token}/sendmessage`, {
      method: 'POST',
      body: new URLSearchParams({ chat_id: String(alice.id), text: 'form', disable_web_page_preview: 'true' }),
    });
    expect(form.status).toBe(200);
    const call = fake.callsTo('sendMessage')[0];
    expect(call).toMatchObject({ transport: 'urlencoded', params: { chat_id: alice.id, text: 'form', disable_web_page_preview: true } });
    expect(fake.sentMessages(alice.id)[0]?.link_preview_options).toEqual({ is_disabled: true });
  });

  it('getUpdates honours offset, limit, allowed_updates and timeout; unconfirmed and re-queued updates come again', async () => {
    const a = fake.userSends(textMessage({ from: alice, text: 'a' }));
    const b = fake.userSends(textMessage({ from: alice, text: 'b' }));
    const poll = async (params: Record<string, unknown>) => ((await rawCall('getUpdates', params)).json.result as Update[]).map((u) => u.update_id);

    expect(await poll({ limit: 1 })).toEqual([a.update_id]);
    expect(await poll({})).toEqual([a.update_id, b.update_id]); // not confirmed yet
    expect(await poll({ offset: a.update_id + 1 })).toEqual([b.update_id]);
    expect(await poll({ offset: b.update_id + 1 })).toEqual([]);

    fake.redeliver(b);
    expect(await poll({ offset: b.update_id + 1 })).toEqual([b.update_id]);
    expect(await poll({ offset: b.update_id + 1 })).toEqual([]);

    // allowed_updates: a message update is discarded for a bot that only wants callback queries.
    const dropped = fake.userSends(textMessage({ from: alice, text: 'c' }));
    expect(await poll({ allowed_updates: ['callback_query'] })).toEqual([]);
    expect(fake.droppedUpdates.map((u) => u.update_id)).toEqual([dropped.update_id]);

    // A long poll is held until an update arrives...
    const held = poll({ timeout: 30, allowed_updates: [] });
    await fake.waitForCall('getUpdates', (c) => c.params.timeout === 30 && c.status === undefined);
    const d = fake.userSends(textMessage({ from: alice, text: 'd' }));
    expect(await held).toEqual([d.update_id]);
    // ...or until its timeout ends.
    expect(await poll({ offset: d.update_id + 1, timeout: 1 })).toEqual([]);
  });

  it('a second long poll terminates the first with 409', async () => {
    const first = rawCall('getUpdates', { timeout: 30 });
    await fake.waitForCall('getUpdates');
    const second = rawCall('getUpdates', { timeout: 0 });
    expect(await first).toEqual({
      status: 409,
      json: { ok: false, error_code: 409, description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running' },
    });
    expect((await second).status).toBe(200);
  });

  it('sendPhoto checks its input: not an image, unknown file_id, a document file_id, unregistered URL', async () => {
    fake.addChat(privateChat(alice));
    const upload = async (bytes: Buffer) => {
      const form = new FormData();
      form.set('chat_id', String(alice.id));
      form.set('photo', new Blob([new Uint8Array(bytes)]), 'photo.jpg');
      return (await fetch(`${fake.url}/bot${fake.token}/sendPhoto`, { method: 'POST', body: form })).json() as Promise<Record<string, unknown>>;
    };
    expect((await upload(Buffer.from('#!/bin/sh\nrm -rf /\n'))).description).toBe('Bad Request: IMAGE_PROCESS_FAILED');
    expect((await upload(png)).ok).toBe(true);
    expect((await rawCall('sendPhoto', { chat_id: alice.id, photo: 'AgACAgIAAxkBAAIBogus' })).json.description).toBe('Bad Request: wrong file identifier/HTTP URL specified');
    const doc = fake.addFile(Buffer.from('%PDF-1.7'), { file_name: 'invoice.pdf', mime_type: 'application/pdf' });
    expect((await rawCall('sendPhoto', { chat_id: alice.id, photo: doc })).json.description).toBe('Bad Request: type of file mismatch');
    expect((await rawCall('sendPhoto', { chat_id: alice.id, photo: 'https://cdn.example.com/a.png' })).json.description).toBe('Bad Request: failed to get HTTP URL content');
    fake.serveUrl('https://cdn.example.com/a.png', png);
    expect((await rawCall('sendPhoto', { chat_id: alice.id, photo: 'https://cdn.example.com/a.png' })).json.ok).toBe(true);
    expect((await rawCall('sendDocument', { chat_id: alice.id, document: doc })).json.result).toMatchObject({
      document: { file_id: doc, file_name: 'invoice.pdf', mime_type: 'application/pdf' },
    });
    expect((await rawCall('getFile', { file_id: 'nope' })).json.description).toBe('Bad Request: invalid file_id');
  });

  it('answerCallbackQuery: unknown or already answered queries are "too old"; a redelivered query can be answered again', async () => {
    fake.addChat(privateChat(alice));
    const { json } = await rawCall('sendMessage', { chat_id: alice.id, text: 'Rate us', reply_markup: { inline_keyboard: [[{ text: '👍', callback_data: 'up' }]] } });
    const press = fake.userSends(pressButton(json.result as AnyMessage, { data: 'up' }));
    expect(press.callback_query.from).toMatchObject({ id: alice.id, first_name: 'Alice' });
    expect(() => pressButton(json.result as AnyMessage, { text: '👎' })).toThrow(/no callback button/);

    const answer = () => rawCall('answerCallbackQuery', { callback_query_id: press.callback_query.id });
    expect((await answer()).json).toEqual({ ok: true, result: true });
    const again = await answer();
    expect(again).toEqual({ status: 400, json: { ok: false, error_code: 400, description: 'Bad Request: query is too old and response timeout expired or query ID is invalid' } });
    fake.redeliver(press);
    expect((await answer()).json.ok).toBe(true);
  });

  it('opt-in flood control answers 429 with retry_after and records the pacing of sends', async () => {
    await fake.stop();
    fake = new FakeBotApi({ rateLimit: { perChat: { max: 2, windowMs: 60_000 } } });
    await fake.start();
    fake.addChat(privateChat(alice));
    const send = (text: string) => rawCall('sendMessage', { chat_id: alice.id, text });
    expect((await send('1')).status).toBe(200);
    expect((await send('2')).status).toBe(200);
    const limited = await send('3');
    expect(limited).toMatchObject({ status: 429, json: { ok: false, error_code: 429, parameters: { retry_after: expect.any(Number) } } });
    expect(limited.json.description).toMatch(/^Too Many Requests: retry after \d+$/);
    expect(fake.sendTimestamps(alice.id)).toHaveLength(2);
    expect(fake.sendLog.map((s) => s.method)).toEqual(['sendMessage', 'sendMessage']);
  });
});

/**
 * The Telegram channel end to end: the real telegraf inside a whole gateway,
 * against the fake Bot API (test/fakes/telegram), in long-polling and webhook
 * mode. A customer files a request with a photo; agents answer through the API.
 */
import { readFile } from 'node:fs/promises';
import type { Message, Update } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { telegramChannel } from '../../../src/channels/telegram/index.js';
import { freePort, startTestApp } from '../../support/app.js';
import { BACKENDS, embeddedBackend, productionBackend, type Backend, type BackendEnv } from '../../support/backends.js';
import { ADMIN_ENV, AgentClient, baseOf } from '../../console/console-client.js';
import { FakeBotApi, type AnyMessage } from '../../fakes/telegram/fake-bot-api.js';
import { documentMessage, groupMessage, photoMessage, pressButton, textMessage, user } from '../../fakes/telegram/updates.js';

const png = await readFile(new URL('../../fixtures/screenshot.png', import.meta.url));
/**
 * Budget of a hook or test that starts a gateway (PGlite and its migrations, telegraf's
 * start-up calls, an agent's sign-in): seconds on an idle machine, and on a loaded 2-core
 * one more than the default hook and test timeouts allow.
 */
const STARTS_A_GATEWAY_MS = 180_000;


interface Harness {
  fake: FakeBotApi;
  app: App;
  agent: AgentClient;
  env: BackendEnv;
}

async function startHarness(backend: Backend, mode: 'polling' | 'webhook'): Promise<Harness> {
  const env = await backend.setup();
  const fake = new FakeBotApi({ webhookRetryDelayMs: 100 });
  await fake.start();
  const port = await freePort();
  const app = await startTestApp({
    ...env,
    channels: [telegramChannel],
    env: {
      ...ADMIN_ENV,
      PORT: String(port),
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.url,
      ...(mode === 'webhook' ? { TELEGRAM_WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/webhook`, TELEGRAM_WEBHOOK_SECRET: 'hook-secret_1' } : {}),
    },
  });
  const agent = await AgentClient.login(baseOf(app));
  return { fake, app, agent, env };
}

async function stopHarness(h: Harness | undefined): Promise<void> {
  await h?.app.stop();
  await h?.fake.stop();
  await h?.env.cleanup();
}

/** The bot's messages to a chat, waiting until there are `count`. */
async function botMessages(fake: FakeBotApi, chatId: number, count: number, timeoutMs = 10_000): Promise<AnyMessage[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const sent = fake.sentMessages(chatId);
    if (sent.length >= count) return sent;
    if (Date.now() > deadline) throw new Error(`expected ${count} bot messages in chat ${chatId}, got ${sent.length}: ${JSON.stringify(sent.map((m) => m.text ?? m.caption))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** relaydesk_messages_duplicate_total for Telegram: redelivered updates the gateway recognised and ignored. */
async function duplicatesIgnored(app: App): Promise<number> {
  const metric = await app.metrics.duplicatesIgnored.get();
  return metric.values.find((v) => v.labels.channel === 'telegram')?.value ?? 0;
}

/** Takes a Telegram customer through the intake with a screenshot; returns the request number. */
async function intake(fake: FakeBotApi, from: ReturnType<typeof user>, screenshot: (from: ReturnType<typeof user>) => Update): Promise<string> {
  let n = fake.sentMessages(from.id).length;
  const next = async () => (await botMessages(fake, from.id, ++n)).at(-1)!;
  fake.userSends(textMessage({ from, text: '/start' }));
  const greeting = await next();
  expect(greeting.reply_markup?.inline_keyboard.flat().map((b: { callback_data: string }) => b.callback_data)).toEqual(['incident', 'mass_incident', 'consultation', 'development_request']);
  fake.userSends(pressButton(greeting as Message, { data: 'incident' }, { from }));
  await next();
  fake.userSends(textMessage({ from, text: 'Printer prints blank pages' }));
  await next();
  fake.userSends(textMessage({ from, text: 'Since the update the office printer prints only blank pages.' }));
  await next();
  fake.userSends(screenshot(from));
  const summary = await next();
  expect(summary.text).toContain('Printer prints blank pages');
  fake.userSends(pressButton(summary as Message, { data: 'confirm' }, { from }));
  const created = await next();
  const number = /SR-\d+/.exec(created.text ?? '')?.[0];
  if (!number) throw new Error(`no request number in ${created.text}`);
  return number;
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`Telegram, long polling: ${backend.name}`, () => {
    let h: Harness;
    beforeAll(async () => {
      h = await startHarness(backend, 'polling');
    }, STARTS_A_GATEWAY_MS);
    afterAll(async () => stopHarness(h));

    it('registers the command menu in Russian and English', async () => {
      await h.fake.waitForCall('getUpdates');
      expect(h.fake.commands({ language_code: 'ru' }).map((c) => c.command)).toEqual(['new', 'status', 'cancel', 'lang', 'help']);
      expect(h.fake.commands({ language_code: 'en' })[0]).toEqual({ command: 'new', description: 'File a new request' });
    });

    it('files a request with a photo, answering and removing the buttons it used', async () => {
      const from = user({ id: 5001, first_name: 'Ivan', language_code: 'en' });
      const number = await intake(h.fake, from, (u) => photoMessage({ from: u, bytes: png, caption: 'the error' }));
      const request = await h.app.store.getRequest(number);
      expect(request).toMatchObject({ channel: 'telegram', subject: 'Printer prints blank pages', customer: { externalId: '5001', displayName: 'Ivan', locale: 'en' } });
      expect(request!.attachments).toHaveLength(1);
      expect(await h.app.attachments.read(request!.attachments[0]!)).toEqual(png);
      // Every button press was answered, and its keyboard taken off.
      expect(h.fake.callbackAnswers.length).toBeGreaterThanOrEqual(2);
      const edits = h.fake.callsTo('editMessageReplyMarkup').filter((c) => c.params.chat_id === 5001);
      expect(edits.length).toBeGreaterThanOrEqual(2);
      expect(edits.every((c) => c.status === 200)).toBe(true);
      // Typed numbers work as well as buttons.
      h.fake.userSends(textMessage({ from, text: '/new' }));
      const choose = await botMessages(h.fake, from.id, h.fake.sentMessages(from.id).length + 1);
      expect(choose.at(-1)!.reply_markup).toBeDefined();
      h.fake.userSends(textMessage({ from, text: '/cancel' }));
    });

    it('relays an agent reply, a long one split, an image, and a solution the customer accepts', async () => {
      const from = user({ id: 5002, first_name: 'Olga', language_code: 'ru' });
      const number = await intake(h.fake, from, (u) => documentMessage({ from: u, bytes: png, file_name: 'screen.png', mime_type: 'image/png' }));
      let n = h.fake.sentMessages(from.id).length;

      expect((await h.agent.post(`/api/requests/${number}/messages`, { text: 'Use <b>Tray 2</b> *now*' })).status).toBe(201);
      const reply = (await botMessages(h.fake, from.id, ++n)).at(-1)!;
      // Signed, so the customer knows a person wrote it; plain text: nothing an agent types is markup.
      expect(reply.text).toBe('Admin (поддержка):\nUse <b>Tray 2</b> *now*');
      const call = h.fake.callsTo('sendMessage').find((c) => c.params.text === reply.text);
      expect(call?.params.parse_mode).toBeUndefined();

      const long = `${'Step one. '.repeat(450)}\n${'Step two. '.repeat(100)}`;
      expect((await h.agent.post(`/api/requests/${number}/messages`, { text: long })).status).toBe(201);
      n += 2;
      const parts = (await botMessages(h.fake, from.id, n)).slice(-2);
      expect(parts.map((m) => m.text!.length).every((l) => l <= 4096)).toBe(true);
      expect(parts.map((m) => m.text).join('\n').replace(/\s+/g, ' ').trim()).toBe(`Admin (поддержка): ${long}`.replace(/\s+/g, ' ').trim());

      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(png)]), 'fix.png');
      const uploaded = await (await fetch(`${baseOf(h.app)}/api/requests/${number}/attachments`, { method: 'POST', body: form, headers: { authorization: `Bearer ${h.agent.session.token}` } })).json() as { id: string };
      await h.agent.post(`/api/requests/${number}/messages`, { text: 'Like this', attachmentIds: [uploaded.id] });
      const photo = await h.fake.waitForCall('sendPhoto', (c) => c.params.chat_id === 5002);
      expect(photo.params.caption).toBe('Admin (поддержка):\nLike this');
      expect(Buffer.compare(photo.files.photo!.bytes, png)).toBe(0);
      n++;

      await h.agent.post(`/api/requests/${number}/status`, { status: 'solution_provided', comment: 'Tray 2 was misconfigured; fixed.' });
      const solution = (await botMessages(h.fake, from.id, ++n)).at(-1)!;
      expect(solution.text).toContain('Tray 2 was misconfigured; fixed.');
      h.fake.userSends(pressButton(solution as Message, { data: 'solved' }, { from }));
      await botMessages(h.fake, from.id, ++n);
      await expect.poll(async () => (await h.agent.get(`/api/requests/${number}`)).body.status, { timeout: 10_000 }).toBe('closed');
    });

    it('waits retry_after on a 429 and then delivers', async () => {
      const from = user({ id: 5003, first_name: 'Petr' });
      const number = await intake(h.fake, from, (u) => photoMessage({ from: u, bytes: png }));
      h.fake.failNext('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }, { chatId: 5003 });
      await h.agent.post(`/api/requests/${number}/messages`, { text: 'After the flood wait' });
      const delivered = await h.fake.waitForCall('sendMessage', (c) => String(c.params.text).endsWith('\nAfter the flood wait') && c.status === 200, 15_000);
      const refused = h.fake.callsTo('sendMessage').find((c) => String(c.params.text).endsWith('\nAfter the flood wait') && c.status === 429);
      expect(refused).toBeDefined();
      expect(delivered.at - refused!.at).toBeGreaterThanOrEqual(950); // the retry honoured retry_after
      await h.app.outbox.flush(); // the Bot API has answered; the outbox may still be recording it
      const view = await h.agent.get(`/api/requests/${number}`);
      expect(view.body.messages.find((m: { text: string }) => m.text === 'After the flood wait').deliveryState).toBe('sent');
    });

    it('marks a customer who blocked the bot unreachable, without retrying forever', async () => {
      const from = user({ id: 5004, first_name: 'Anna' });
      const number = await intake(h.fake, from, (u) => photoMessage({ from: u, bytes: png }));
      h.fake.blockChat(5004);
      await h.agent.post(`/api/requests/${number}/messages`, { text: 'Are you there?' });
      await expect.poll(async () => {
        const view = await h.agent.get(`/api/requests/${number}`);
        return [view.body.customer.reachable, view.body.messages.at(-1).deliveryState];
      }, { timeout: 10_000 }).toEqual([false, 'failed']);
      const view = await h.agent.get(`/api/requests/${number}`);
      expect(view.body.messages.at(-1).deliveryError).toMatch(/403/);
      const attempts = h.fake.callsTo('sendMessage').filter((c) => c.params.chat_id === 5004 && String(c.params.text).endsWith('\nAre you there?'));
      expect(attempts).toHaveLength(1);
      // The customer writes again: reachable once more.
      h.fake.unblockChat(5004);
      h.fake.userSends(textMessage({ from, text: 'Sorry, I am back' }));
      await expect.poll(async () => (await h.agent.get(`/api/requests/${number}`)).body.customer.reachable, { timeout: 10_000 }).toBe(true);
    });

    it('sends an image Telegram refuses as a photo (too long a screenshot) as a file', async () => {
      const from = user({ id: 5006, first_name: 'Long' });
      const number = await intake(h.fake, from, (u) => photoMessage({ from: u, bytes: png }));
      h.fake.failNext('sendPhoto', { error_code: 400, description: 'Bad Request: PHOTO_INVALID_DIMENSIONS' }, { chatId: 5006 });
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(png)]), 'long.png');
      const uploaded = (await (await fetch(`${baseOf(h.app)}/api/requests/${number}/attachments`, { method: 'POST', body: form, headers: { authorization: `Bearer ${h.agent.session.token}` } })).json()) as { id: string };
      await h.agent.post(`/api/requests/${number}/messages`, { text: 'The whole page', attachmentIds: [uploaded.id] });
      const doc = await h.fake.waitForCall('sendDocument', (c) => c.params.chat_id === 5006 && c.status === 200, 15_000);
      expect(doc.params.caption).toMatch(/:\nThe whole page$/);
      expect(Buffer.compare(doc.files.document!.bytes, png)).toBe(0);
    });

    it('applies a redelivered update once', async () => {
      const from = user({ id: 5005, first_name: 'Boris' });
      const number = await intake(h.fake, from, (u) => photoMessage({ from: u, bytes: png }));
      const update = h.fake.userSends(textMessage({ from, text: 'One more detail: it is model X200' }));
      await h.fake.waitForCall('getUpdates', (c) => (c.params.offset ?? 0) > update.update_id, 10_000);
      const duplicatesBefore = await duplicatesIgnored(h.app);
      h.fake.redeliver(update);
      // The bot confirms an update (the next getUpdates' offset) only once the gateway has handled it.
      await expect.poll(() => h.fake.pendingUpdates().some((u) => u.update_id === update.update_id)).toBe(false);
      const view = await h.agent.get(`/api/requests/${number}`);
      expect(view.body.messages.filter((m: { text: string }) => m.text === 'One more detail: it is model X200')).toHaveLength(1);
      expect(await duplicatesIgnored(h.app)).toBe(duplicatesBefore + 1);
    });

    it('answers in group chats that it works in private chats only, once', async () => {
      const group = groupMessage({ text: 'hello bot', type: 'supergroup' });
      h.fake.userSends(group);
      const chatId = group.message.chat.id;
      const told = await botMessages(h.fake, chatId, 1);
      expect(told[0]!.text).toContain('только в личных сообщениях');
      expect(told[0]!.text).toContain('I only work in private chats');
      const again = h.fake.userSends(groupMessage({ text: 'hello again', group: group.message.chat as never }));
      // Confirmed (the next getUpdates' offset) once handled, and a group is answered while handling.
      await expect.poll(() => h.fake.pendingUpdates().some((u) => u.update_id === again.update_id)).toBe(false);
      expect(h.fake.sentMessages(chatId)).toHaveLength(1);
      expect((await h.agent.get('/api/requests?channel=telegram')).body.requests.every((r: { customer: { id: string } }) => r.customer.id)).toBe(true);
    });
  });
}

describe('Telegram, when the Bot API fails at start', () => {
  it('still takes every message once getMe answers again', async () => {
    const env = await embeddedBackend.setup();
    const fake = new FakeBotApi();
    await fake.start();
    // telegraf would cache a failed getMe and refuse every update after it.
    fake.failNext('getMe', { error_code: 502, description: 'Bad Gateway' }, { times: 2 });
    const app = await startTestApp({ ...env, channels: [telegramChannel], env: { ...ADMIN_ENV, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url } });
    try {
      const from = user({ id: 8001, first_name: 'Early' });
      fake.userSends(textMessage({ from, text: 'hello' }));
      fake.userSends(textMessage({ from, text: '1' }));
      const sent = await botMessages(fake, from.id, 2, 30_000);
      expect(sent[0]!.text).toBeTruthy();
      expect(fake.callsTo('getMe').filter((c) => c.status === 502).length).toBeGreaterThanOrEqual(1);
    } finally {
      await app.stop();
      await fake.stop();
      await env.cleanup();
    }
  }, STARTS_A_GATEWAY_MS);
});

describe('Telegram, webhook mode', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(embeddedBackend, 'webhook');
  }, STARTS_A_GATEWAY_MS);
  afterAll(async () => stopHarness(h));

  it('sets the webhook with its secret and files a request through it', async () => {
    const set = await h.fake.waitForCall('setWebhook');
    expect(set.params.secret_token).toBe('hook-secret_1');
    expect(h.fake.callsTo('getUpdates')).toHaveLength(0);
    const from = user({ id: 6001, first_name: 'Webhook' });
    const number = await intake(h.fake, from, (u) => photoMessage({ from: u, bytes: png }));
    expect((await h.app.store.getRequest(number))?.attachments).toHaveLength(1);
    expect(h.fake.webhookDeliveries.every((d) => d.secretToken === 'hook-secret_1')).toBe(true);
  });

  it('refuses a webhook call without the secret, or with a wrong one', async () => {
    const url = `${baseOf(h.app)}/telegram/webhook`;
    const update = JSON.stringify(textMessage({ from: user({ id: 6002 }), text: 'forged' }));
    const none = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: update });
    const wrong = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'guess' }, body: update });
    expect([none.status, wrong.status]).toEqual([401, 401]);
    expect((await h.app.store.listCustomerMessages((await h.app.store.upsertCustomer({ channel: 'telegram', externalId: '6002', locale: 'ru' })).id, { limit: 10 })).messages).toEqual([]);
  });

  it('answers only once the update is recorded, so Telegram redelivers what failed, and applies a redelivery once', async () => {
    const from = user({ id: 6003, first_name: 'Retry' });
    const update = h.fake.userSends(textMessage({ from, text: 'hello' }));
    const first = await h.fake.waitForDelivery((d) => d.update_id === update.update_id && d.ok);
    expect(first.status).toBe(200);
    const duplicatesBefore = await duplicatesIgnored(h.app);
    h.fake.redeliver(update);
    await h.fake.waitForDelivery((d) => d !== first && d.update_id === update.update_id && d.ok);
    // The webhook answers once the update is handled: whatever it could have queued is delivered once the outbox is flushed.
    await h.app.outbox.flush();
    const customer = await h.app.store.upsertCustomer({ channel: 'telegram', externalId: '6003', locale: 'en' });
    const page = await h.app.store.listCustomerMessages(customer.id, { limit: 20 });
    expect(page.messages.filter((m) => m.direction === 'inbound')).toHaveLength(1);
    expect(h.fake.sentMessages(6003)).toHaveLength(1); // one greeting, not two
    expect(await duplicatesIgnored(h.app)).toBe(duplicatesBefore + 1);
  });
});

describe.skipIf(!productionBackend.enabled)('Telegram, long polling from several instances (PostgreSQL + Redis)', () => {
  it('polls from one instance only, and another takes over when it stops', async () => {
    const env = await productionBackend.setup();
    const fake = new FakeBotApi();
    await fake.start();
    const start = () =>
      startTestApp({ ...env, channels: [telegramChannel], env: { ...ADMIN_ENV, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url } });
    const apps = [await start(), await start()];
    try {
      await fake.waitForCall('getUpdates');
      const from = user({ id: 7001, first_name: 'Failover' });
      const hello = fake.userSends(textMessage({ from, text: 'hello' }));
      await botMessages(fake, from.id, 1);
      await fake.waitForCall('getUpdates', (c) => (c.params.offset ?? 0) > hello.update_id);
      // Whenever two instances poll, each getUpdates ends the other's held one with 409: through a whole
      // exchange (several long polls, the update confirmed), there is none.
      expect(fake.callsTo('getUpdates').filter((c) => c.status === 409)).toHaveLength(0);

      await apps[0]!.stop();
      fake.userSends(textMessage({ from, text: '1' }));
      const answered = await botMessages(fake, from.id, 2, 30_000);
      expect(answered[1]!.text).toBeTruthy();
      expect(fake.callsTo('getUpdates').filter((c) => c.status === 409)).toHaveLength(0);
    } finally {
      for (const app of apps) await app.stop().catch(() => undefined);
      await fake.stop();
      await env.cleanup();
    }
  }, STARTS_A_GATEWAY_MS);
});

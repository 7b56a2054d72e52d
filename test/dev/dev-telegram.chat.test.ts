/**
 * `npm run dev:telegram` without a browser: the dev server's own HTTP API
 * (what its page calls) driven as a Russian-speaking customer, against a
 * whole gateway running the real Telegram channel (telegraf long polling)
 * pointed at it, as docs/dev-telegram.md says. The typical first message, the
 * type button, a photo, Submit; then the request as agents see it, an agent's
 * reply back in the chat, and the business log's line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { telegramChannel } from '../../src/channels/telegram/index.js';
import { attachBusinessLog } from '../../src/observability/business-log.js';
import { createLogger } from '../../src/observability/logger.js';
import type { ChatItemView } from '../../scripts/dev-telegram/chat-view.js';
import { startDevTelegram, type DevTelegram } from '../../scripts/dev-telegram/dev-telegram.server.js';
import { ADMIN_ENV, AgentClient, baseOf } from '../console/console-client.js';
import { LogCapture } from '../observability/log-capture.js';
import { startTestApp } from '../support/app.js';
import { embeddedBackend, type BackendEnv } from '../support/backends.js';
import { makePng } from '../widget/png.js';

const FIRST_MESSAGE = 'Здравствуйте, не выгружается счёт в PDF';
const screenshot = makePng(320, 200, 3);

describe('dev:telegram: a Russian-speaking customer files a request through the chat page\'s API', () => {
  let dev: DevTelegram;
  let env: BackendEnv;
  let app: App;
  const log = new LogCapture();

  beforeAll(async () => {
    dev = await startDevTelegram({ apiPort: 0, pagePort: 0, token: '123456789:AAH-dev-chat-test-token_0123', customer: { language_code: 'ru' } });
    env = await embeddedBackend.setup();
    app = await startTestApp({
      ...env,
      channels: [telegramChannel],
      env: { ...ADMIN_ENV, TELEGRAM_BOT_TOKEN: dev.token, TELEGRAM_API_ROOT: dev.apiUrl, OUTBOX_POLL_INTERVAL: '100ms' },
    });
    attachBusinessLog({ events: app.events, logger: createLogger({ logLevel: 'info', logFormat: 'json' }, { stream: log }) });
  }, 180_000);
  afterAll(async () => {
    await app?.stop();
    await dev?.stop();
    await env?.cleanup();
  });

  const page = (path: string) => new URL(path, dev.pageUrl).href;
  const chat = async () => ((await (await fetch(page('/api/chat'))).json()) as { messages: ChatItemView[] }).messages;
  const post = async (path: string, body: BodyInit, type = 'application/json') => {
    const res = await fetch(page(path), { method: 'POST', body, headers: { 'content-type': type } });
    expect(res.status).toBe(202);
  };

  /** Does `act`, then waits for the bot's next message after those already there, and returns it. */
  async function botReplyTo(act: () => Promise<void>): Promise<ChatItemView> {
    const before = (await chat()).length;
    await act();
    let reply: ChatItemView | undefined;
    await expect.poll(async () => (reply = (await chat()).slice(before).find((m) => m.from === 'bot')), { timeout: 15_000 }).toBeDefined();
    return reply!;
  }
  const say = (text: string) => botReplyTo(() => post('/api/messages', JSON.stringify({ text })));
  const press = (m: ChatItemView, data: string) => botReplyTo(() => post('/api/press', JSON.stringify({ messageId: m.id, data })));

  it('keeps the first message, takes a photo, creates the request; the agent sees it and answers into the chat', async () => {
    const greeting = await say(FIRST_MESSAGE);
    expect(greeting.text).toContain('не выгружается счёт в PDF'); // the first message is kept, not asked for again
    expect(greeting.buttons.flat().map((b) => b.data)).toContain('incident');

    const askScreenshot = await press(greeting, 'incident');
    expect(askScreenshot.text).toMatch(/скриншот/i);

    const summary = await botReplyTo(() => post('/api/files?name=invoice.png', new Uint8Array(screenshot), 'image/png'));
    expect((await chat()).find((m) => m.from === 'customer' && m.photo)?.photo).toMatchObject({ width: 320, height: 200 });
    expect(summary.text).toContain('Не выгружается счёт в PDF');

    const created = await press(summary, 'confirm');
    const number = /SR-\d+/.exec(created.text ?? '')?.[0];
    expect(number, created.text ?? '').toBeDefined();

    const agent = await AgentClient.login(baseOf(app));
    const { status, body } = await agent.get(`/api/requests/${number}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ number, channel: 'telegram', type: 'incident', description: expect.stringContaining('Не выгружается счёт в PDF') });
    const request = await app.store.getRequest(number!);
    expect(Buffer.compare(await app.attachments.read(request!.attachments[0]!), screenshot)).toBe(0);
    await log.waitFor('request created', (l) => l.msg === 'request created' && l.request === number && l.channel === 'telegram');

    const answer = await botReplyTo(async () => {
      expect((await agent.post(`/api/requests/${number}/messages`, { text: 'Обновите программу до версии 5.2.' })).status).toBe(201);
    });
    expect(answer.text).toContain('Обновите программу до версии 5.2.');
  });
});

/**
 * Telegram updates that cannot be handled, or not now: control characters, an
 * update that keeps failing, a database outage, malformed webhook calls. The
 * real telegraf inside a gateway on PostgreSQL + Redis (PostgreSQL behind a TCP
 * proxy the test cuts), against the fake Bot API.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import type { ChannelFactory } from '../../../src/channels/channel.port.js';
import { createTelegraf, createTelegramChannel } from '../../../src/channels/telegram/index.js';
import { WEBHOOK_SECRET_HEADER } from '../../../src/channels/telegram/telegram.webhook.js';
import { baseOf, freePort, makeTempDir, startTestApp } from '../../support/app.js';
import { createScratchDatabase, havePostgres, haveRedis, redisUrl } from '../../support/services.js';
import { startTcpProxy, targetOf, type TcpProxy } from '../../support/tcp-proxy.js';
import { FakeBotApi } from '../../fakes/telegram/fake-bot-api.js';
import { photoMessage, textMessage, user } from '../../fakes/telegram/updates.js';

const png = await readFile(new URL('../../fixtures/screenshot.png', import.meta.url));
const HOOK_SECRET = 'hook-secret_1';
const MAX_ATTEMPTS = 3;


interface Harness {
  app: App;
  fake: FakeBotApi;
  pg: TcpProxy;
  base: string;
  close(): Promise<void>;
}

async function start(mode: 'polling' | 'webhook'): Promise<Harness> {
  const tmp = await makeTempDir();
  const db = await createScratchDatabase();
  const pg = await startTcpProxy(targetOf(db.url, 5432));
  const fake = new FakeBotApi({ webhookRetryDelayMs: 20 });
  await fake.start();
  const port = await freePort();
  const webhookUrl = mode === 'webhook' ? `http://127.0.0.1:${port}/telegram/webhook` : null;
  const telegram: ChannelFactory = (ctx) =>
    createTelegramChannel(
      {
        webhookUrl, webhookSecret: HOOK_SECRET, maxBytes: 1024 * 1024, defaultLocale: 'ru',
        retries: { maxAttempts: MAX_ATTEMPTS, backoffMs: () => 20, outageRetryMs: () => 100 },
      },
      { bot: createTelegraf({ token: fake.token, apiRoot: fake.url }), logger: ctx.logger, redis: ctx.redis },
    );
  const app = await startTestApp({ dataDir: tmp.dir, databaseUrl: pg.via(db.url), redisUrl, channels: [telegram], env: { PORT: String(port) } });
  return {
    app, fake, pg, base: baseOf(app),
    async close() {
      await pg.restore();
      await app.stop();
      await fake.stop();
      await pg.close();
      await db.drop();
      await tmp.remove();
    },
  };
}

let lastUserId = 777_000;
/** A user of their own: a chat nobody else writes in. */
const person = (spec: Parameters<typeof user>[0] = {}) => user({ id: ++lastUserId, language_code: 'ru', ...spec });

const texts = (fake: FakeBotApi, chatId: number) => fake.sentMessages(chatId).map((m) => String(m.text ?? ''));

describe.runIf(havePostgres() && haveRedis())('Telegram against updates that cannot be handled', () => {
  describe('long polling', () => {
    let h: Harness;
    beforeAll(async () => {
      h = await start('polling');
    });
    afterAll(() => h?.close());

    it('takes a text with NUL and other control characters, and the chat goes on', async () => {
      const ann = person({ first_name: 'Ann\u0000' });
      h.fake.userSends(textMessage({ from: ann, text: 'Здравствуйте\u0000, не выгружается\u0007 счёт' }));
      await expect.poll(() => texts(h.fake, ann.id).length).toBeGreaterThan(0);
      const stored = await h.app.db.prisma.message.findFirst({ where: { channel: 'telegram', direction: 'inbound' }, orderBy: { id: 'desc' } });
      expect(stored?.text).toBe('Здравствуйте, не выгружается счёт');
      expect(h.fake.pendingUpdates()).toEqual([]);
    });

    it('sets aside an update that keeps failing, tells the customer, and handles the updates behind it', async () => {
      const [bob, eve] = [person({ language_code: 'en' }), person()];
      h.fake.failNext('getFile', { error_code: 500, description: 'Internal Server Error' }, { times: 100 });
      h.fake.userSends(photoMessage({ from: bob, bytes: png }));
      h.fake.userSends(textMessage({ from: eve, text: 'Добрый день' }));
      // Chats go in parallel: Eve is answered whether or not Bob's update was set aside yet.
      await expect.poll(() => texts(h.fake, eve.id).length).toBeGreaterThan(0);
      await expect.poll(() => texts(h.fake, bob.id), { timeout: 20_000 }).toEqual([expect.stringContaining('could not take this message')]);
      expect(h.fake.callsTo('getFile').length).toBe(MAX_ATTEMPTS);
      await expect.poll(() => h.fake.pendingUpdates(), { timeout: 10_000 }).toEqual([]);
    });

    it('waits out a database outage, setting nothing aside, and carries on when it ends', async () => {
      const carl = person();
      await h.pg.cut();
      try {
        await expect.poll(async () => (await fetch(`${h.base}/ready`)).status).toBe(503);
        const polls = h.fake.callsTo('getUpdates').length;
        h.fake.userSends(textMessage({ from: carl, text: 'Здравствуйте' }));
        // Retried in place while the offset stays before it (each poll gets it again): well past the attempts a failing update gets.
        await expect.poll(() => h.fake.callsTo('getUpdates').length - polls, { timeout: 10_000 }).toBeGreaterThan(MAX_ATTEMPTS + 2);
        expect(h.fake.pendingUpdates()).toHaveLength(1);
      } finally {
        await h.pg.restore();
      }
      await expect.poll(() => texts(h.fake, carl.id).length).toBeGreaterThan(0);
      expect(texts(h.fake, carl.id).join('\n')).not.toMatch(/Не удалось принять/);
      expect(h.fake.pendingUpdates()).toEqual([]);
    });
  });

  describe('webhook', () => {
    let h: Harness;
    const post = (body: unknown, secret: string | null = HOOK_SECRET) =>
      fetch(`${h.base}/telegram/webhook`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret ? { [WEBHOOK_SECRET_HEADER]: secret } : {}) },
        body: JSON.stringify(body),
      });
    beforeAll(async () => {
      h = await start('webhook');
    });
    afterAll(() => h?.close());

    it('answers malformed updates that carry the secret with 200, so Telegram stops sending them', async () => {
      for (const body of [{}, [], 'text', { update_id: 'x' }, { update_id: 9001, message: {} }, { update_id: 9002, message: { chat: { id: 'x' } } }, { update_id: 9003, callback_query: {} }]) {
        expect((await post(body)).status, JSON.stringify(body)).toBe(200);
      }
      expect((await post({ update_id: 9004 }, null)).status).toBe(401);
      expect((await post({ update_id: 9005 }, 'wrong')).status).toBe(401);
    });

    it('takes a text with NUL through the webhook', async () => {
      const dan = person();
      h.fake.userSends(textMessage({ from: dan, text: 'Hi\u0000 there' }));
      await expect.poll(() => texts(h.fake, dan.id).length).toBeGreaterThan(0);
      expect(texts(h.fake, dan.id).join('\n')).not.toMatch(/Не удалось принять/);
      const stored = await h.app.db.prisma.message.findFirst({ where: { channel: 'telegram', direction: 'inbound' }, orderBy: { id: 'desc' } });
      expect(stored?.text).toBe('Hi there');
      expect(h.fake.pendingUpdates()).toEqual([]);
    });

    it('answers 503 while the database is down, and takes the update when it is back', async () => {
      const fay = person();
      await h.pg.cut();
      try {
        h.fake.userSends(textMessage({ from: fay, text: 'Добрый день' }));
        await expect.poll(() => h.fake.webhookDeliveries.filter((d) => d.status === 503).length).toBeGreaterThan(MAX_ATTEMPTS + 1);
        expect(h.fake.pendingUpdates()).toHaveLength(1);
      } finally {
        await h.pg.restore();
      }
      await expect.poll(() => texts(h.fake, fay.id).length).toBeGreaterThan(0);
      expect(h.fake.pendingUpdates()).toEqual([]);
    });

    it('sets aside an update that keeps failing with a 200, and tells the customer', async () => {
      const gil = person({ language_code: 'en' });
      h.fake.failNext('getFile', { error_code: 500, description: 'Internal Server Error' }, { times: 100 });
      h.fake.userSends(photoMessage({ from: gil, bytes: png }));
      await expect.poll(() => texts(h.fake, gil.id)).toEqual([expect.stringContaining('could not take this message')]);
      expect(h.fake.pendingUpdates()).toEqual([]);
    });
  });
});

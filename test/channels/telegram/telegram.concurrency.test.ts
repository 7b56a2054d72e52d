/**
 * Long polling, one slow chat among others: chat A's getFile hangs, chat B is
 * answered meanwhile, A is handled once it answers, and the offset never goes
 * past A before A is recorded, across a restart of polling too. The real
 * telegraf inside a gateway on PostgreSQL + Redis, against the fake Bot API.
 */
import { readFile } from 'node:fs/promises';
import type { Update } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import type { ChannelFactory, ChannelModule } from '../../../src/channels/channel.port.js';
import { createTelegraf, createTelegramChannel } from '../../../src/channels/telegram/index.js';
import { makeTempDir, startTestApp } from '../../support/app.js';
import { createScratchDatabase, havePostgres, haveRedis, redisUrl } from '../../support/services.js';
import { FakeBotApi, type RecordedCall } from '../../fakes/telegram/fake-bot-api.js';
import { photoMessage, textMessage, user } from '../../fakes/telegram/updates.js';

const png = await readFile(new URL('../../fixtures/screenshot.png', import.meta.url));
const HANG_MS = 10_000;
/** The bound the task sets: another chat is answered within a second, whatever A does. */
const OTHER_CHAT_ANSWERED_MS = 1_000;

interface Harness {
  app: App;
  fake: FakeBotApi;
  channel: () => ChannelModule;
  close(): Promise<void>;
}

async function start(): Promise<Harness> {
  const tmp = await makeTempDir();
  const db = await createScratchDatabase();
  const fake = new FakeBotApi();
  await fake.start();
  let channel: ChannelModule | null = null;
  const telegram: ChannelFactory = (ctx) => {
    channel = createTelegramChannel(
      { webhookUrl: null, webhookSecret: 'unused', maxBytes: 1024 * 1024, defaultLocale: 'en' },
      { bot: createTelegraf({ token: fake.token, apiRoot: fake.url }), logger: ctx.logger, redis: ctx.redis },
    );
    return channel;
  };
  const app = await startTestApp({ dataDir: tmp.dir, databaseUrl: db.url, redisUrl, channels: [telegram] });
  await fake.waitForCall('getUpdates');
  return {
    app, fake,
    channel: () => channel!,
    async close() {
      await app.stop();
      await fake.stop();
      await db.drop();
      await tmp.remove();
    },
  };
}

let lastUserId = 888_000;
const person = () => user({ id: ++lastUserId, language_code: 'en' });

/** Resolves with the bot's first successful sendMessage to a chat, or rejects after `timeoutMs`. */
const replyTo = (fake: FakeBotApi, chatId: number, timeoutMs: number) =>
  fake.waitForCall('sendMessage', (c) => c.params.chat_id === chatId && c.status === 200, timeoutMs);

/** Inbound messages the gateway recorded for a Telegram message (unique per channel message id). */
async function recorded(app: App, update: Update & { message: { chat: { id: number }; message_id: number } }) {
  const channelMessageId = `${update.message.chat.id}:${update.message.message_id}`;
  return app.db.prisma.message.findMany({ where: { channel: 'telegram', direction: 'inbound', channelMessageId } });
}

async function duplicatesIgnored(app: App): Promise<number> {
  const metric = await app.metrics.duplicatesIgnored.get();
  return metric.values.find((v) => v.labels.channel === 'telegram')?.value ?? 0;
}

/**
 * Every getUpdates offset, with whether A's getFile had answered yet: A cannot be
 * recorded before its file arrived, so an offset past A before then skipped it.
 */
function watchOffsets(fake: FakeBotApi) {
  const seen: Array<{ offset: number; fileAnswered: boolean }> = [];
  let fileAnswered = false;
  const stop = fake.onCall((c: RecordedCall) => {
    if (c.method === 'getFile' && c.status === 200) fileAnswered = true;
    if (c.method === 'getUpdates') seen.push({ offset: Number(c.params.offset ?? 0), fileAnswered });
  });
  return { seen, stop };
}

describe.runIf(havePostgres() && haveRedis())('Telegram long polling: one slow chat holds up no other', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await start();
  }, 60_000);
  afterAll(() => h?.close());

  it(`answers chat B within ${OTHER_CHAT_ANSWERED_MS} ms while chat A's getFile hangs, then handles A, the offset never past A`, async () => {
    const [a, b] = [person(), person()];
    const offsets = watchOffsets(h.fake);
    h.fake.delayNext('getFile', HANG_MS);
    const fromA = h.fake.userSends(photoMessage({ from: a, bytes: png }));
    await expect.poll(() => h.fake.callsTo('getFile').length).toBe(1); // A's download is hanging
    const fromB = h.fake.userSends(textMessage({ from: b, text: 'Hello, my printer is broken' }));

    await replyTo(h.fake, b.id, OTHER_CHAT_ANSWERED_MS);

    expect(await recorded(h.app, fromA)).toHaveLength(0); // A is still in flight
    await replyTo(h.fake, a.id, HANG_MS + 10_000);
    expect(await recorded(h.app, fromA)).toHaveLength(1);
    expect(await recorded(h.app, fromB)).toHaveLength(1);
    await expect.poll(() => h.fake.pendingUpdates()).toEqual([]); // both confirmed in the end
    offsets.stop();
    const early = offsets.seen.filter((o) => !o.fileAnswered);
    expect(early.length).toBeGreaterThan(0);
    expect(early.filter((o) => o.offset > fromA.update_id)).toEqual([]);
  }, 30_000);

  it('loses nothing and applies nothing twice when polling restarts with A in flight', async () => {
    const [a, b] = [person(), person()];
    const offsets = watchOffsets(h.fake);
    const duplicatesBefore = await duplicatesIgnored(h.app);
    h.fake.delayNext('getFile', HANG_MS);
    const fromA = h.fake.userSends(photoMessage({ from: a, bytes: png }));
    await expect.poll(() => h.fake.callsTo('getFile').filter((c) => c.status === undefined).length).toBe(1);
    const fromB = h.fake.userSends(textMessage({ from: b, text: 'Hello, my printer is broken' }));
    await replyTo(h.fake, b.id, OTHER_CHAT_ANSWERED_MS);

    // Stopping lets A finish (it is recorded) but confirms neither A nor B, which came after it.
    await h.channel().stop!();
    expect(await recorded(h.app, fromA)).toHaveLength(1);
    expect(h.fake.pendingUpdates().map((u) => u.update_id)).toEqual([fromA.update_id, fromB.update_id]);
    await h.channel().start!((message) => h.app.gateway.receive(message));

    // The new poller gets both again; the gateway recognises both.
    await expect.poll(() => h.fake.pendingUpdates(), { timeout: 10_000 }).toEqual([]);
    await expect.poll(() => duplicatesIgnored(h.app), { timeout: 10_000 }).toBe(duplicatesBefore + 2);
    await h.app.outbox.flush();
    expect(await recorded(h.app, fromA)).toHaveLength(1);
    expect(await recorded(h.app, fromB)).toHaveLength(1);
    expect(h.fake.sentMessages(a.id)).toHaveLength(1);
    expect(h.fake.sentMessages(b.id)).toHaveLength(1);
    offsets.stop();
    expect(offsets.seen.filter((o) => !o.fileAnswered && o.offset > fromA.update_id)).toEqual([]);
  }, 40_000);
});

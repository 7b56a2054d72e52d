/**
 * The whole gateway, started as `npm start` would start it, driven through an
 * in-memory test channel: on the embedded back end (PGlite on disk, in-memory
 * state) and on the production one (PostgreSQL + Redis).
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { ChannelError } from '../../src/channels/channel.port.js';
import { startTestApp } from '../support/app.js';
import { BACKENDS, type Backend } from '../support/backends.js';
import { TestChannel, transientError } from '../support/test-channel.js';
import { pngHeader } from '../requests/images.js';

const png = await readFile(new URL('../fixtures/screenshot.png', import.meta.url));
const disguised = await readFile(new URL('../fixtures/script-disguised.png', import.meta.url));

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`gateway end to end: ${backend.name}`, () => {
    let env: Awaited<ReturnType<Backend['setup']>>;
    let channel: TestChannel;
    let app: App;
    const start = async () => {
      app = await startTestApp({ ...env, channels: [channel] });
    };

    beforeAll(async () => {
      env = await backend.setup();
      channel = new TestChannel();
      await start();
    });
    afterAll(async () => {
      await app?.stop();
      await env?.cleanup();
    });

    /** The choices offered by the newest message to `who`, after waiting for `count` messages. */
    async function lastReply(who: string, count: number) {
      const sent = await channel.waitFor(who, count);
      return sent[count - 1]!.message;
    }

    it('runs a full intake with a screenshot, surviving a restart in the middle', async () => {
      const who = 'customer-1';
      await channel.say(who, { text: 'Здравствуйте', displayName: 'Ivan Petrov' });
      const greeting = await lastReply(who, 1);
      expect(greeting.choices?.map((c) => c.id)).toEqual(['incident', 'mass_incident', 'consultation', 'development_request']);

      await channel.say(who, { text: '1' });
      await lastReply(who, 2);
      await channel.say(who, { text: '  Принтер не печатает  ' });
      await lastReply(who, 3);

      // Restart between two steps: nothing collected so far may be lost.
      await app.stop();
      await start();

      await channel.say(who, { text: 'С утра принтер в бухгалтерии выдаёт ошибку E-42 и не печатает.' });
      const screenshotPrompt = await lastReply(who, 4);
      expect(screenshotPrompt.choices?.map((c) => c.id)).toContain('skip');

      await channel.say(who, { file: { data: png, fileName: 'error.png' } });
      const summary = await lastReply(who, 5);
      expect(summary.text).toContain('Принтер не печатает');
      expect(summary.choices?.map((c) => c.id)).toEqual(expect.arrayContaining(['confirm', 'edit', 'cancel']));

      await channel.say(who, { choiceId: 'confirm' });
      const created = await lastReply(who, 6);
      expect(created.text).toContain('SR-1001');

      const request = await app.store.getRequest('SR-1001');
      expect(request).toMatchObject({
        number: 'SR-1001',
        type: 'incident',
        subject: 'Принтер не печатает',
        description: 'С утра принтер в бухгалтерии выдаёт ошибку E-42 и не печатает.',
        status: 'new',
        channel: 'test',
      });
      expect(request!.customer.displayName).toBe('Ivan Petrov');
      expect(request!.attachments).toHaveLength(1);
      expect(request!.attachments[0]).toMatchObject({ mimeType: 'image/png', size: png.length });
      expect(await app.attachments.read(request!.attachments[0]!)).toEqual(png);
    });

    it('applies a redelivered message once', async () => {
      const who = 'customer-dup';
      const first = await channel.say(who, { text: 'hello', id: 'dup-1' });
      const again = await channel.say(who, { text: 'hello', id: 'dup-1' });
      expect(first.status).toBe('applied');
      expect(again).toMatchObject({ status: 'duplicate', messageId: first.messageId });
      await channel.waitFor(who, 1);
      await app.outbox.flush();
      expect(channel.textsTo(who)).toHaveLength(1);
    });

    it('refuses a disguised file and a file over the limit with a clear answer, losing nothing', async () => {
      const who = 'customer-files';
      for (const text of ['hi', '3', 'VPN does not connect', 'The VPN client stops at 90% since the update.']) {
        await channel.say(who, { text });
      }
      await channel.waitFor(who, 4);
      await channel.say(who, { file: { data: disguised, fileName: 'totally-an-image.png' } });
      const refusal = await channel.waitFor(who, 6);
      expect(refusal[4]!.message.text).toMatch(/PNG, JPEG, WebP/);
      expect(refusal[5]!.message.choices?.map((c) => c.id)).toContain('skip');
      await channel.say(who, { file: { data: Buffer.concat([png, Buffer.alloc(11 * 1024 * 1024)]) } });
      const tooLarge = await channel.waitFor(who, 8);
      expect(tooLarge[6]!.message.text).toMatch(/10 МБ/);
      // A file the channel did not even download, its declared size being over the limit.
      await channel.say(who, { refusedFile: { reason: 'too_large' } });
      const declared = await channel.waitFor(who, 10);
      expect(declared[8]!.message.text).toMatch(/10 МБ/);
      // A pixel flood: a small file that would decode to 400 megapixels.
      await channel.say(who, { file: { data: pngHeader(20_000, 20_000), fileName: 'huge.png' } });
      const flood = await channel.waitFor(who, 12);
      expect(flood[10]!.message.text).toMatch(/20000×20000/);
      await channel.say(who, { choiceId: 'skip' });
      const summary = await lastReply(who, 13);
      expect(summary.text).toContain('VPN does not connect');
    });

    it('postpones a delivery the channel rate-limits, without using up its attempts', async () => {
      const who = 'customer-paced';
      const failures: string[] = [];
      const off = app.events.on('delivery_failed', ({ message }) => void failures.push(message.id));
      // More refusals than OUTBOX_MAX_ATTEMPTS (8): a rate limit is a wait, not a failure.
      channel.failNext(...Array.from({ length: 12 }, () => new ChannelError('rate_limited', 'slow down', { retryAfterMs: 20 })));
      await channel.say(who, { text: 'hello' });
      await channel.waitFor(who, 1, 20_000);
      off();
      expect(failures).toEqual([]);
    });

    it('retries a failed delivery and marks one that keeps failing as failed', async () => {
      const who = 'customer-flaky';
      channel.failNext(transientError(), transientError());
      const failures: string[] = [];
      const off = app.events.on('delivery_failed', ({ message }) => void failures.push(message.id));
      const { customerId } = await channel.say(who, { text: 'hello' });
      // Two failures, then delivered; backoff is at most a few seconds here.
      await channel.waitFor(who, 1, 20_000);

      channel.failAlways(new ChannelError('unreachable', 'bot was blocked by the user'));
      await channel.say(who, { text: '2' });
      await expect.poll(() => failures.length, { timeout: 10_000 }).toBe(1);
      channel.clearFailures();
      off();
      expect((await app.store.getCustomer(customerId))?.reachable).toBe(false);
      expect(await app.store.countOutbox()).toMatchObject({ failed: 1 });
    });
  });
}

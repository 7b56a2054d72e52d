/**
 * WhatsApp never resends a message the gateway did not take, so the channel
 * tries again itself: through an outage for as long as its patience lasts,
 * after any other failure a few times, and not at all when the gateway refuses
 * the message for good. Driven through the fake client; `receive` is scripted.
 */
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { InboundMessage } from '../../../src/channels/channel.port.js';
import { createWhatsappChannel, type WhatsappChannel } from '../../../src/channels/whatsapp/whatsapp.adapter.js';
import { GatewayError } from '../../../src/gateway/gateway.errors.js';
import { makeTempDir } from '../../support/app.js';
import { FakeWhatsApp } from '../../fakes/whatsapp/fake-whatsapp.js';

const logger = pino({ level: 'silent' });

describe('WhatsApp messages the gateway cannot take now', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  /** A ready channel whose gateway answers with `script` (an error, or null to take the message). */
  async function channelWith(script: Array<Error | null>) {
    const fake = new FakeWhatsApp({ qrIntervalMs: 60_000 });
    const tmp = await makeTempDir();
    const channel: WhatsappChannel = createWhatsappChannel(
      { sessionDir: tmp.dir, maxBytes: 1024 * 1024, chatGapMs: 1000, sendGapMs: 1000, receiveRetryMs: () => 1 },
      { driver: fake.driver, logger, redis: null },
    );
    const calls: InboundMessage[] = [];
    let taken: () => void = () => {};
    const done = new Promise<void>((resolve) => (taken = resolve));
    await channel.start!(async (message) => {
      calls.push(message);
      const outcome = script.shift();
      if (outcome) throw outcome;
      taken();
      return { status: 'applied', messageId: String(calls.length), customerId: 'c' };
    });
    stops.push(async () => {
      await channel.stop!();
      await fake.shutdown();
      await tmp.remove();
    });
    await fake.scanNextQr();
    return { fake, calls, done };
  }

  const outage = () => new GatewayError('unavailable', 'the database is unreachable');

  it('keeps trying through an outage longer than five attempts, and the message is taken', async () => {
    const { fake, calls, done } = await channelWith(Array.from({ length: 12 }, outage));
    fake.userSends({ body: 'Здравствуйте' });
    await done;
    expect(calls).toHaveLength(13);
  });

  it('gives up after five attempts for other failures', async () => {
    const { fake, calls, done } = await channelWith([...Array.from({ length: 10 }, () => new GatewayError('failed', 'something failed')), null]);
    for (const body of ['first', 'second', 'third']) fake.userSends({ body });
    await done;
    expect(calls.map((c) => c.text)).toEqual([...Array(5).fill('first'), ...Array(5).fill('second'), 'third']);
  });

  it('does not try again a message the gateway refuses for good', async () => {
    const { fake, calls, done } = await channelWith([new GatewayError('invalid_message', 'cannot be stored'), null]);
    fake.userSends({ body: 'refused' });
    fake.userSends({ body: 'taken' });
    await done;
    expect(calls.map((c) => c.text)).toEqual(['refused', 'taken']);
  });
});

/**
 * Replies on a channel that sends at once (ChannelPort.sendsAtOnce, the web
 * chat) are written as sent with their step and sent as it commits: the outbox
 * (stopped here) has nothing to claim. Anything queued before them still goes
 * first, and agents' replies still go through the outbox.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { makeTempDir, startTestApp } from '../support/app.js';
import { TestChannel } from '../support/test-channel.js';

describe('replies sent at once', () => {
  let app: App;
  let remove: () => Promise<void>;
  const channel = new TestChannel('instant', { sendsAtOnce: true });

  beforeAll(async () => {
    const temp = await makeTempDir();
    remove = temp.remove;
    app = await startTestApp({ dataDir: temp.dir, channels: [channel] });
    await app.outbox.stop();
  });
  afterAll(async () => {
    await app?.stop();
    await remove?.();
  });

  it('sends the bot reply as its step commits, with no outbox round', async () => {
    const result = await channel.say('v-1', { text: 'hello' });
    expect(result.status).toBe('applied');
    // Sent before receive() resolved: no outbox worker runs.
    expect(channel.textsTo('v-1').length).toBeGreaterThan(0);
    expect(await app.store.countOutbox()).toMatchObject({ pending: 0 });
    const { messages } = await app.store.listCustomerMessages(result.customerId, { limit: 10 });
    const replies = messages.filter((m) => m.direction === 'outbound');
    expect(replies.length).toBe(channel.textsTo('v-1').length);
    expect(replies.every((m) => m.deliveryState === 'sent')).toBe(true);
  });

  it('queues a reply behind an earlier message still queued, keeping the order', async () => {
    const first = await channel.say('v-2', { text: 'hello' });
    const before = channel.textsTo('v-2').length;
    await app.store.transaction((tx) =>
      tx.enqueueOutbound({ customerId: first.customerId, requestId: null, channel: 'instant', author: 'agent', text: 'from an agent', at: new Date() }),
    );
    await channel.say('v-2', { choiceId: 'incident' });
    expect(channel.textsTo('v-2')).toHaveLength(before);
    expect(await app.store.countOutbox()).toMatchObject({ pending: 2 });
    await app.outbox.flush();
    const texts = channel.textsTo('v-2').slice(before);
    expect(texts[0]).toBe('from an agent');
    expect(texts).toHaveLength(2);
  });
});

/**
 * The outbox worker listens for `message_enqueued` itself from start() to stop()
 * (nothing in the wiring has to): a queued message goes out at once, not at the
 * next poll (an hour here).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelPort } from '../../src/channels/channel.port.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { GatewayEvents } from '../../src/gateway/gateway-events.js';
import { testOutboxWorker } from './outbox-worker.js';
import { createPostgresRequestStore } from '../../src/requests/postgres.request-store.js';
import type { RequestStore } from '../../src/requests/request-store.port.js';

describe('OutboxWorker woken by a queued message', () => {
  let db: Database;
  let store: RequestStore;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    store = createPostgresRequestStore(db, { requestPrefix: 'SR' });
  });
  afterAll(() => db?.close());

  it('delivers a queued message at once, not at the next poll', async () => {
    const events = new GatewayEvents((error) => {
      throw error;
    });
    const sent: string[] = [];
    let delivered: () => void = () => undefined;
    const port: ChannelPort = {
      name: 'test',
      send: async (_externalId, message) => {
        sent.push(message.text ?? '');
        delivered();
        return {};
      },
    };
    // The start-up round, seen to find nothing: after it, only a wake (or the poll an hour away) claims again.
    let idle: () => void = () => undefined;
    const startedIdle = new Promise<void>((resolve) => (idle = resolve));
    const watched: RequestStore = {
      ...store,
      claimDeliveries: async (opts) => {
        const claimed = await store.claimDeliveries(opts);
        if (claimed.length === 0) idle();
        return claimed;
      },
    };
    const worker = testOutboxWorker(watched, port, events);
    const customer = await store.upsertCustomer({ channel: 'test', externalId: 'wake-1', locale: 'en' });
    const enqueue = (text: string) =>
      store.transaction((tx) => tx.enqueueOutbound({ customerId: customer.id, requestId: null, channel: 'test', author: 'bot', text, at: new Date() }));

    worker.start();
    await startedIdle;
    const first = await enqueue('first');
    const arrived = new Promise<void>((resolve) => (delivered = resolve));
    events.emit('message_enqueued', { message: first });
    await arrived;
    expect(sent).toEqual(['first']);
    await worker.stop();
  });
});

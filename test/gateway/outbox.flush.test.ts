/**
 * OutboxWorker.flush() returns only once every delivery this worker is carrying
 * out has its outcome recorded, including a delivery a round started by the
 * background timer (or by another flush) claimed before flush() was called.
 * Such a delivery is leased, so flush's own round finds nothing due: returning
 * then left the message `pending` for whoever looked next.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelPort } from '../../src/channels/channel.port.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { GatewayEvents } from '../../src/gateway/gateway-events.js';
import type { OutboxWorker } from '../../src/gateway/outbox.js';
import { testOutboxWorker } from './outbox-worker.js';
import { createPostgresRequestStore } from '../../src/requests/postgres.request-store.js';
import type { RequestStore } from '../../src/requests/request-store.port.js';
import { createScratchDatabase, havePostgres } from '../support/services.js';

interface Gate {
  promise: Promise<void>;
  open(): void;
}

function gate(): Gate {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * The store, with the completion of deliveries held back on demand. A held
 * completion is let go on the event loop's next turn after some round looked
 * for due deliveries and found none: by then a flush() that does not wait for
 * rounds in flight has already returned.
 */
function holdingStore(real: RequestStore) {
  let held: { entered: Gate; release: Gate } | null = null;
  const store: RequestStore = {
    ...real,
    claimDeliveries: async (opts) => {
      const claimed = await real.claimDeliveries(opts);
      const release = held?.release;
      if (release && claimed.length === 0) setImmediate(release.open);
      return claimed;
    },
    completeDeliveries: async (results, at) => {
      if (held) {
        held.entered.open();
        await held.release.promise;
      }
      return real.completeDeliveries(results, at);
    },
  };
  return {
    store,
    /** Holds the next completions; resolves when one is held. */
    hold(): Promise<void> {
      held = { entered: gate(), release: gate() };
      return held.entered.promise;
    },
    unhold(): void {
      held?.release.open();
      held = null;
    },
  };
}

const databases = [
  { name: 'embedded PGlite', enabled: true, open: async () => ({ db: await openDatabase({ dataDir: 'memory://' }), drop: async () => undefined }) },
  {
    name: 'PostgreSQL',
    enabled: havePostgres(),
    open: async () => {
      const scratch = await createScratchDatabase();
      return { db: await openDatabase({ databaseUrl: scratch.url, dataDir: 'unused' }), drop: scratch.drop };
    },
  },
];

for (const backend of databases) {
  describe.skipIf(!backend.enabled)(`OutboxWorker.flush: ${backend.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let holding: ReturnType<typeof holdingStore>;

    beforeAll(async () => {
      ({ db, drop } = await backend.open());
      holding = holdingStore(createPostgresRequestStore(db, { requestPrefix: 'SR' }));
    });
    afterAll(async () => {
      await db?.close();
      await drop?.();
    });

    function makeWorker() {
      const { store } = holding;
      const events = new GatewayEvents((error) => {
        throw error;
      });
      const sent: string[] = [];
      const port: ChannelPort = {
        name: 'test',
        send: async (externalId) => {
          sent.push(externalId);
          return { channelMessageId: `out-${sent.length}-${externalId}` };
        },
      };
      const worker = testOutboxWorker(store, port, events);
      return { worker, events, sent };
    }

    async function enqueue(externalId: string, text: string) {
      const { store } = holding;
      const customer = await store.upsertCustomer({ channel: 'test', externalId, locale: 'en' });
      const message = await store.transaction((tx) =>
        tx.enqueueOutbound({ customerId: customer.id, requestId: null, channel: 'test', author: 'bot', text, at: new Date() }),
      );
      return { customer, message };
    }

    async function deliveryState(customerId: string, messageId: string) {
      const page = await holding.store.listCustomerMessages(customerId, { limit: 50 });
      return page.messages.find((m) => m.id === messageId)?.deliveryState;
    }

    const concurrentRounds = [
      { by: 'the background timer', begin: (worker: OutboxWorker) => worker.start() },
      { by: 'another flush()', begin: (worker: OutboxWorker) => void worker.flush() },
    ];

    for (const { by, begin } of concurrentRounds) {
      it(`waits for a delivery that a round started by ${by} is completing`, async () => {
        const { worker, events, sent } = makeWorker();
        const delivered: string[] = [];
        events.on('delivered', ({ message }) => void delivered.push(message.id));
        const externalId = `flush-${by.replace(/\W+/g, '-')}`;
        const { customer, message } = await enqueue(externalId, 'Your request is registered.');
        try {
          const held = holding.hold();
          begin(worker);
          await held; // that round has sent the message and is recording it
          expect(sent).toEqual([externalId]);

          await worker.flush();
          const recordedWhenFlushed = [...delivered];
          expect(recordedWhenFlushed).toEqual([message.id]);
          expect(await deliveryState(customer.id, message.id)).toBe('sent');
          expect(sent).toEqual([externalId]); // sent once: flush did not take it again
        } finally {
          holding.unhold();
          await worker.stop();
        }
      });
    }

    it('still delivers what is due itself, and returns at once when nothing is', async () => {
      const { worker, sent } = makeWorker();
      const { customer, message } = await enqueue('flush-own', 'Hello');
      expect(await worker.flush()).toBe(1);
      expect(sent).toEqual(['flush-own']);
      expect(await deliveryState(customer.id, message.id)).toBe('sent');
      expect(await worker.flush()).toBe(0);
    });
  });
}

/** The outbox part of the RequestStore contract (see request-store.contract.ts). */
import { describe, expect, it } from 'vitest';
import type { RequestStore } from '../../src/requests/request-store.port.js';
import type { Customer, Delivery, StoredMessage } from '../../src/requests/request.types.js';
import type { RequestStoreHarness } from './request-store.contract.js';
import { expectStoreError } from './request-store.contract.js';
import type { Fixtures } from './request-store.fixtures.js';

interface Ctx {
  h: RequestStoreHarness;
  store: RequestStore;
  f: Fixtures;
}

const CHANNELS = ['telegram', 'whatsapp', 'webchat'];

export function defineOutboxContract(ctx: () => Ctx): void {
  describe('outbox', () => {
    // Messages are queued "now"; claims look a minute ahead so everything queued is due.
    const T = (): Date => new Date(Date.now() + 60_000);
    const claim = (now: Date, limit = 10, leaseMs = 30_000, channels = CHANNELS): Promise<Delivery[]> =>
      ctx().store.claimDeliveries({ limit, leaseMs, now, channels });
    const ids = (ds: Delivery[]): string[] => ds.map((d) => d.message.id);

    /** The delivery state of a message, read through its request. */
    async function stateOf(number: string, messageId: string): Promise<StoredMessage | undefined> {
      return (await ctx().store.getRequest(number))?.messages.find((m) => m.id === messageId);
    }

    it('queues a message with its attachments and delivers it with customer and files', async () => {
      const { store, f } = ctx();
      const c = await f.customer();
      const file = await f.attachment(null);
      const m = await f.outbound(c, 'Here is the manual', [file.id]);
      expect(m).toMatchObject({ direction: 'outbound', author: 'bot', deliveryState: 'pending', attachmentIds: [file.id] });
      expect((await store.getAttachment(file.id))?.messageId).toBe(m.id);
      await expectStoreError(f.outbound(c, 'lost', ['01900000-0000-7000-8000-000000000000']), 'not_found');
      expect(await store.countOutbox()).toEqual({ pending: 1, sent: 0, failed: 0 });

      const [d, ...rest] = await claim(T());
      expect(rest).toEqual([]);
      expect(d).toMatchObject({ attempts: 0, message: m, customer: c });
      expect(d?.outboxId).toMatch(/^\d+$/);
      expect(d?.attachments).toEqual([await store.getAttachment(file.id)]);
    });

    it('completes a delivery: outbox sent, message sent with the channel id', async () => {
      const { store, f } = ctx();
      const c = await f.customer();
      const r = await f.request(c);
      const m = await store.transaction((tx) =>
        tx.enqueueOutbound({ customerId: c.id, requestId: r.id, channel: c.channel, author: 'bot', text: 'hi', at: new Date() }),
      );
      const [d] = await claim(T());
      expect(await store.completeDeliveries([{ outboxId: d!.outboxId, channelMessageId: 'tg-77' }], new Date())).toEqual([]);
      expect(await stateOf(r.number, m.id)).toMatchObject({ deliveryState: 'sent', channelMessageId: 'tg-77' });
      expect(await store.countOutbox()).toEqual({ pending: 0, sent: 1, failed: 0 });
      expect(await claim(T())).toEqual([]);
      expect(await store.completeDeliveries([{ outboxId: '987654321' }], new Date())).toEqual(['987654321']);
      await expectStoreError(store.failDelivery('987654321', { error: 'x', retryAt: null, at: new Date() }), 'not_found');
      // A late failure report (e.g. after the lease expired elsewhere) does not undo a delivery.
      await store.failDelivery(d!.outboxId, { error: 'late', retryAt: null, at: new Date() });
      expect(await store.countOutbox()).toEqual({ pending: 0, sent: 1, failed: 0 });
    });

    it("claims each customer's oldest message only, in order; a retry holds back later ones", async () => {
      const { store, f } = ctx();
      const a = await f.customer();
      const b = await f.customer();
      const r = await f.request(a);
      const queue = (c: Customer, text: string, requestId: string | null = null): Promise<StoredMessage> =>
        store.transaction((tx) => tx.enqueueOutbound({ customerId: c.id, requestId, channel: c.channel, author: 'bot', text, at: new Date() }));
      const a1 = await queue(a, 'a1');
      const b1 = await queue(b, 'b1');
      const a2 = await queue(a, 'a2', r.id);
      const a3 = await queue(a, 'a3');
      const t = T();

      const first = await claim(t);
      expect(ids(first)).toEqual([a1.id, b1.id]);
      expect(await claim(t)).toEqual([]); // both customers have one in flight
      await store.completeDeliveries([{ outboxId: first[0]!.outboxId }], t);
      const second = await claim(t);
      expect(ids(second)).toEqual([a2.id]);

      const retryAt = new Date(t.getTime() + 10_000);
      await store.failDelivery(second[0]!.outboxId, { error: 'timeout', retryAt, at: t });
      expect(await claim(t)).toEqual([]); // a2 waits for its retry and a3 waits for a2
      expect(await claim(new Date(retryAt.getTime() - 1))).toEqual([]);
      const retry = await claim(retryAt);
      expect(ids(retry)).toEqual([a2.id]);
      expect(retry[0]?.attempts).toBe(1);

      await store.failDelivery(retry[0]!.outboxId, { error: 'rejected: too long', retryAt: null, at: retryAt });
      expect(await stateOf(r.number, a2.id)).toMatchObject({ deliveryState: 'failed' });
      expect(ids(await claim(retryAt))).toEqual([a3.id]);
      expect(await store.countOutbox()).toEqual({ pending: 2, sent: 1, failed: 1 });
    });

    it('offers a delivery again once its lease has expired, without counting an attempt', async () => {
      const { f } = ctx();
      const c = await f.customer();
      const m = await f.outbound(c, 'hello');
      const t = T();
      const [d] = await claim(t, 10, 1000);
      expect(await claim(new Date(t.getTime() + 999))).toEqual([]);
      const again = await claim(new Date(t.getTime() + 1000));
      expect(again).toMatchObject([{ outboxId: d!.outboxId, attempts: 0, message: { id: m.id } }]);
    });

    it('honours the limit and the channels of the claiming instance', async () => {
      const { f } = ctx();
      const tg = await Promise.all([f.customer('telegram'), f.customer('telegram'), f.customer('telegram')]);
      const wa = await f.customer('whatsapp');
      for (const c of [...tg, wa]) await f.outbound(c, 'hi');
      const t = T();
      expect(await claim(t, 10, 30_000, [])).toEqual([]);
      const two = await claim(t, 2, 30_000, ['telegram']);
      expect(two.map((d) => d.customer.channel)).toEqual(['telegram', 'telegram']);
      expect((await claim(t, 10, 30_000, ['whatsapp'])).map((d) => d.customer.id)).toEqual([wa.id]);
      expect((await claim(t, 10, 30_000, CHANNELS)).map((d) => d.customer.id)).toEqual([tg[2]!.id]);
    });

    it('gives a delivery raced for by several instances to exactly one of them', async () => {
      const { f } = ctx();
      const c = await f.customer();
      let claimed = 0;
      for (let round = 0; round < 30; round++) {
        await f.outbound(c, `race ${round}`);
        const t = T();
        const results = await Promise.all([claim(t, 1), claim(t, 1), claim(t, 1)]);
        const winners = results.filter((r) => r.length > 0);
        expect(winners).toHaveLength(1);
        claimed++;
        await ctx().store.completeDeliveries([{ outboxId: winners[0]![0]!.outboxId }], t);
      }
      expect(claimed).toBe(30);
    });

    it('never gives two claimers the same customer, and keeps every customer in order', async () => {
      const { store, f } = ctx();
      const customers = await Promise.all(Array.from({ length: 30 }, () => f.customer()));
      // Customer by customer, so that "oldest first" alone would hand out one customer's messages together.
      for (const c of customers) for (let i = 0; i < 4; i++) await f.outbound(c, `#${i}`);
      const t = T();
      const inFlight = new Set<string>();
      const lastDelivered = new Map<string, bigint>();
      const delivered: string[] = [];
      const violations: string[] = [];

      const worker = async (): Promise<void> => {
        for (let idle = 0; idle < 50; ) {
          const batch = await claim(t, 8, 60_000);
          if (batch.length === 0) {
            idle++;
            await new Promise((r) => setTimeout(r, 2));
            continue;
          }
          idle = 0;
          for (const d of batch) {
            if (inFlight.has(d.customer.id)) violations.push(`two in flight for ${d.customer.id}`);
            const previous = lastDelivered.get(d.customer.id) ?? 0n;
            if (BigInt(d.message.id) <= previous) violations.push(`out of order for ${d.customer.id}`);
            inFlight.add(d.customer.id);
          }
          await Promise.all(
            batch.map(async (d) => {
              await new Promise((r) => setTimeout(r, 1));
              inFlight.delete(d.customer.id);
              lastDelivered.set(d.customer.id, BigInt(d.message.id));
              delivered.push(d.message.id);
              await store.completeDeliveries([{ outboxId: d.outboxId }], t);
            }),
          );
          if ((await store.countOutbox()).pending === 0) return;
        }
      };
      await Promise.all([worker(), worker(), worker(), worker()]);
      expect(violations).toEqual([]);
      expect(delivered).toHaveLength(120);
      expect(new Set(delivered).size).toBe(120);
      expect(await store.countOutbox()).toEqual({ pending: 0, sent: 120, failed: 0 });
    });
  });
}

/** The conversation history part of the RequestStore contract (see request-store.contract.ts). */
import { describe, expect, it } from 'vitest';
import type { RequestStore } from '../../src/requests/request-store.port.js';
import type { Customer } from '../../src/requests/request.types.js';
import type { Fixtures } from './request-store.fixtures.js';

interface Ctx {
  store: RequestStore;
  f: Fixtures;
}

export function defineHistoryContract(ctx: () => Ctx): void {
  describe('a customer history resumed after a message', () => {
    const at = (time: string) => new Date(`2026-12-01T${time}Z`);
    const write = (c: Customer, text: string, time: string) =>
      ctx().store.transaction((tx) => tx.enqueueOutbound({ customerId: c.id, requestId: null, channel: c.channel, author: 'bot', text, at: at(time) }));
    /** Claims the customer's oldest pending delivery and records it sent at `time`. */
    const deliver = async (time: string) => {
      const [d] = await ctx().store.claimDeliveries({ limit: 1, leaseMs: 30_000, now: at('12:00:00'), channels: ['webchat'] });
      await ctx().store.completeDeliveries([{ outboxId: d!.outboxId }], at(time));
      return d!.message.id;
    };
    const texts = async (c: Customer, afterId: string) => (await ctx().store.listCustomerMessages(c.id, { limit: 100, afterId })).messages.map((m) => m.text);

    it('gives what came after it, and the older messages delivered since it was written', async () => {
      const { f } = ctx();
      const c = await f.customer('webchat');
      await write(c, 'long delivered', '08:00:00');
      expect(await deliver('08:00:00')).toBeDefined();
      await write(c, 'written first, delivered late', '09:00:00');
      const seen = await write(c, 'seen', '09:00:01');
      await deliver('09:00:30'); // the older message goes out after the client saw the newer one
      await write(c, 'new since', '09:01:00');
      expect(await texts(c, seen.id)).toEqual(['written first, delivered late', 'new since']);
    });

    it('gives only what came after a message that is not the customer’s', async () => {
      const { f } = ctx();
      const c = await f.customer('webchat');
      const other = await f.customer('webchat');
      await write(c, 'mine, delivered late', '09:00:00');
      const foreign = await write(other, 'theirs', '09:00:01');
      await deliver('09:00:30');
      await write(c, 'mine, new', '09:01:00');
      expect(await texts(c, foreign.id)).toEqual(['mine, new']);
    });
  });
}

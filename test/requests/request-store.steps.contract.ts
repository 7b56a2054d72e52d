/** Conversation steps and lock-holder reads: part of the RequestStore contract (see request-store.contract.ts). */
import { describe, expect, it } from 'vitest';
import type { RequestStore, StepCommit } from '../../src/requests/request-store.port.js';
import type { Customer, StoredMessage } from '../../src/requests/request.types.js';
import type { RequestStoreHarness } from './request-store.contract.js';
import { expectStoreError } from './request-store.contract.js';
import type { Fixtures } from './request-store.fixtures.js';

interface Ctx {
  h: RequestStoreHarness;
  store: RequestStore;
  f: Fixtures;
}

export function defineStepContract(ctx: () => Ctx): void {
  const at = new Date('2026-04-01T08:00:00.250Z');
  const step = (c: Customer, message: StoredMessage | null, version: number, more: Partial<StepCommit> = {}): StepCommit => ({
    customerId: c.id,
    channel: c.channel,
    at,
    messageId: message?.id ?? null,
    replies: [],
    links: [],
    snapshot: { state: { step: 'next', version }, version },
    ...more,
  });
  const commit = (s: StepCommit) => ctx().store.transaction((tx) => tx.commitStep(s));
  const outbound = async (c: Customer): Promise<string[]> =>
    (await ctx().store.claimDeliveries({ limit: 50, leaseMs: 1000, now: new Date(Date.now() + 60_000), channels: [c.channel] }))
      .filter((d) => d.customer.id === c.id)
      .map((d) => d.message.text ?? '');

  describe('recording under the lock', () => {
    it('records a message and lists what is pending with it, oldest first', async () => {
      const { store, f } = ctx();
      const c = await f.customer();
      const earlier = await f.inbound(c);
      const input = { customerId: c.id, channel: c.channel, channelMessageId: 'lp-1', text: 'hi', receivedAt: at };
      const first = await store.recordAndListPending(input);
      expect(first).toMatchObject({ duplicate: false, message: { text: 'hi', createdAt: at, processedAt: null, attachmentIds: [] } });
      expect(first.pending.map((m) => m.id)).toEqual([earlier.id, first.message.id]);
      expect(first.pending[1]).toEqual(first.message);
      const again = await store.recordAndListPending(input);
      expect(again).toEqual({ message: first.message, duplicate: true, pending: first.pending });
      await commit(step(c, earlier, 1));
      await commit(step(c, first.message, 2));
      const applied = await store.recordAndListPending(input);
      expect(applied).toMatchObject({ duplicate: true, pending: [], message: { id: first.message.id, processedAt: at } });
    });

    it('links the file, and refuses an unknown one', async () => {
      const { store, f } = ctx();
      const c = await f.customer();
      const file = await f.attachment(c.id);
      const input = { customerId: c.id, channel: c.channel, channelMessageId: 'lp-file', attachmentId: file.id, receivedAt: at };
      const { message, pending } = await store.recordAndListPending(input);
      expect(message.attachmentIds).toEqual([file.id]);
      expect(pending).toEqual([message]);
      expect((await store.getAttachment(file.id))?.messageId).toBe(message.id);
      expect((await store.recordAndListPending(input)).message.attachmentIds).toEqual([file.id]);
      await expectStoreError(
        store.recordAndListPending({ ...input, channelMessageId: 'lp-x', attachmentId: '01900000-0000-7000-8000-000000000000' }),
        'not_found',
      );
    });

    it('makes a customer who writes reachable again', async () => {
      const { store, f } = ctx();
      const c = await f.customer();
      await store.setCustomerReachable(c.id, false);
      await store.recordInbound({ customerId: c.id, channel: c.channel, channelMessageId: 'r-1', receivedAt: at });
      expect(await store.getCustomer(c.id)).toMatchObject({ reachable: true });
      await store.setCustomerReachable(c.id, false);
      await store.recordAndListPending({ customerId: c.id, channel: c.channel, channelMessageId: 'r-2', receivedAt: at });
      expect(await store.getCustomer(c.id)).toMatchObject({ reachable: true });
    });
  });

  describe('committing a step', () => {
    it('queues the replies in order, marks the message processed and saves the snapshot', async () => {
      const { store, f } = ctx();
      const c = await f.customer();
      const m = await f.inbound(c);
      const choices = [{ id: 'a', label: 'A' }];
      const { replies, requestIds } = await commit(step(c, m, 1, {
        replies: [
          { requestNumber: null, author: 'bot', text: 'one', payload: { choices } },
          { requestNumber: null, author: 'bot', text: 'two' },
        ],
      }));
      expect(requestIds.size).toBe(0);
      expect(replies).toMatchObject([
        { customerId: c.id, channel: c.channel, direction: 'outbound', author: 'bot', text: 'one', payload: { choices }, deliveryState: 'pending', createdAt: at },
        { text: 'two', payload: null, requestId: null },
      ]);
      expect(BigInt(replies[1]!.id)).toBeGreaterThan(BigInt(replies[0]!.id));
      expect(await store.listUnprocessedInbound(c.id)).toEqual([]);
      expect(await store.loadConversation(c.id)).toEqual({ state: { step: 'next', version: 1 }, version: 1, updatedAt: at });
      expect(await outbound(c)).toEqual(['one']); // one at a time, in order
    });

    it('writes replies as sent when the channel sends at once, unless an earlier message is still queued', async () => {
      const { store, f } = ctx();
      const c = await f.customer();
      const m1 = await f.inbound(c);
      const reply = (text: string) => [{ requestNumber: null, author: 'bot' as const, text }];
      const first = await commit(step(c, m1, 1, { replies: reply('at once'), sentAtOnce: true }));
      expect(first.replies).toMatchObject([{ text: 'at once', deliveryState: 'sent' }]);
      expect(await store.countOutbox()).toEqual({ pending: 0, sent: 1, failed: 0 });
      expect(await outbound(c)).toEqual([]);
      const history = await store.listCustomerMessages(c.id, { limit: 10 });
      expect(history.messages.find((m) => m.id === first.replies[0]!.id)?.deliveryState).toBe('sent');
      // An agent's reply still queued: the bot's next reply waits behind it, in order.
      await f.outbound(c, 'queued earlier');
      const m2 = await f.inbound(c);
      const second = await commit(step(c, m2, 2, { replies: reply('behind it'), sentAtOnce: true }));
      expect(second.replies).toMatchObject([{ text: 'behind it', deliveryState: 'pending' }]);
      expect(await store.countOutbox()).toEqual({ pending: 2, sent: 1, failed: 0 });
      expect(await outbound(c)).toEqual(['queued earlier']);
    });

    it('writes nothing when the message was applied already or the version is taken', async () => {
      const { store, f } = ctx();
      const c = await f.customer();
      const m1 = await f.inbound(c);
      const m2 = await f.inbound(c);
      await commit(step(c, m1, 1));
      const reply = [{ requestNumber: null, author: 'bot' as const, text: 'lost' }];
      await expectStoreError(commit(step(c, m1, 2, { replies: reply })), 'conflict');
      await expectStoreError(commit(step(c, m2, 1, { replies: reply })), 'conflict');
      await expectStoreError(commit(step(c, m2, 3, { replies: reply })), 'conflict');
      await expectStoreError(commit(step(c, { ...m2, id: '999999999' }, 2)), 'not_found');
      expect((await store.listUnprocessedInbound(c.id)).map((m) => m.id)).toEqual([m2.id]);
      expect(await store.loadConversation(c.id)).toMatchObject({ version: 1 });
      expect(await store.countOutbox()).toEqual({ pending: 0, sent: 0, failed: 0 });
      const concurrent = await Promise.allSettled([commit(step(c, m2, 2)), commit(step(c, m2, 2))]);
      expect(concurrent.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    });

    it('files messages under the customer\'s request and replies under it by number', async () => {
      const { store, f } = ctx();
      const c = await f.customer();
      const r = await f.request(c);
      const file = await f.attachment(c.id);
      const follow = await f.inbound(c, { attachmentId: file.id });
      const { replies, requestIds } = await commit(step(c, follow, 1, {
        links: [{ messageId: follow.id, requestNumber: r.number }],
        replies: [{ requestNumber: r.number, author: 'bot', text: 'noted' }],
      }));
      expect(requestIds.get(r.number)).toBe(r.id);
      expect(replies[0]?.requestId).toBe(r.id);
      const detail = await store.getRequest(r.number);
      expect(detail?.lastActivityAt).toEqual(at);
      expect(detail?.messages.find((m) => m.id === follow.id)).toMatchObject({ requestId: r.id, processedAt: at });
      expect(detail?.messages.find((m) => m.id === replies[0]?.id)).toMatchObject({ text: 'noted' });
      expect(detail?.attachments.map((a) => a.id)).toEqual([file.id]);
    });

    it("refuses, writing nothing, a request or a message that is not the customer's", async () => {
      const { store, f } = ctx();
      const c = await f.customer();
      const other = await f.customer();
      const theirs = await f.request(other);
      const theirMessage = await f.inbound(other);
      const mine = await f.request(c);
      const m = await f.inbound(c);
      await expectStoreError(commit(step(c, m, 1, { links: [{ messageId: m.id, requestNumber: theirs.number }] })), 'not_found');
      await expectStoreError(commit(step(c, m, 1, { replies: [{ requestNumber: 'SR-9999', author: 'bot', text: 'x' }] })), 'not_found');
      await expectStoreError(commit(step(c, m, 1, { links: [{ messageId: theirMessage.id, requestNumber: mine.number }] })), 'not_found');
      expect((await store.listUnprocessedInbound(c.id)).map((x) => x.id)).toContain(m.id);
      expect(await store.loadConversation(c.id)).toBeNull();
      expect((await store.getRequest(mine.number))?.messages.map((x) => x.id)).not.toContain(theirMessage.id);
    });

    it('commits what the transaction wrote before it, and ends the transaction', async () => {
      const { store, f } = ctx();
      const c = await f.customer();
      const m = await f.inbound(c, { text: 'confirm' });
      let late: unknown;
      const request = await store.transaction(async (tx) => {
        await tx.setCustomerLocale(c.id, 'en');
        const created = await tx.prepareRequest(f.requestInput(c, m.id));
        await tx.commitStep(step(c, m, 1, { replies: [{ requestNumber: created.number, author: 'bot', text: `created ${created.number}` }] }));
        late = await tx.setCustomerLocale(c.id, 'ru').catch((e: unknown) => e);
        return created;
      });
      expect(late).toBeInstanceOf(Error);
      expect(await store.findActiveRequest(c.id)).toMatchObject({ number: request.number });
      expect(await outbound(c)).toEqual([`created ${request.number}`]);
      expect(await store.getCustomer(c.id)).toMatchObject({ locale: 'en' });
    });

    it('rolls back what the transaction wrote before a refused step', async () => {
      const { store, f } = ctx();
      const c = await f.customer();
      const m = await f.inbound(c, { text: 'confirm' });
      await commit(step(c, null, 1));
      await expectStoreError(
        store.transaction(async (tx) => {
          await tx.setCustomerLocale(c.id, 'en');
          await tx.prepareRequest(f.requestInput(c, m.id));
          return tx.commitStep(step(c, m, 1)); // version 1 is taken
        }),
        'conflict',
      );
      expect(await store.findActiveRequest(c.id)).toBeNull();
      expect(await store.getCustomer(c.id)).toMatchObject({ locale: 'ru' });
      expect((await store.listUnprocessedInbound(c.id)).map((x) => x.id)).toEqual([m.id]);
    });
  });

  describe('creating a request with its step', () => {
    const counter = (n: string): number => Number(n.split('-')[1]);
    /** A step that prepares a request from `source` and replies with its number. */
    const createStep = (c: Customer, source: StoredMessage, version: number, shot: string | null = null) =>
      ctx().store.transaction(async (tx) => {
        const request = await tx.prepareRequest({ ...ctx().f.requestInput(c, source.id), screenshotAttachmentId: shot, at });
        const committed = await tx.commitStep(step(c, source, version, {
          replies: [{ requestNumber: request.number, author: 'bot', text: `created ${request.number}` }],
        }));
        return { request, committed };
      });

    it('writes the prepared request with the step: number, history, screenshot and transcript', async () => {
      const { store, f } = ctx();
      const c = await f.customer();
      const before = await f.request(c);
      const answer = await f.inbound(c, { text: 'printer' });
      const shot = await f.attachment(c.id);
      const source = await f.inbound(c, { text: 'confirm' });
      const { request, committed } = await createStep(c, source, 1, shot.id);
      expect(counter(request.number)).toBe(counter(before.number) + 1);
      expect(request).toMatchObject({ status: 'new', customerId: c.id, createdAt: at, closedAt: null });
      expect(committed.replies[0]).toMatchObject({ text: `created ${request.number}`, requestId: request.id });
      expect(committed.requestIds.get(request.number)).toBe(request.id);
      const detail = await store.getRequest(request.number);
      expect(detail).toMatchObject({ id: request.id, number: request.number, subject: request.subject, lastActivityAt: at });
      expect(detail?.statusChanges).toMatchObject([{ from: null, to: 'new', actorKind: 'customer' }]);
      expect(detail?.attachments.map((a) => a.id)).toEqual([shot.id]);
      expect(detail?.messages.map((m) => m.id)).toEqual([answer.id, source.id, committed.replies[0]!.id]);
      expect(detail?.messages[1]?.processedAt).toEqual(at);
    });

    it('writes nothing when the step is refused, leaving a gap in the numbering', async () => {
      const { store, f } = ctx();
      const c = await f.customer();
      const shot = await f.attachment((await f.customer()).id);
      const source = await f.inbound(c);
      await commit(step(c, null, 1)); // version 1 is taken
      await expectStoreError(createStep(c, source, 1), 'conflict');
      await expectStoreError(createStep(c, source, 2, shot.id), 'not_found'); // another customer's screenshot
      expect(await store.findActiveRequest(c.id)).toBeNull();
      const { request } = await createStep(c, source, 2);
      expect(await store.findActiveRequest(c.id)).toMatchObject({ number: request.number });
      await expectStoreError(createStep(c, await f.inbound(c), 3).then(() => createStep(c, source, 4)), 'conflict');
    });

    it('refuses a step whose source message has a request already', async () => {
      const { f } = ctx();
      const c = await f.customer();
      const source = await f.inbound(c);
      await f.request(c, { sourceMessageId: source.id });
      await expectStoreError(createStep(c, source, 1), 'conflict');
    });

    it('writes the prepared request first when the step goes on in a transaction', async () => {
      const { store, f } = ctx();
      const c = await f.customer();
      const source = await f.inbound(c);
      const open = await store.transaction(async (tx) => {
        const request = await tx.prepareRequest(f.requestInput(c, source.id));
        const seen = await tx.listOpenRequests(c.id);
        await tx.commitStep(step(c, source, 1, { replies: [{ requestNumber: request.number, author: 'bot', text: 'x' }] }));
        return seen.map((r) => r.number);
      });
      expect(open).toHaveLength(1);
      expect(await store.findActiveRequest(c.id)).toMatchObject({ number: open[0] });
    });

    it('creates concurrent conversations\' requests with distinct numbers', async () => {
      const { store, f } = ctx();
      const customers = await Promise.all(Array.from({ length: 6 }, () => f.customer()));
      const sources = await Promise.all(customers.map((c) => f.inbound(c)));
      const created = await Promise.all(customers.map((c, i) => createStep(c, sources[i]!, 1)));
      expect(new Set(created.map((x) => x.request.number)).size).toBe(6);
      for (const [i, c] of customers.entries()) {
        expect(await store.findActiveRequest(c.id)).toMatchObject({ number: created[i]!.request.number });
        expect(created[i]!.committed.replies[0]?.requestId).toBe(created[i]!.request.id);
      }
    });
  });

  describe('many conversations at once', () => {
    it('records concurrent messages of several conversations, each with its own pending list', async () => {
      const { store, f } = ctx();
      const customers = await Promise.all(Array.from({ length: 8 }, () => f.customer()));
      const earlier = await Promise.all(customers.map((c) => f.inbound(c)));
      const applied = await f.inbound(customers[0]!);
      const results = await Promise.all([
        ...customers.map((c, i) => store.recordAndListPending({ customerId: c.id, channel: c.channel, channelMessageId: `many-${i}`, text: `m${i}`, receivedAt: at })),
        store.recordAndListPending({ customerId: customers[1]!.id, channel: customers[1]!.channel, channelMessageId: earlier[1]!.channelMessageId!, receivedAt: at }),
      ]);
      customers.forEach((c, i) => {
        const r = results[i]!;
        expect(r).toMatchObject({ duplicate: false, message: { customerId: c.id, text: `m${i}`, createdAt: at } });
        const ids = r.pending.map((m) => m.id);
        expect(ids.slice(0, 2)).toEqual([earlier[i]!.id, ...(i === 0 ? [applied.id] : [r.message.id])]);
        expect(ids).toContain(r.message.id);
        expect(r.pending.every((m) => m.customerId === c.id)).toBe(true);
      });
      expect(results[8]).toMatchObject({ duplicate: true, message: { id: earlier[1]!.id } });
    });

    it('records concurrent messages with files, refusing only the one whose file is unknown', async () => {
      const { store, f } = ctx();
      const customers = await Promise.all(Array.from({ length: 4 }, () => f.customer()));
      const files = await Promise.all(customers.map((c) => f.attachment(c.id)));
      const unknown = '01900000-0000-7000-8000-000000000000';
      const results = await Promise.allSettled(customers.map((c, i) => store.recordAndListPending({
        customerId: c.id, channel: c.channel, channelMessageId: `file-${i}`, attachmentId: i === 3 ? unknown : files[i]!.id, receivedAt: at,
      })));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected']);
      expect((results[3] as PromiseRejectedResult).reason).toMatchObject({ code: 'not_found' });
      for (const i of [0, 1, 2]) {
        const { message, pending } = (results[i] as PromiseFulfilledResult<Awaited<ReturnType<RequestStore['recordAndListPending']>>>).value;
        expect(message).toMatchObject({ customerId: customers[i]!.id, attachmentIds: [files[i]!.id] });
        expect(pending).toEqual([message]);
        expect((await store.getAttachment(files[i]!.id))?.messageId).toBe(message.id);
      }
      expect(await store.listUnprocessedInbound(customers[3]!.id)).toEqual([]);
    });

    it('commits concurrent steps of several conversations, refusing only those that may not commit', async () => {
      const { store, f } = ctx();
      const customers = await Promise.all(Array.from({ length: 6 }, () => f.customer()));
      const requests = await Promise.all(customers.map((c) => f.request(c)));
      const messages = await Promise.all(customers.map((c) => f.inbound(c)));
      await commit(step(customers[4]!, null, 1)); // customer 4's version 1 is taken
      const steps = customers.map((c, i) => step(c, messages[i]!, 1, {
        replies: [{ requestNumber: i % 2 ? requests[i]!.number : null, author: 'bot', text: `reply ${i}` }],
        links: i % 2 ? [{ messageId: messages[i]!.id, requestNumber: requests[i]!.number }] : [],
      }));
      steps[5] = { ...steps[5]!, links: [{ messageId: messages[5]!.id, requestNumber: requests[0]!.number }] }; // not theirs
      const results = await Promise.allSettled(steps.map((s) => commit(s)));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'rejected']);
      expect((results[4] as PromiseRejectedResult).reason).toMatchObject({ code: 'conflict' });
      expect((results[5] as PromiseRejectedResult).reason).toMatchObject({ code: 'not_found' });
      for (const i of [0, 1, 2, 3]) {
        const { replies } = (results[i] as PromiseFulfilledResult<Awaited<ReturnType<typeof commit>>>).value;
        expect(replies).toMatchObject([{ text: `reply ${i}`, customerId: customers[i]!.id, requestId: i % 2 ? requests[i]!.id : null }]);
        expect((await store.listUnprocessedInbound(customers[i]!.id)).map((m) => m.id)).not.toContain(messages[i]!.id);
        expect(await store.loadConversation(customers[i]!.id)).toMatchObject({ version: 1 });
      }
      expect((await store.getRequest(requests[3]!.number))?.messages.map((m) => m.id)).toContain(messages[3]!.id);
      for (const i of [4, 5]) expect((await store.listUnprocessedInbound(customers[i]!.id)).map((m) => m.id)).toContain(messages[i]!.id);
      expect(await store.loadConversation(customers[5]!.id)).toBeNull();
      expect((await store.getRequest(requests[0]!.number))?.messages.map((m) => m.id)).not.toContain(messages[5]!.id);
      expect(await store.countOutbox()).toEqual({ pending: 4, sent: 0, failed: 0 });
    });
  });

  describe('completing deliveries in a batch', () => {
    it('marks them sent, keeps a channel id once per channel, and names the unknown ones', async () => {
      const { store, f } = ctx();
      const a = await f.customer();
      const b = await f.customer();
      const ra = await f.request(a);
      const rb = await f.request(b);
      const queue = (c: Customer, requestId: string) =>
        store.transaction((tx) => tx.enqueueOutbound({ customerId: c.id, requestId, channel: c.channel, author: 'bot', text: 'hi', at }));
      const ma = await queue(a, ra.id);
      const mb = await queue(b, rb.id);
      const claimed = await store.claimDeliveries({ limit: 10, leaseMs: 1000, now: new Date(Date.now() + 60_000), channels: [a.channel] });
      expect(claimed.map((d) => d.message.id).sort()).toEqual([ma.id, mb.id].sort());
      const missing = await store.completeDeliveries(
        [...claimed.map((d) => ({ outboxId: d.outboxId, channelMessageId: '77' })), { outboxId: '987654321' }, { outboxId: 'nonsense' }],
        at,
      );
      expect(missing).toEqual(['987654321', 'nonsense']);
      expect(await store.countOutbox()).toEqual({ pending: 0, sent: 2, failed: 0 });
      const sent = [
        (await store.getRequest(ra.number))?.messages.find((m) => m.id === ma.id),
        (await store.getRequest(rb.number))?.messages.find((m) => m.id === mb.id),
      ];
      expect(sent.map((m) => m?.deliveryState)).toEqual(['sent', 'sent']);
      // Chat-scoped ids can repeat across customers: the first delivery keeps it, the other goes without.
      expect(sent.map((m) => m?.channelMessageId).sort()).toEqual(['77', null].sort());
      expect(await store.completeDeliveries([], at)).toEqual([]);
    });
  });
}

/**
 * The behaviour every RequestStore must have, run against each implementation
 * (Prisma on PGlite, Prisma on PostgreSQL). The harness is opened once per file
 * and emptied before each test.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { REQUEST_STATUSES, allowedTransitions, canTransition } from '../../src/requests/request-status.js';
import { StoreError, type RequestStore } from '../../src/requests/request-store.port.js';
import type { Customer } from '../../src/requests/request.types.js';
import { defineHistoryContract } from './request-store.history.contract.js';
import { defineOutboxContract } from './request-store.outbox.contract.js';
import { defineStepContract } from './request-store.steps.contract.js';
import { defineVisitorContract } from './request-store.visitors.contract.js';
import { makeFixtures, type Fixtures } from './request-store.fixtures.js';

export interface RequestStoreHarness {
  /** A store whose request numbers start with `SR`. */
  store: RequestStore;
  /** Another store on the same data with its own request prefix. */
  withPrefix(prefix: string): RequestStore;
  /** Empties everything; numbering starts again at 1001, like a freshly migrated database. */
  reset(): Promise<void>;
  /** Adds an agent (agents are managed outside the request store) and returns its id. */
  createAgent(): Promise<string>;
  /** Transactions run truly in parallel (PostgreSQL) rather than one after another (PGlite). */
  parallel: boolean;
  close(): Promise<void>;
}

export function runRequestStoreContract(name: string, factory: () => Promise<RequestStoreHarness>): void {
  describe(`${name} (RequestStore contract)`, () => {
    let h: RequestStoreHarness;
    let store: RequestStore;
    let f: Fixtures;
    beforeAll(async () => {
      h = await factory();
      store = h.store;
      f = makeFixtures(() => store);
    });
    afterAll(async () => {
      await h?.close();
    });
    beforeEach(async () => {
      await h.reset();
    });

    describe('customers', () => {
      it('upserts one customer per channel identity and keeps its locale', async () => {
        const a = await store.upsertCustomer({ channel: 'telegram', externalId: '42', displayName: 'Ann', locale: 'en' });
        expect(a).toMatchObject({ channel: 'telegram', externalId: '42', displayName: 'Ann', locale: 'en', reachable: true });
        const again = await store.upsertCustomer({ channel: 'telegram', externalId: '42', locale: 'ru' });
        expect(again).toEqual(a);
        const renamed = await store.upsertCustomer({ channel: 'telegram', externalId: '42', displayName: 'Anna', locale: 'ru' });
        expect(renamed).toMatchObject({ id: a.id, displayName: 'Anna', locale: 'en' });
        const other = await store.upsertCustomer({ channel: 'whatsapp', externalId: '42', locale: 'ru' });
        expect(other.id).not.toBe(a.id);
        expect(await store.getCustomer(a.id)).toEqual(renamed);
        expect(await store.getCustomer('01900000-0000-7000-8000-000000000000')).toBeNull();
      });

      it('creates a customer once under concurrent first messages', async () => {
        const ids = await Promise.all(
          Array.from({ length: 20 }, () => store.upsertCustomer({ channel: 'webchat', externalId: 'v1', locale: 'ru' })),
        );
        expect(new Set(ids.map((c) => c.id)).size).toBe(1);
      });

      it('sets locale and reachability; a customer who writes again is reachable', async () => {
        const c = await f.customer();
        await store.transaction((tx) => tx.setCustomerLocale(c.id, 'en'));
        await store.setCustomerReachable(c.id, false);
        expect(await store.getCustomer(c.id)).toMatchObject({ locale: 'en', reachable: false });
        await store.upsertCustomer({ channel: c.channel, externalId: c.externalId, locale: 'ru' });
        expect(await store.getCustomer(c.id)).toMatchObject({ locale: 'en', reachable: true });
        await expectStoreError(store.setCustomerReachable('nobody', false), 'not_found');
        await expectStoreError(store.transaction((tx) => tx.setCustomerLocale('nobody', 'en')), 'not_found');
      });
    });

    describe('inbound messages', () => {
      it('records a message once per channel message id', async () => {
        const c = await f.customer();
        const at = new Date('2026-01-02T10:00:00.123Z');
        const first = await store.recordInbound({
          customerId: c.id, channel: c.channel, channelMessageId: 'm-1', text: 'hello',
          payload: { choiceId: 'incident' }, receivedAt: at,
        });
        expect(first.duplicate).toBe(false);
        expect(first.message).toMatchObject({
          customerId: c.id, channel: c.channel, direction: 'inbound', author: 'customer', text: 'hello',
          payload: { choiceId: 'incident' }, channelMessageId: 'm-1', deliveryState: 'received',
          processedAt: null, requestId: null, agentId: null, attachmentIds: [], createdAt: at,
        });
        expect(first.message.id).toMatch(/^\d+$/);
        const again = await store.recordInbound({ customerId: c.id, channel: c.channel, channelMessageId: 'm-1', receivedAt: at });
        expect(again).toEqual({ message: first.message, duplicate: true });
      });

      it('links the message attachment, also on redelivery, and refuses an unknown one', async () => {
        const c = await f.customer();
        const a = await f.attachment(c.id);
        const first = await f.inbound(c, { attachmentId: a.id, channelMessageId: 'photo-1' });
        expect(first.attachmentIds).toEqual([a.id]);
        expect((await store.getAttachment(a.id))?.messageId).toBe(first.id);
        const again = await store.recordInbound({
          customerId: c.id, channel: c.channel, channelMessageId: 'photo-1', attachmentId: a.id, receivedAt: new Date(),
        });
        expect(again.duplicate).toBe(true);
        expect(again.message.attachmentIds).toEqual([a.id]);
        await expectStoreError(
          store.recordInbound({ customerId: c.id, channel: c.channel, channelMessageId: 'x', attachmentId: '01900000-0000-7000-8000-000000000000', receivedAt: new Date() }),
          'not_found',
        );
        await expectStoreError(
          store.recordInbound({ customerId: 'nobody', channel: c.channel, channelMessageId: 'y', receivedAt: new Date() }),
          'not_found',
        );
      });

      it('lists unprocessed messages oldest first and the customers who have them', async () => {
        const c = await f.customer();
        const d = await f.customer();
        const m1 = await f.inbound(c);
        const m2 = await f.inbound(c);
        const m3 = await f.inbound(c);
        await f.inbound(d);
        expect((await store.listUnprocessedInbound(c.id)).map((m) => m.id)).toEqual([m1.id, m2.id, m3.id]);
        expect(await store.listCustomersWithUnprocessed()).toEqual([c.id, d.id]);
        const at = new Date('2026-01-03T00:00:00Z');
        await store.transaction(async (tx) => {
          await tx.markProcessed(m1.id, at);
          await tx.markProcessed(m2.id, at);
        });
        // A second application of the same message is refused, so its step rolls back.
        await expectStoreError(store.transaction((tx) => tx.markProcessed(m1.id, new Date('2026-02-01T00:00:00Z'))), 'conflict');
        const left = await store.listUnprocessedInbound(c.id);
        expect(left.map((m) => m.id)).toEqual([m3.id]);
        await store.transaction((tx) => tx.markProcessed(m3.id, at));
        expect(await store.listCustomersWithUnprocessed()).toEqual([d.id]);
        const again = await store.recordInbound({ customerId: c.id, channel: c.channel, channelMessageId: m1.channelMessageId!, receivedAt: at });
        expect(again.message.processedAt).toEqual(at); // the first time counts
        await expectStoreError(store.transaction((tx) => tx.markProcessed('999999999', at)), 'not_found');
        await expectStoreError(store.transaction((tx) => tx.markProcessed('not-a-number', at)), 'not_found');
      });
    });

    describe('conversation snapshots', () => {
      /** A step that applies no message and only writes the snapshot. */
      const save = (c: Customer, state: unknown, version: number, at: Date) =>
        store.transaction((tx) => tx.commitStep({ customerId: c.id, channel: c.channel, at, messageId: null, replies: [], links: [], snapshot: { state, version } }));

      it('saves and loads the latest snapshot', async () => {
        const c = await f.customer();
        expect(await store.loadConversation(c.id)).toBeNull();
        const t1 = new Date('2026-01-01T00:00:00.001Z');
        const state = { step: { kind: 'subject' }, draft: { type: 'incident' }, locale: 'ru', text: 'кириллица "quotes"' };
        await save(c, state, 1, t1);
        expect(await store.loadConversation(c.id)).toEqual({ state, version: 1, updatedAt: t1 });
        const t2 = new Date('2026-01-01T00:01:00Z');
        await save(c, { step: { kind: 'idle' } }, 2, t2);
        expect(await store.loadConversation(c.id)).toEqual({ state: { step: { kind: 'idle' } }, version: 2, updatedAt: t2 });
      });

      it('refuses a snapshot that does not follow the stored version', async () => {
        const c = await f.customer();
        const at = new Date('2026-01-01T00:00:00Z');
        await save(c, { n: 1 }, 1, at);
        await expectStoreError(save(c, { n: 'stale' }, 1, at), 'conflict');
        await expectStoreError(save(c, { n: 'skip' }, 3, at), 'conflict');
        expect((await store.loadConversation(c.id))?.state).toEqual({ n: 1 });
        await save(c, { n: 2 }, 2, at);
        expect(await store.loadConversation(c.id)).toMatchObject({ state: { n: 2 }, version: 2 });
      });
    });

    describe('creating requests', () => {
      it('numbers requests from the database sequence, starting at SR-1001', async () => {
        const c = await f.customer();
        const r1 = await f.request(c);
        const r2 = await f.request(c);
        expect(r1.number).toBe('SR-1001');
        expect(r2.number).toBe('SR-1002');
        const hd = await f.request(c, {}, h.withPrefix('HD'));
        expect(hd.number).toBe('HD-1003');
        expect(r1).toMatchObject({ status: 'new', customerId: c.id, channel: c.channel, assigneeId: null, closedAt: null });
      });

      it('creates one request per source message', async () => {
        const c = await f.customer();
        const source = await f.inbound(c);
        const first = await f.request(c, { sourceMessageId: source.id });
        await expectStoreError(f.request(c, { sourceMessageId: source.id, subject: 'changed' }), 'conflict');
        const detail = await store.getRequest(first.number);
        expect(detail).toMatchObject({ id: first.id, subject: first.subject });
        expect(detail?.statusChanges).toHaveLength(1);
        expect(detail?.statusChanges[0]).toMatchObject({ from: null, to: 'new', actorKind: 'customer', agentId: null });
        await expectStoreError(f.request(c, { sourceMessageId: 'x' }), 'not_found');
      });

      it('links the screenshot and the intake transcript, not earlier conversations', async () => {
        const c = await f.customer();
        const earlierSource = await f.inbound(c, { text: 'first intake' });
        const earlier = await f.request(c, { sourceMessageId: earlierSource.id });
        const chatter = await f.inbound(c, { text: 'hi again' });
        const prompt = await store.transaction((tx) =>
          tx.enqueueOutbound({ customerId: c.id, requestId: null, channel: c.channel, author: 'bot', text: 'Subject?', at: new Date() }),
        );
        const shot = await f.attachment(c.id);
        const answer = await f.inbound(c, { text: 'printer', attachmentId: shot.id });
        const source = await f.inbound(c, { text: 'confirm' });
        const later = await f.inbound(c, { text: 'after' });
        const r = await f.request(c, { sourceMessageId: source.id, screenshotAttachmentId: shot.id });
        const detail = await store.getRequest(r.number);
        expect(detail?.messages.map((m) => m.id)).toEqual([chatter.id, prompt.id, answer.id, source.id]);
        expect(detail?.messages.every((m) => m.requestId === r.id)).toBe(true);
        expect(detail?.attachments.map((a) => a.id)).toEqual([shot.id]);
        expect((await store.getRequest(earlier.number))?.messages.map((m) => m.id)).toEqual([earlierSource.id]);
        expect((await store.listUnprocessedInbound(c.id)).find((m) => m.id === later.id)?.requestId).toBeNull();
      });

      it('refuses a screenshot of another customer and rolls the request back', async () => {
        const c = await f.customer();
        const other = await f.customer();
        const shot = await f.attachment(other.id);
        const source = await f.inbound(c);
        await expectStoreError(
          f.request(c, { sourceMessageId: source.id, screenshotAttachmentId: shot.id }),
          'not_found',
        );
        expect(await store.findActiveRequest(c.id)).toBeNull();
      });

      it('assigns distinct numbers to many concurrent requests', async () => {
        const customers = await Promise.all(Array.from({ length: 40 }, () => f.customer()));
        const sources = await Promise.all(customers.flatMap((c) => Array.from({ length: 5 }, () => f.inbound(c).then((m) => ({ c, m })))));
        const started = performance.now();
        const created = await Promise.all(sources.map(({ c, m }) => f.request(c, { sourceMessageId: m.id })));
        const ms = performance.now() - started;
        expect(created).toHaveLength(200);
        const numbers = created.map((r) => r.number);
        expect(new Set(numbers).size).toBe(200);
        expect(numbers.every((n) => /^SR-\d+$/.test(n))).toBe(true);
        const counters = numbers.map(counterOf).sort((a, b) => a - b);
        expect(counters[0]).toBe(1001);
        expect(counters.at(-1)).toBe(1200);
        console.error(`${name}: 200 concurrent request-creating transactions in ${Math.round(ms)} ms (parallel: ${h.parallel})`);
      });

      it('leaves a gap, not a duplicate, when a transaction rolls back', async () => {
        const c = await f.customer();
        const first = await f.request(c);
        const source = await f.inbound(c);
        let seen = '';
        const boom = new Error('later effect failed');
        await expect(
          store.transaction(async (tx) => {
            seen = (await tx.prepareRequest(f.requestInput(c, source.id))).number;
            await tx.listOpenRequests(c.id); // the transaction goes on: the request is written now
            throw boom;
          }),
        ).rejects.toBe(boom);
        expect(await store.getRequest(seen)).toBeNull();
        const retried = await f.request(c, { sourceMessageId: source.id });
        expect(counterOf(seen)).toBe(counterOf(first.number) + 1);
        expect(counterOf(retried.number)).toBe(counterOf(seen) + 1);
        expect((await store.getRequest(retried.number))?.statusChanges).toHaveLength(1);
      });
    });

    describe('finding requests', () => {
      it("finds the customer's request by number in any case, or by its counter, never another's", async () => {
        const c = await f.customer();
        const other = await f.customer();
        const r = await f.request(c, { subject: 'Printer', type: 'consultation' });
        const summary = { number: r.number, type: 'consultation', subject: 'Printer', status: 'new', incident: null };
        for (const typed of ['SR-1001', 'sr-1001', ' Sr-1001 ', '1001', '#1001', 'SR 1001', 'sr1001', 'SR-01001']) {
          expect(await store.transaction((tx) => tx.findCustomerRequest(c.id, typed))).toEqual(summary);
        }
        for (const typed of ['SR-1001', '1001']) {
          expect(await store.transaction((tx) => tx.findCustomerRequest(other.id, typed))).toBeNull();
        }
        for (const typed of ['XX-1001', 'SR-1002', 'SR-%', '%', '', 'SR-1001; drop table request', '99999999999999']) {
          expect(await store.transaction((tx) => tx.findCustomerRequest(c.id, typed))).toBeNull();
        }
      });

      it('lists open requests newest first and finds the active one', async () => {
        const c = await f.customer();
        expect(await store.findActiveRequest(c.id)).toBeNull();
        const t0 = Date.parse('2026-03-01T00:00:00Z');
        const r1 = await f.request(c, { at: new Date(t0) });
        const r2 = await f.request(c, { at: new Date(t0 + 1000) });
        const r3 = await f.request(c, { at: new Date(t0 + 2000) });
        await f.move(r3.number, 'closed');
        const open = await store.transaction((tx) => tx.listOpenRequests(c.id));
        expect(open.map((r) => r.number)).toEqual([r2.number, r1.number]);
        expect(await store.findActiveRequest(c.id)).toMatchObject({ number: r2.number, status: 'new' });
        const nobody = await f.customer();
        expect(await store.transaction((tx) => tx.listOpenRequests(nobody.id))).toEqual([]);
      });
    });

    describe('status changes', () => {
      const pairs = REQUEST_STATUSES.flatMap((from) => REQUEST_STATUSES.map((to) => [from, to] as const));

      it.each(pairs.filter(([a, b]) => canTransition(a, b)))('allows %s → %s', async (from, to) => {
        const c = await f.customer();
        const r = await f.request(c);
        if (from !== 'new') await f.move(r.number, from);
        const at = new Date('2026-05-01T12:00:00Z');
        const { request, change } = await store.transaction((tx) =>
          tx.changeStatus({ number: r.number, to, comment: `to ${to}`, actor: { kind: 'system' }, at }),
        );
        expect(request).toMatchObject({ status: to, lastActivityAt: at });
        expect(request.closedAt).toEqual(to === 'closed' ? at : null);
        expect(change).toMatchObject({ requestId: r.id, from, to, comment: `to ${to}`, actorKind: 'system', agentId: null, createdAt: at });
      });

      it.each(pairs.filter(([a, b]) => !canTransition(a, b)))('refuses %s → %s', async (from, to) => {
        const c = await f.customer();
        const r = await f.request(c);
        if (from !== 'new') await f.move(r.number, from);
        const error = await expectStoreError(f.move(r.number, to), 'invalid_transition');
        const allowed = allowedTransitions(from).join(', ');
        expect(error.message).toBe(`cannot move ${r.number} from ${from} to ${to}; allowed: ${allowed}`);
        expect((await store.getRequest(r.number))?.status).toBe(from);
      });

      it('records who did it, closes, reopens and keeps the history in order', async () => {
        const agentId = await h.createAgent();
        const c = await f.customer();
        const r = await f.request(c);
        const t = (s: number): Date => new Date(Date.parse('2026-06-01T00:00:00Z') + s * 1000);
        await f.move(r.number, 'in_progress', { kind: 'agent', agentId }, t(1));
        const closed = await f.move(r.number, 'closed', { kind: 'agent', agentId }, t(2));
        expect(closed.request.closedAt).toEqual(t(2));
        const reopened = await f.move('sr-1001', 'in_progress', { kind: 'customer' }, t(3));
        expect(reopened.request).toMatchObject({ status: 'in_progress', closedAt: null, lastActivityAt: t(3) });
        const detail = await store.getRequest(r.number);
        expect(detail?.statusChanges.map((s) => [s.from, s.to, s.actorKind, s.agentId])).toEqual([
          [null, 'new', 'customer', null],
          ['new', 'in_progress', 'agent', agentId],
          ['in_progress', 'closed', 'agent', agentId],
          ['closed', 'in_progress', 'customer', null],
        ]);
        await expectStoreError(f.move('SR-9999', 'closed'), 'not_found');
      });

      it('applies concurrent changes of one request one after the other', async () => {
        const c = await f.customer();
        const r = await f.request(c);
        const results = await Promise.allSettled([f.move(r.number, 'closed'), f.move(r.number, 'closed')]);
        expect(results.filter((x) => x.status === 'fulfilled')).toHaveLength(1);
        const rejected = results.find((x) => x.status === 'rejected');
        expect((rejected as PromiseRejectedResult).reason).toMatchObject({ code: 'invalid_transition' });
      });
    });

    describe('follow-up messages and request details', () => {
      it('returns a request with its customer, messages, attachments and history', async () => {
        const agentId = await h.createAgent();
        const c = await f.customer();
        const shot = await f.attachment(c.id);
        const answer = await f.inbound(c, { attachmentId: shot.id });
        const r = await f.request(c, { screenshotAttachmentId: shot.id });
        const reply = await store.transaction((tx) =>
          tx.enqueueOutbound({ customerId: c.id, requestId: r.id, channel: c.channel, author: 'agent', agentId, text: 'On it', at: new Date() }),
        );
        await f.move(r.number, 'in_progress', { kind: 'agent', agentId });
        const detail = await store.getRequest(r.number);
        expect(detail).toMatchObject({ id: r.id, number: r.number, customer: c, status: 'in_progress' });
        expect(detail?.messages.map((m) => [m.id, m.direction, m.author])).toEqual([
          [answer.id, 'inbound', 'customer'],
          [expect.any(String), 'inbound', 'customer'],
          [reply.id, 'outbound', 'agent'],
        ]);
        expect(detail?.messages[0]?.attachmentIds).toEqual([shot.id]);
        expect(detail?.messages[2]).toMatchObject({ agentId, deliveryState: 'pending', text: 'On it' });
        expect(detail?.attachments).toEqual([await store.getAttachment(shot.id)]);
        expect(detail?.attachments[0]?.requestId).toBe(r.id);
        expect(detail?.statusChanges.map((s) => s.to)).toEqual(['new', 'in_progress']);
        expect(await store.getRequest('SR-4242')).toBeNull();
        expect(await store.getRequest('nonsense')).toBeNull();
      });

      it('stores attachments', async () => {
        const c = await f.customer();
        const a = await store.createAttachment({
          customerId: c.id, mimeType: 'image/png', size: 123, sha256: 'ab'.repeat(32), storageKey: 'fs:ab/cd', fileName: 'shot.png',
        });
        expect(a).toMatchObject({ customerId: c.id, requestId: null, messageId: null, size: 123, fileName: 'shot.png' });
        expect(await store.getAttachment(a.id)).toEqual(a);
        expect(await store.getAttachment('01900000-0000-7000-8000-000000000000')).toBeNull();
      });

      it('answers ping', async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });
    });

    defineOutboxContract(() => ({ h, store, f }));
    defineStepContract(() => ({ h, store, f }));
    defineVisitorContract(() => ({ h, store, f }));
    defineHistoryContract(() => ({ store, f }));
  });
}

export async function expectStoreError(promise: Promise<unknown>, code: StoreError['code']): Promise<StoreError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  expect((error as StoreError).code).toBe(code);
  return error as StoreError;
}

function counterOf(number: string): number {
  return Number(number.split('-')[1]);
}

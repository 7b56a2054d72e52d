/**
 * What the gateway does when a step cannot commit: the message stays stored,
 * is retried, and a message that keeps failing is set aside with an apology
 * so the conversation is not stuck behind it. Bad input gets a clear error.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { Gateway } from '../../src/gateway/gateway.js';
import { GatewayError } from '../../src/gateway/gateway.errors.js';
import { GatewayEvents } from '../../src/gateway/gateway-events.js';
import { createMemoryLockManager } from '../../src/gateway/memory.lock.js';
import { createMemoryStateStore } from '../../src/gateway/memory.state-store.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createAttachmentService } from '../../src/requests/attachments.js';
import { createPrismaRequestStore } from '../../src/requests/prisma.request-store.js';
import type { RequestStore } from '../../src/requests/request-store.port.js';

let db: Database;
let store: RequestStore;
/** How many of the next transactions fail. */
let failNextTransactions = 0;

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  const real = createPrismaRequestStore(db, { requestPrefix: 'SR' });
  store = {
    ...real,
    transaction: (fn) => {
      if (failNextTransactions > 0) {
        failNextTransactions--;
        return Promise.reject(new Error('simulated database outage'));
      }
      return real.transaction(fn);
    },
  };
});
afterAll(() => db?.close());

function makeGateway() {
  const events = new GatewayEvents((error) => {
    throw error;
  });
  const gateway = new Gateway({
    store,
    states: createMemoryStateStore(),
    locks: createMemoryLockManager(),
    attachments: createAttachmentService({
      store,
      storage: { put: async () => 'x', get: async () => Buffer.alloc(0) },
      maxBytes: 1024,
    }),
    events,
    metrics: createMetrics({ defaultMetrics: false }),
    logger: pino({ level: 'silent' }),
    clock: () => new Date(),
    intakeTtlMs: 60_000,
    defaultLocale: 'en',
  });
  return { gateway, events };
}

const say = (externalId: string, channelMessageId: string, text: string) => ({ channel: 'test', externalId, channelMessageId, text });

async function botTexts(customerId: string): Promise<string[]> {
  const rows = await db.prisma.message.findMany({ where: { customerId, direction: 'outbound' }, orderBy: { id: 'asc' } });
  return rows.map((r) => r.text ?? '');
}

describe('gateway failures', () => {
  it('keeps a message whose step failed and applies it on retry', async () => {
    const { gateway } = makeGateway();
    failNextTransactions = 1;
    const first = await gateway.receive(say('outage-1', 'o1', 'hello'));
    expect(first.status).toBe('deferred');
    expect(await store.listUnprocessedInbound(first.customerId)).toHaveLength(1);

    await gateway.retryDeferred();
    expect(await store.listUnprocessedInbound(first.customerId)).toEqual([]);
    expect(await botTexts(first.customerId)).toHaveLength(1);
  });

  it('applies a later message only after the earlier one, in order', async () => {
    const { gateway } = makeGateway();
    failNextTransactions = 1;
    const first = await gateway.receive(say('outage-2', 'p1', 'hello'));
    const second = await gateway.receive(say('outage-2', 'p2', '2'));
    // The second delivery drained both, oldest first: greeting, then the subject question.
    expect([first.status, second.status]).toEqual(['deferred', 'applied']);
    const texts = await botTexts(first.customerId);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toMatch(/subject/i);
  });

  it('sets aside a message that keeps failing, tells the customer, and goes on', async () => {
    const { gateway } = makeGateway();
    failNextTransactions = 3;
    const r = await gateway.receive(say('poison-1', 'q1', 'hello'));
    expect(r.status).toBe('deferred');
    await gateway.retryDeferred();
    await gateway.retryDeferred();
    expect(await store.listUnprocessedInbound(r.customerId)).toEqual([]);
    const texts = await botTexts(r.customerId);
    expect(texts).toEqual([expect.stringMatching(/could not process your message/)]);

    const next = await gateway.receive(say('poison-1', 'q2', 'hello again'));
    expect(next.status).toBe('applied');
    expect(await botTexts(r.customerId)).toHaveLength(2);
  });

  it.each([
    [{ channel: '', externalId: 'x', channelMessageId: 'y', text: 'hi' }, 'channel is required'],
    [{ channel: 'test', externalId: 'x', channelMessageId: 'y' }, 'no text, choice or file'],
    [{ channel: 'test', externalId: 'x', channelMessageId: 'y', text: 'x'.repeat(20_001) }, 'longer than 20000'],
    [{ channel: 'test', externalId: 'x'.repeat(201), channelMessageId: 'y', text: 'hi' }, 'externalId is longer'],
  ])('refuses a malformed message with a clear error (%#)', async (input, message) => {
    const { gateway } = makeGateway();
    const error = await gateway.receive(input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatewayError);
    expect((error as GatewayError).code).toBe('invalid_message');
    expect((error as GatewayError).message).toContain(message);
  });

  it("refuses another customer's attachment", async () => {
    const { gateway } = makeGateway();
    const other = await store.upsertCustomer({ channel: 'test', externalId: 'owner', locale: 'en' });
    const attachment = await store.createAttachment({
      customerId: other.id, mimeType: 'image/png', size: 1, sha256: 'a'.repeat(64), storageKey: 'x', fileName: null,
    });
    const error = await gateway.receive({ channel: 'test', externalId: 'thief', channelMessageId: 't1', attachmentId: attachment.id }).catch((e: unknown) => e);
    expect((error as GatewayError).code).toBe('invalid_attachment');
  });

  it('stops taking messages once shutdown began', async () => {
    const { gateway } = makeGateway();
    gateway.stopAccepting();
    const error = await gateway.receive(say('late', 'l1', 'hi')).catch((e: unknown) => e);
    expect((error as GatewayError).code).toBe('shutting_down');
  });
});

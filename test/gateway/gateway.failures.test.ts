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
import { createPostgresRequestStore } from '../../src/requests/postgres.request-store.js';
import { StoreError, type RequestStore } from '../../src/requests/request-store.port.js';

let db: Database;
let store: RequestStore;
/** How many of the next transactions fail. */
let failNextTransactions = 0;
/** What the failing transactions throw. */
let transactionFault: () => Error = () => new Error('simulated failure');
/** Errors the next calls of these store methods throw, one each. */
const faults: { record: Error[]; getCustomer: Error[] } = { record: [], getCustomer: [] };

const unavailable = () => new StoreError('unavailable', 'connect ECONNREFUSED 127.0.0.1:5432');

beforeAll(async () => {
  db = await openDatabase({ dataDir: 'memory://' });
  const real = createPostgresRequestStore(db, { requestPrefix: 'SR' });
  store = {
    ...real,
    transaction: (fn) => {
      if (failNextTransactions > 0) {
        failNextTransactions--;
        return Promise.reject(transactionFault());
      }
      return real.transaction(fn);
    },
    recordAndListPending: (input) => {
      const fault = faults.record.shift();
      return fault ? Promise.reject(fault) : real.recordAndListPending(input);
    },
    getCustomer: (id) => {
      const fault = faults.getCustomer.shift();
      return fault ? Promise.reject(fault) : real.getCustomer(id);
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

  it('retries a message through a database outage for as long as it lasts, never setting it aside', async () => {
    const { gateway } = makeGateway();
    transactionFault = unavailable;
    failNextTransactions = 6;
    try {
      const r = await gateway.receive(say('long-outage', 'lo1', 'hello'));
      expect(r.status).toBe('deferred');
      for (let i = 0; i < 5; i++) await gateway.retryDeferred();
      expect(await store.listUnprocessedInbound(r.customerId)).toHaveLength(1);
      expect(await botTexts(r.customerId)).toEqual([]);
      await gateway.retryDeferred();
      expect(await store.listUnprocessedInbound(r.customerId)).toEqual([]);
      expect(await botTexts(r.customerId)).toEqual([expect.not.stringMatching(/could not process/)]);
    } finally {
      transactionFault = () => new Error('simulated failure');
    }
  });

  it('sets aside at once a message whose data the store can never keep', async () => {
    const { gateway } = makeGateway();
    transactionFault = () => new StoreError('invalid_input', 'invalid byte sequence for encoding "UTF8": 0x00');
    failNextTransactions = 1;
    try {
      const r = await gateway.receive(say('never-fits', 'nf1', 'hello'));
      expect(await store.listUnprocessedInbound(r.customerId)).toEqual([]);
      expect(await botTexts(r.customerId)).toEqual([expect.stringMatching(/could not process your message/)]);
    } finally {
      transactionFault = () => new Error('simulated failure');
    }
  });

  it('tells the channel to send again while the database is down, and refuses a message that keeps failing otherwise', async () => {
    const { gateway } = makeGateway();
    const codes = async (n: number, id: string) => {
      const seen: string[] = [];
      for (let i = 0; i < n; i++) seen.push(((await gateway.receive(say('rec', id, 'hi')).catch((e: unknown) => e)) as GatewayError).code);
      return seen;
    };
    faults.record.push(unavailable(), unavailable(), unavailable(), unavailable());
    expect(await codes(4, 'r1')).toEqual(['unavailable', 'unavailable', 'unavailable', 'unavailable']);
    expect((await gateway.receive(say('rec', 'r1', 'hi'))).status).toBe('applied');

    const broken = () => new StoreError('failed', 'syntax error at or near "SELEKT"');
    faults.record.push(broken(), broken(), broken());
    expect(await codes(3, 'r2')).toEqual(['failed', 'failed', 'invalid_message']);
    faults.record.push(new StoreError('invalid_input', 'value out of range'));
    expect(await codes(1, 'r3')).toEqual(['invalid_message']);
  });

  it('strips control characters a channel passed on before storing the text', async () => {
    const { gateway } = makeGateway();
    const r = await gateway.receive({ channel: 'test', externalId: 'nul', channelMessageId: 'n1', text: 'a\u0000b\u001bc\td', displayName: 'Ann\u0000' });
    const stored = await db.prisma.message.findUnique({ where: { id: BigInt(r.messageId) } });
    expect(stored?.text).toBe('abc\td');
    expect((await store.getCustomer(r.customerId))?.displayName).toBe('Ann');
    const error = await gateway.receive({ channel: 'test', externalId: 'nul\u0000', channelMessageId: 'n2', text: 'x' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_message', message: expect.stringContaining('control characters') });
  });

  it('never rejects a retry pass, even when the database fails under it', async () => {
    const { gateway } = makeGateway();
    failNextTransactions = 1;
    const r = await gateway.receive(say('retry-pass', 'rp1', 'hello'));
    expect(r.status).toBe('deferred');
    faults.getCustomer.push(unavailable());
    await expect(gateway.retryDeferred()).resolves.toBeUndefined();
    faults.getCustomer.push(new Error('something else entirely'));
    await expect(gateway.retryDeferred()).resolves.toBeUndefined();
    await gateway.retryDeferred();
    expect(await store.listUnprocessedInbound(r.customerId)).toEqual([]);
  });

  it('stops taking messages once shutdown began', async () => {
    const { gateway } = makeGateway();
    gateway.stopAccepting();
    const error = await gateway.receive(say('late', 'l1', 'hi')).catch((e: unknown) => e);
    expect((error as GatewayError).code).toBe('shutting_down');
  });
});

/**
 * The request store for PostgreSQL and PGlite alike (see request-store.port.ts for
 * the contract), put together from its parts. The hot path — recording and
 * listing messages, conversation steps and their transactions, the outbox — is
 * plain parameterised SQL on the driver under Prisma (db/sql.ts, the `sql.*`
 * modules): Prisma's query interpreter and interactive transactions cost more
 * CPU there than the statements themselves. Reads for agents and operators use
 * the Prisma client (the `prisma.*` modules). Database errors leave this module
 * as StoreError (prisma.errors.ts, sql.run.ts).
 */
import type { Database } from '../db/database.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { createAgentActions } from './prisma.agent-actions.js';
import { createVisitorOperations } from './prisma.visitors.js';
import { guard } from './prisma.errors.js';
import { listCustomerMessages } from './prisma.history.js';
import { listIntakeMessages, listIntakes } from './prisma.drafts.js';
import {
  toAttachmentRecord,
  toCustomer,
  toRequestRecord,
  toStatusChangeRecord,
  toStoredMessageWithAttachments,
  WITH_ATTACHMENT_IDS,
  WITH_INCIDENT_NUMBER,
} from './prisma.mappers.js';
import { findByNumber } from './request-number.js';
import type { RequestStore } from './request-store.port.js';
import type { RequestDetail } from './request.types.js';
import { createStoreBatches } from './store-batches.js';
import { upsertCustomer } from './sql.customers.js';
import { listUnprocessedInbound } from './sql.inbound.js';
import { claimDeliveries, completeDeliveries, failDelivery } from './sql.outbox.js';
import { openSqlRequestTx } from './sql.request-tx.js';
import { run } from './sql.run.js';

export interface PostgresRequestStoreOptions {
  /** Prefix of request numbers: `SR` gives `SR-1001`. Letters first, then letters or digits. */
  requestPrefix: string;
  /**
   * How concurrent conversations share statements (db/batcher.ts): at most
   * `maxInFlight` statements of a kind at once, each for up to `maxSize` of them.
   */
  batching?: { maxSize?: number; maxInFlight?: number };
}

export function createPostgresRequestStore(db: Pick<Database, 'prisma' | 'sql'>, opts: PostgresRequestStoreOptions): RequestStore {
  if (!/^[A-Za-z][A-Za-z0-9]{0,15}$/.test(opts.requestPrefix)) {
    throw new Error(`request prefix ${JSON.stringify(opts.requestPrefix)} must be letters, then letters or digits`);
  }
  const { prisma, sql } = db;
  const batches = createStoreBatches(sql, opts.batching);
  return {
    upsertCustomer: (identity) => upsertCustomer(sql, identity),

    getCustomer: (id) =>
      guard('getCustomer', async () => {
        const row = await prisma.customer.findUnique({ where: { id } });
        return row ? toCustomer(row) : null;
      }),

    recordInbound: async (input) => {
      const { message, duplicate } = await batches.record.submit(input);
      return { message, duplicate };
    },

    listCustomerMessages: (customerId, opts) => listCustomerMessages(prisma, customerId, opts),

    listIntakes: (opts) => listIntakes(prisma, opts),

    listIntakeMessages: (customerId, opts) => listIntakeMessages(prisma, customerId, opts),

    listUnprocessedInbound: (customerId) => listUnprocessedInbound(sql, customerId),

    recordAndListPending: (input) => batches.record.submit(input),

    listCustomersWithUnprocessed: () =>
      guard('listCustomersWithUnprocessed', async () => {
        // The customer waiting longest comes first.
        const groups = await prisma.message.groupBy({
          by: ['customerId'],
          where: { direction: 'inbound', processedAt: null },
          orderBy: { _min: { id: 'asc' } },
        });
        return groups.map((g) => g.customerId);
      }),

    loadConversation: (customerId) => batches.snapshots.submit(customerId),

    findActiveRequest: (customerId) => batches.activeRequests.submit(customerId),

    async transaction(fn) {
      const t = openSqlRequestTx(sql, { requestPrefix: opts.requestPrefix, steps: batches.steps, numbers: batches.numbers });
      let result;
      try {
        result = await fn(t.tx);
      } catch (error) {
        // The body's error is the one to report; a failed rollback has already discarded its connection.
        await t.rollback().catch(() => undefined);
        throw error;
      }
      await t.commit();
      return result;
    },

    getRequest: (number) => guard('getRequest', () => getRequest(prisma, number)),

    ...createAgentActions(prisma),

    ...createVisitorOperations(prisma, sql),

    createAttachment: (input) =>
      guard('createAttachment', async () => toAttachmentRecord(await prisma.attachment.create({ data: input }))),

    getAttachment: (id) =>
      guard('getAttachment', async () => {
        const row = await prisma.attachment.findUnique({ where: { id } });
        return row ? toAttachmentRecord(row) : null;
      }),

    claimDeliveries: (claim) => claimDeliveries(sql, claim),

    completeDeliveries: (results, at) => completeDeliveries(sql, results, at),

    failDelivery: (outboxId, result) => failDelivery(sql, outboxId, result.error, result.retryAt, result.at, result.countAttempt ?? true),

    setCustomerReachable: (customerId, reachable) =>
      guard('setCustomerReachable', async () => {
        await prisma.customer.update({ where: { id: customerId }, data: { reachable } });
      }),

    countOutbox: () =>
      guard('countOutbox', async () => {
        const groups = await prisma.outbox.groupBy({ by: ['status'], _count: { _all: true } });
        const counts = { pending: 0, sent: 0, failed: 0 };
        for (const g of groups) counts[g.status] = g._count._all;
        return counts;
      }),

    ping: async () => {
      await run(sql, 'ping', 'SELECT 1');
    },
  };
}

async function getRequest(prisma: PrismaClient, number: string): Promise<RequestDetail | null> {
  const row = await findByNumber(number, (seq) =>
    prisma.request.findUnique({
      where: { seq },
      include: {
        customer: true,
        messages: { orderBy: { id: 'asc' }, include: WITH_ATTACHMENT_IDS },
        attachments: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
        statusChanges: { orderBy: { id: 'asc' }, include: WITH_INCIDENT_NUMBER },
      },
    }),
  );
  // A mass incident is no customer's request: it has its own reads (incidents/).
  if (!row || !row.customer) return null;
  return {
    ...toRequestRecord(row),
    customer: toCustomer(row.customer),
    messages: row.messages.map(toStoredMessageWithAttachments),
    attachments: row.attachments.map(toAttachmentRecord),
    statusChanges: row.statusChanges.map(toStatusChangeRecord),
  };
}

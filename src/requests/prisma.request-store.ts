/**
 * The request store for PostgreSQL and PGlite alike (see request-store.port.ts for
 * the contract). The hot path — recording and listing messages, conversation steps
 * and their transactions, the outbox — is plain parameterised SQL on the driver
 * under Prisma (db/sql.ts): Prisma's query interpreter and interactive
 * transactions cost more CPU there than the statements themselves. Reads for
 * agents and operators use the Prisma client. Database errors leave this module
 * as StoreError (prisma.errors.ts, sql.run.ts).
 */
import type { Database } from '../db/database.js';
import type { SqlDatabase } from '../db/sql.js';
import { sqlStatement } from '../db/sql.js';
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
} from './prisma.mappers.js';
import { matchesPrefix, parseRequestNumber } from './request-number.js';
import { uuidv7 } from './ids.js';
import { StoreError, type CustomerIdentity, type RequestStore } from './request-store.port.js';
import type { Customer, RequestDetail } from './request.types.js';
import { listUnprocessedInbound, recordAndListPending, recordInbound } from './sql.inbound.js';
import { claimDeliveries, completeDeliveries, failDelivery } from './sql.outbox.js';
import { createStoreBatches } from './sql.batched.js';
import { openSqlRequestTx } from './sql.request-tx.js';
import { run } from './sql.run.js';
import { customerColumns, toCustomerRecord, type CustomerRow } from './sql.rows.js';

export interface PrismaRequestStoreOptions {
  /** Prefix of request numbers: `SR` gives `SR-1001`. Letters first, then letters or digits. */
  requestPrefix: string;
  /**
   * How concurrent conversations share statements (db/batcher.ts): at most
   * `maxInFlight` statements of a kind at once, each for up to `maxSize` of them.
   */
  batching?: { maxSize?: number; maxInFlight?: number };
}

export function createPrismaRequestStore(db: Pick<Database, 'prisma' | 'sql'>, opts: PrismaRequestStoreOptions): RequestStore {
  if (!/^[A-Za-z][A-Za-z0-9]{0,15}$/.test(opts.requestPrefix)) {
    throw new Error(`request prefix ${JSON.stringify(opts.requestPrefix)} must be letters, then letters or digits`);
  }
  const { prisma, sql } = db;
  const batches = createStoreBatches(sql, opts.requestPrefix, opts.batching);
  return {
    upsertCustomer: (identity) => upsertCustomer(sql, identity),

    getCustomer: (id) =>
      guard('getCustomer', async () => {
        const row = await prisma.customer.findUnique({ where: { id } });
        return row ? toCustomer(row) : null;
      }),

    recordInbound: (input) => recordInbound(sql, input),

    listCustomerMessages: (customerId, opts) => listCustomerMessages(prisma, customerId, opts),

    listIntakes: (opts) => listIntakes(prisma, opts),

    listIntakeMessages: (customerId, opts) => listIntakeMessages(prisma, customerId, opts),

    listUnprocessedInbound: (customerId) => listUnprocessedInbound(sql, customerId),

    recordAndListPending: (input) => (input.attachmentId ? recordAndListPending(sql, input) : batches.record.submit(input)),

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

    async completeDelivery(outboxId, result) {
      const missing = await completeDeliveries(sql, [{ outboxId, ...(result.channelMessageId ? { channelMessageId: result.channelMessageId } : {}) }], result.at);
      if (missing.length > 0) throw new StoreError('not_found', `delivery ${outboxId} does not exist`);
    },

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

/*
 * One statement: the customer as found, or as changed when it was unreachable or
 * brings a new display name, or as created. Concurrent first messages of one
 * customer meet in ON CONFLICT, which waits for the first insert and updates it.
 */
const UPSERT_CUSTOMER = sqlStatement('relaydesk_upsert_customer', `
  WITH found AS (
    SELECT ${customerColumns()} FROM customer WHERE channel = $2 AND external_id = $3
  ), changed AS (
    UPDATE customer SET display_name = COALESCE($4, customer.display_name), reachable = true, updated_at = now()
    FROM found
    WHERE customer.id = found.id
      AND (NOT found.reachable OR ($4::text IS NOT NULL AND found."displayName" IS DISTINCT FROM $4::text))
    RETURNING ${customerColumns('customer')}
  ), created AS (
    INSERT INTO customer (id, channel, external_id, display_name, locale, reachable, created_at, updated_at)
    SELECT $1, $2, $3, $4, $5, true, now(), now() WHERE NOT EXISTS (SELECT 1 FROM found)
    ON CONFLICT (channel, external_id) DO UPDATE
      SET display_name = COALESCE(EXCLUDED.display_name, customer.display_name), reachable = true, updated_at = now()
    RETURNING ${customerColumns()}
  )
  SELECT * FROM changed
  UNION ALL SELECT * FROM created
  UNION ALL SELECT * FROM found WHERE NOT EXISTS (SELECT 1 FROM changed)`);

/**
 * One customer per (channel, externalId), safe against concurrent first messages.
 * A new display name replaces the stored one; the stored locale is kept (the
 * customer may have chosen it). A customer who writes is reachable again.
 */
async function upsertCustomer(sql: SqlDatabase, identity: CustomerIdentity): Promise<Customer> {
  const { channel, externalId } = identity;
  const { rows } = await run<CustomerRow>(sql, 'upsertCustomer', UPSERT_CUSTOMER, [
    uuidv7(), channel, externalId, identity.displayName ?? null, identity.locale,
  ]);
  const row = rows[0];
  if (!row) throw new StoreError('conflict', `customer ${channel}/${externalId} was not stored`);
  return toCustomerRecord(row);
}

async function getRequest(prisma: PrismaClient, number: string): Promise<RequestDetail | null> {
  const parsed = parseRequestNumber(number);
  if (!parsed) return null;
  const row = await prisma.request.findUnique({
    where: { seq: parsed.counter },
    include: {
      customer: true,
      messages: { orderBy: { id: 'asc' }, include: WITH_ATTACHMENT_IDS },
      attachments: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
      statusChanges: { orderBy: { id: 'asc' } },
    },
  });
  if (!row || !matchesPrefix(row, parsed)) return null;
  return {
    ...toRequestRecord(row),
    customer: toCustomer(row.customer),
    messages: row.messages.map(toStoredMessageWithAttachments),
    attachments: row.attachments.map(toAttachmentRecord),
    statusChanges: row.statusChanges.map(toStatusChangeRecord),
  };
}

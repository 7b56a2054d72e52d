/**
 * The outbox: outbound messages waiting for delivery, shared by every gateway
 * instance on the database.
 *
 * Claiming (see claimDeliveries) leases rows with `locked_until` under
 * `FOR UPDATE SKIP LOCKED`, and only ever offers a customer's OLDEST pending row:
 * a customer's messages go out in order, one at a time, and a row waiting for a
 * retry holds back that customer's later rows (not other customers').
 * `attempts` counts attempts reported through failDelivery; an attempt cut short
 * by a crash (the lease simply expires) is not counted. Delivery is therefore
 * at-least-once: channels get the outbox message id to de-duplicate if they can.
 */
import { Prisma, type Message as MessageRow } from '../generated/prisma/client.js';
import { toAttachmentRecord, toCustomer, toStoredMessage } from './prisma.mappers.js';
import { jsonParam, MESSAGE_COLUMNS, parseId } from './prisma.sql.js';
import { StoreError, type EnqueueOutboundInput } from './request-store.port.js';
import type { Delivery, StoredMessage } from './request.types.js';

type Db = Prisma.TransactionClient;

export interface ClaimOptions {
  limit: number;
  leaseMs: number;
  now: Date;
  /** Only rows of these channels (those this instance can deliver); all when absent. */
  channels?: readonly string[];
}

/** One statement writes the message and its outbox row (a hot path: one round trip). */
export async function enqueueOutbound(tx: Db, input: EnqueueOutboundInput): Promise<StoredMessage> {
  const { customerId, requestId, channel, at } = input;
  const rows = await tx.$queryRaw<MessageRow[]>`
    WITH m AS (
      INSERT INTO message (customer_id, request_id, channel, direction, author, agent_id, text, payload,
                           delivery_state, created_at)
      VALUES (${customerId}, ${requestId}, ${channel}, 'outbound', ${input.author}::"AuthorKind",
              ${input.agentId ?? null}, ${input.text}, ${jsonParam(input.payload)}::jsonb, 'pending', ${at})
      RETURNING ${MESSAGE_COLUMNS}
    ), o AS (
      INSERT INTO outbox (message_id, customer_id, channel, status, attempts, next_attempt_at, created_at, updated_at)
      SELECT id, ${customerId}, ${channel}, 'pending', 0, ${at}, ${at}, ${at} FROM m
    )
    SELECT * FROM m`;
  const message = rows[0];
  if (!message) throw new StoreError('conflict', 'the outbound message was not inserted');
  const attachmentIds = input.attachmentIds ?? [];
  if (attachmentIds.length > 0) {
    const { count } = await tx.attachment.updateMany({
      where: { id: { in: attachmentIds } },
      data: { messageId: message.id, ...(requestId ? { requestId } : {}) },
    });
    if (count !== new Set(attachmentIds).size) {
      throw new StoreError('not_found', `some of the attachments ${attachmentIds.join(', ')} do not exist`);
    }
  }
  // An agent's reply is activity on the request; the bot's automatic messages are not.
  if (requestId && input.author === 'agent') {
    await tx.request.update({ where: { id: requestId }, data: { lastActivityAt: at } });
  }
  return toStoredMessage(message, attachmentIds);
}

interface ClaimedRow {
  id: bigint;
  messageId: bigint;
  attempts: number;
}

export async function claimDeliveries(db: Db, opts: ClaimOptions): Promise<Delivery[]> {
  const claimed = await leaseDueHeads(db, opts);
  if (claimed.length === 0) return [];
  const messages = await db.message.findMany({
    where: { id: { in: claimed.map((c) => c.messageId) } },
    include: { customer: true, attachments: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
  });
  const byId = new Map(messages.map((m) => [m.id, m]));
  return claimed.flatMap((c) => {
    const m = byId.get(c.messageId);
    if (!m) return []; // cannot happen: outbox.message_id is a foreign key with ON DELETE CASCADE
    return [{
      outboxId: c.id.toString(),
      attempts: c.attempts,
      message: toStoredMessage(m, m.attachments.map((a) => a.id)),
      customer: toCustomer(m.customer),
      attachments: m.attachments.map(toAttachmentRecord),
    }];
  });
}

/**
 * `heads` is every customer's oldest pending row. The due conditions are checked
 * on the locked row `o` itself: when another instance leased or finished a row
 * after this statement's snapshot, PostgreSQL re-checks them on the row's newest
 * version (READ COMMITTED) and the row is not taken twice.
 */
async function leaseDueHeads(db: Db, opts: ClaimOptions): Promise<ClaimedRow[]> {
  const { now, limit } = opts;
  const until = new Date(now.getTime() + opts.leaseMs);
  const channelFilter = opts.channels ? Prisma.sql`AND channel = ANY(${[...opts.channels]}::text[])` : Prisma.empty;
  const rows = await db.$queryRaw<ClaimedRow[]>`
    WITH heads AS (
      SELECT DISTINCT ON (customer_id) id
      FROM outbox
      WHERE status = 'pending' ${channelFilter}
      ORDER BY customer_id, id
    ), due AS (
      SELECT o.id FROM outbox o
      WHERE o.id IN (SELECT id FROM heads)
        AND o.status = 'pending'
        AND o.next_attempt_at <= ${now}
        AND (o.locked_until IS NULL OR o.locked_until <= ${now})
      ORDER BY o.id
      LIMIT ${limit}
      FOR UPDATE OF o SKIP LOCKED
    )
    UPDATE outbox SET locked_until = ${until}, updated_at = ${now}
    FROM due WHERE outbox.id = due.id
    RETURNING outbox.id, outbox.message_id AS "messageId", outbox.attempts`;
  return rows.sort((a, b) => (a.id < b.id ? -1 : 1));
}

export async function completeDelivery(db: Db, outboxId: string, channelMessageId: string | null, at: Date): Promise<void> {
  const id = parseId(outboxId, 'delivery');
  // The channel's id is kept unless another message of the channel already has it (ids
  // such as Telegram's are only unique per chat): a finished delivery must not fail.
  const n = await db.$executeRaw`
    WITH o AS (
      UPDATE outbox SET status = 'sent', locked_until = NULL, updated_at = ${at}
      WHERE id = ${id} RETURNING message_id
    )
    UPDATE message SET delivery_state = 'sent',
      channel_message_id = CASE
        WHEN ${channelMessageId}::text IS NULL OR EXISTS (
          SELECT 1 FROM message x WHERE x.channel = message.channel AND x.direction = 'outbound'
            AND x.channel_message_id = ${channelMessageId}::text AND x.id <> message.id)
        THEN message.channel_message_id
        ELSE ${channelMessageId}::text END
    FROM o WHERE message.id = o.message_id`;
  if (n === 0) throw new StoreError('not_found', `delivery ${outboxId} does not exist`);
}

/** With `retryAt`: pending again from then on. Without: failed for good, and the message shows it. */
export async function failDelivery(db: Db, outboxId: string, error: string, retryAt: Date | null, at: Date): Promise<void> {
  const id = parseId(outboxId, 'delivery');
  const lastError = error.slice(0, 4000);
  // Only a pending row changes: a delivery another instance completed meanwhile stays sent.
  const n = retryAt
    ? await db.$executeRaw`
        UPDATE outbox SET attempts = attempts + 1, last_error = ${lastError}, next_attempt_at = ${retryAt},
          locked_until = NULL, updated_at = ${at}
        WHERE id = ${id} AND status = 'pending'`
    : await db.$executeRaw`
        WITH o AS (
          UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = ${lastError},
            locked_until = NULL, updated_at = ${at}
          WHERE id = ${id} AND status = 'pending' RETURNING message_id
        )
        UPDATE message SET delivery_state = 'failed' FROM o WHERE message.id = o.message_id`;
  if (n > 0) return;
  const exists = await db.outbox.findUnique({ where: { id }, select: { id: true } });
  if (!exists) throw new StoreError('not_found', `delivery ${outboxId} does not exist`);
}

export async function countOutbox(db: Db): Promise<Record<'pending' | 'sent' | 'failed', number>> {
  const groups = await db.outbox.groupBy({ by: ['status'], _count: { _all: true } });
  const counts = { pending: 0, sent: 0, failed: 0 };
  for (const g of groups) counts[g.status] = g._count._all;
  return counts;
}

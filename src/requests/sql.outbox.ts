/**
 * The outbox: outbound messages waiting for delivery, shared by every gateway
 * instance on the database.
 *
 * Claiming (see CLAIM) leases rows with `locked_until` under
 * `FOR UPDATE SKIP LOCKED`, and only ever offers a customer's OLDEST pending row:
 * a customer's messages go out in order, one at a time, and a row waiting for a
 * retry holds back that customer's later rows (not other customers').
 * `attempts` counts attempts reported through failDelivery; an attempt cut short
 * by a crash (the lease simply expires) is not counted. Delivery is therefore
 * at-least-once: channels get the outbox message id to de-duplicate if they can.
 */
import { sqlStatement, type SqlQueryable } from '../db/sql.js';
import { parseId, readId } from './ids.js';
import { StoreError, type DeliveryResult, type EnqueueOutboundInput } from './request-store.port.js';
import type { Delivery, StoredMessage } from './request.types.js';
import { run } from './sql.run.js';
import {
  ATTACHMENT_COLUMNS,
  jsonText,
  messageColumns,
  toCustomerRecord,
  toMessage,
  type AttachmentRow,
  type CustomerRow,
  type MessageRow,
} from './sql.rows.js';

const ENQUEUE = sqlStatement('relaydesk_enqueue', `
  WITH m AS (
    INSERT INTO message (customer_id, request_id, channel, direction, author, agent_id, text, payload,
                         delivery_state, created_at)
    VALUES ($1, $2, $3, 'outbound', $4::"AuthorKind", $5, $6, $7::text::jsonb, 'pending', $8::timestamptz)
    RETURNING *
  ), o AS (
    INSERT INTO outbox (message_id, customer_id, channel, status, attempts, next_attempt_at, created_at, updated_at)
    SELECT id, customer_id, channel, 'pending', 0, $8::timestamptz, $8::timestamptz, $8::timestamptz FROM m
  )
  SELECT ${messageColumns('m', false)} FROM m`);

/** Only the customer's files not sent yet: a file goes out once, to the customer it was uploaded for. */
const LINK_ATTACHMENTS = sqlStatement('relaydesk_link_outbound_files', `
  UPDATE attachment SET message_id = $2::bigint, request_id = COALESCE($3, request_id)
  WHERE id = ANY($1::text[]) AND message_id IS NULL AND (customer_id = $4 OR customer_id IS NULL)`);

const TOUCH_REQUEST = sqlStatement('relaydesk_touch_request',
  'UPDATE request SET last_activity_at = $2::timestamptz WHERE id = $1');

/** Writes the message and its outbox row (one statement), then links its files. */
export async function enqueueOutbound(db: SqlQueryable, input: EnqueueOutboundInput): Promise<StoredMessage> {
  const { customerId, requestId, channel, at } = input;
  const { rows } = await run<MessageRow>(db, 'enqueueOutbound', ENQUEUE, [
    customerId, requestId, channel, input.author, input.agentId ?? null, input.text, jsonText(input.payload), at,
  ]);
  const row = rows[0];
  if (!row) throw new StoreError('conflict', 'the outbound message was not inserted');
  const attachmentIds = input.attachmentIds ?? [];
  if (attachmentIds.length > 0) {
    const linked = await run(db, 'enqueueOutbound', LINK_ATTACHMENTS, [attachmentIds, row.id, requestId, customerId]);
    if (linked.rowCount !== new Set(attachmentIds).size) {
      throw new StoreError('not_found', `some of the attachments ${attachmentIds.join(', ')} do not exist, are another customer's or were sent already`);
    }
  }
  // An agent's reply is activity on the request; the bot's automatic messages are not.
  if (requestId && input.author === 'agent') await run(db, 'enqueueOutbound', TOUCH_REQUEST, [requestId, at]);
  return toMessage({ ...row, attachmentIds });
}

/*
 * `heads` is every customer's oldest pending row. The due conditions are checked
 * on the locked row `o` itself: when another instance leased or finished a row
 * after this statement's snapshot, PostgreSQL re-checks them on the row's newest
 * version (READ COMMITTED) and the row is not taken twice. The leased rows come
 * back with their message and customer.
 */
const CLAIM = sqlStatement('relaydesk_claim', `
  WITH heads AS (
    SELECT DISTINCT ON (customer_id) id
    FROM outbox
    WHERE status = 'pending' AND channel = ANY($4::text[])
    ORDER BY customer_id, id
  ), due AS (
    SELECT o.id FROM outbox o
    WHERE o.id IN (SELECT id FROM heads)
      AND o.status = 'pending'
      AND o.next_attempt_at <= $1::timestamptz
      AND (o.locked_until IS NULL OR o.locked_until <= $1::timestamptz)
    -- A mass incident's fan-out (priority 1) goes after every conversation's own messages.
    ORDER BY o.priority, o.id
    LIMIT $3::int
    FOR UPDATE OF o SKIP LOCKED
  ), leased AS (
    UPDATE outbox SET locked_until = $2::timestamptz, updated_at = $1::timestamptz
    FROM due WHERE outbox.id = due.id
    RETURNING outbox.id, outbox.message_id, outbox.attempts, outbox.priority
  )
  SELECT leased.id::text AS "outboxId", leased.attempts, leased.priority > 0 AS bulk, ${messageColumns('m')},
         c.channel AS "customerChannel", c.external_id AS "externalId", c.display_name AS "displayName",
         c.email, c.phone, c.locale, c.reachable, a.name AS "agentName"
  FROM leased JOIN message m ON m.id = leased.message_id JOIN customer c ON c.id = m.customer_id
  LEFT JOIN agent a ON a.id = m.agent_id
  ORDER BY leased.id`);

const ATTACHMENTS_BY_ID = sqlStatement('relaydesk_attachments_by_id',
  `SELECT ${ATTACHMENT_COLUMNS} FROM attachment WHERE id = ANY($1::text[])`);

type ClaimRow = MessageRow &
  Omit<CustomerRow, 'id' | 'channel'> & { outboxId: string; attempts: number; bulk: boolean; customerChannel: string; agentName: string | null };

export interface ClaimOptions {
  limit: number;
  leaseMs: number;
  now: Date;
  /** Only rows of these channels (those this instance can deliver). */
  channels: readonly string[];
}

export async function claimDeliveries(db: SqlQueryable, opts: ClaimOptions): Promise<Delivery[]> {
  const until = new Date(opts.now.getTime() + opts.leaseMs);
  const { rows } = await run<ClaimRow>(db, 'claimDeliveries', CLAIM, [opts.now, until, opts.limit, [...opts.channels]]);
  const fileIds = rows.flatMap((r) => r.attachmentIds);
  const files = fileIds.length > 0 ? (await run<AttachmentRow>(db, 'claimDeliveries', ATTACHMENTS_BY_ID, [fileIds])).rows : [];
  const fileById = new Map(files.map((a) => [a.id, a]));
  return rows.map((r) => ({
    outboxId: r.outboxId,
    attempts: r.attempts,
    bulk: r.bulk,
    message: toMessage(r),
    customer: toCustomerRecord({ ...r, id: r.customerId, channel: r.customerChannel }),
    attachments: r.attachmentIds.flatMap((id) => fileById.get(id) ?? []),
    agentName: r.agentName,
  }));
}

/*
 * Marks many deliveries sent at once. A channel's message id is kept unless another
 * message of the channel already has it, or an earlier row of this batch takes it (ids
 * such as Telegram's are only unique per chat): a finished delivery must not fail.
 */
const COMPLETE = sqlStatement('relaydesk_complete', `
  WITH done AS (
    SELECT (e->>'outboxId')::bigint AS id, e->>'channelMessageId' AS cmid
    FROM jsonb_array_elements($1::text::jsonb) e
  ), o AS (
    UPDATE outbox SET status = 'sent', locked_until = NULL, updated_at = $2::timestamptz
    FROM done WHERE outbox.id = done.id
    RETURNING outbox.id, outbox.message_id, done.cmid
  ), ranked AS (
    SELECT o.id, o.message_id, o.cmid,
           row_number() OVER (PARTITION BY m.channel, o.cmid ORDER BY o.id) AS nth
    FROM o JOIN message m ON m.id = o.message_id
  ), sent AS (
    UPDATE message SET delivery_state = 'sent',
      channel_message_id = CASE
        WHEN ranked.cmid IS NULL OR ranked.nth > 1 OR EXISTS (
          SELECT 1 FROM message x WHERE x.channel = message.channel AND x.direction = 'outbound'
            AND x.channel_message_id = ranked.cmid AND x.id <> message.id)
        THEN message.channel_message_id
        ELSE ranked.cmid END
    FROM ranked WHERE message.id = ranked.message_id
  )
  SELECT id::text AS id FROM o`);

/** Marks deliveries sent; returns the outbox ids that do not exist, in the order given. */
export async function completeDeliveries(db: SqlQueryable, results: DeliveryResult[], at: Date): Promise<string[]> {
  const ids = results.map((r) => readId(r.outboxId)?.toString() ?? null);
  const items = results.flatMap((r, i) => (ids[i] ? [{ outboxId: ids[i], channelMessageId: r.channelMessageId ?? null }] : []));
  const found = new Set<string>();
  if (items.length > 0) {
    const { rows } = await run<{ id: string }>(db, 'completeDelivery', COMPLETE, [JSON.stringify(items), at]);
    for (const r of rows) found.add(r.id);
  }
  return results.filter((_, i) => !ids[i] || !found.has(ids[i])).map((r) => r.outboxId);
}

// Only a pending row changes: a delivery another instance completed meanwhile stays sent.
const RETRY_LATER = sqlStatement('relaydesk_retry_later', `
  UPDATE outbox SET attempts = attempts + $5::int, last_error = $2, next_attempt_at = $3::timestamptz,
    locked_until = NULL, updated_at = $4::timestamptz
  WHERE id = $1::bigint AND status = 'pending'`);

const FAIL_FOR_GOOD = sqlStatement('relaydesk_fail_for_good', `
  WITH o AS (
    UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = $2,
      locked_until = NULL, updated_at = $3::timestamptz
    WHERE id = $1::bigint AND status = 'pending' RETURNING message_id
  )
  UPDATE message SET delivery_state = 'failed' FROM o WHERE message.id = o.message_id`);

const OUTBOX_EXISTS = sqlStatement('relaydesk_outbox_exists', 'SELECT 1 FROM outbox WHERE id = $1::bigint');

/** With `retryAt`: pending again from then on. Without: failed for good, and the message shows it. */
export async function failDelivery(db: SqlQueryable, outboxId: string, error: string, retryAt: Date | null, at: Date, countAttempt = true): Promise<void> {
  const id = parseId(outboxId, 'delivery');
  const lastError = error.slice(0, 4000);
  const { rowCount } = retryAt
    ? await run(db, 'failDelivery', RETRY_LATER, [id, lastError, retryAt, at, countAttempt ? 1 : 0])
    : await run(db, 'failDelivery', FAIL_FOR_GOOD, [id, lastError, at]);
  if (rowCount > 0) return;
  const exists = await run(db, 'failDelivery', OUTBOX_EXISTS, [id]);
  if (exists.rowCount === 0) throw new StoreError('not_found', `delivery ${outboxId} does not exist`);
}

/**
 * Inbound messages in plain SQL: recording them (de-duplicated by the channel's
 * message id) with the customers' pending messages, one message at a time or
 * many conversations' messages at once (store-batches.ts shares the statement),
 * and listing a customer's pending messages.
 */
import { sqlStatement, type SqlQueryable } from '../db/sql.js';
import { StoreError, type RecordInboundInput } from './request-store.port.js';
import type { StoredMessage } from './request.types.js';
import { run } from './sql.run.js';
import { messageColumns, toMessage, type MessageRow } from './sql.rows.js';

/** A message recorded, and its customer's pending inbound messages (see RequestStore.recordAndListPending). */
export interface Recorded {
  message: StoredMessage;
  duplicate: boolean;
  pending: StoredMessage[];
}

/*
 * The one statement that records inbound messages. $1: the messages as JSON,
 * $2: their customers (distinct), $3: their files, for the indexes.
 * - A customer who writes is reachable again (the channel just reached us from
 *   them): folded in, as it almost never changes anything.
 * - A message with a file is only inserted when the file exists, so a redelivery
 *   never finds a message that lost its file; the file is linked at once.
 * - The customers' pending messages come back with the ones just inserted (not
 *   yet visible to the statement's own snapshot).
 */
const RECORD = sqlStatement('relaydesk_record_inbound', `
  WITH input AS (
    SELECT i.ord, i.v->>'customerId' AS customer_id, i.v->>'channel' AS channel, i.v->>'text' AS text,
           NULLIF(i.v->'payload', 'null'::jsonb) AS payload, i.v->>'channelMessageId' AS channel_message_id,
           (i.v->>'receivedAt')::timestamptz AS received_at, i.v->>'attachmentId' AS attachment_id
    FROM jsonb_array_elements($1::text::jsonb) WITH ORDINALITY AS i(v, ord)
  ), reach AS (
    UPDATE customer SET reachable = true, updated_at = now() WHERE id = ANY($2::text[]) AND NOT reachable
  ), files AS (
    SELECT id FROM attachment WHERE id = ANY($3::text[])
  ), ins AS (
    INSERT INTO message (customer_id, channel, direction, author, text, payload, channel_message_id, delivery_state, created_at)
    SELECT customer_id, channel, 'inbound', 'customer', text, payload, channel_message_id, 'received', received_at
    FROM input WHERE attachment_id IS NULL OR attachment_id IN (SELECT id FROM files)
    ORDER BY ord
    ON CONFLICT (channel, direction, channel_message_id) DO NOTHING
    RETURNING *
  ), linked AS (
    UPDATE attachment SET message_id = ins.id
    FROM ins JOIN input ON input.channel = ins.channel AND input.channel_message_id = ins.channel_message_id
    WHERE attachment.id = ANY($3::text[]) AND attachment.id = input.attachment_id
  )
  SELECT ${messageColumns('m')}, false AS inserted FROM message m
  WHERE m.customer_id = ANY($2::text[]) AND m.direction = 'inbound' AND m.processed_at IS NULL
  UNION ALL
  SELECT ${messageColumns('ins', false)}, true AS inserted FROM ins`);

const FIND_INBOUND = sqlStatement('relaydesk_find_inbound', `
  SELECT ${messageColumns('m')} FROM message m
  WHERE m.channel = $1 AND m.direction = 'inbound' AND m.channel_message_id = $2`);

const LIST_UNPROCESSED = sqlStatement('relaydesk_list_unprocessed', `
  SELECT ${messageColumns('m')} FROM message m
  WHERE m.customer_id = $1 AND m.direction = 'inbound' AND m.processed_at IS NULL
  ORDER BY m.id`);

type RecordRow = MessageRow & { inserted: boolean };

/** Records messages of distinct customers, each with its customer's pending list; a message refused is answered with its StoreError. */
export async function recordMany(db: SqlQueryable, inputs: RecordInboundInput[]): Promise<Array<Recorded | Error>> {
  const items = inputs.map((i) => ({
    customerId: i.customerId, channel: i.channel, text: i.text ?? null, payload: i.payload ?? null,
    channelMessageId: i.channelMessageId, receivedAt: i.receivedAt.toISOString(), attachmentId: i.attachmentId ?? null,
  }));
  const customers = [...new Set(inputs.map((i) => i.customerId))];
  const files = inputs.flatMap((i) => i.attachmentId ?? []);
  const { rows } = await run<RecordRow>(db, 'recordInbound', RECORD, [JSON.stringify(items), customers, files]);
  const byCustomer = new Map<string, RecordRow[]>();
  for (const r of rows) byCustomer.set(r.customerId, [...(byCustomer.get(r.customerId) ?? []), r]);
  return Promise.all(inputs.map(async (input) => {
    const own = (byCustomer.get(input.customerId) ?? []).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    const pending = own.map((r) => toMessage(r.inserted ? { ...r, attachmentIds: attachmentsOf(inputs, r) } : r));
    const index = own.findIndex((r) => r.channel === input.channel && r.channelMessageId === input.channelMessageId);
    if (index >= 0) return { message: pending[index]!, duplicate: !own[index]!.inserted, pending };
    return notPending(db, input, pending).catch((error: Error) => error);
  }));
}

/** The file of a message just inserted (its row was returned before the file was linked). */
function attachmentsOf(inputs: RecordInboundInput[], row: MessageRow): string[] {
  const input = inputs.find((i) => i.channel === row.channel && i.channelMessageId === row.channelMessageId);
  return input?.attachmentId ? [input.attachmentId] : [];
}

/** A message not among the pending: applied already (a redelivery), or refused for its unknown file. */
async function notPending(db: SqlQueryable, input: RecordInboundInput, pending: StoredMessage[]): Promise<Recorded> {
  const existing = (await run<MessageRow>(db, 'recordInbound', FIND_INBOUND, [input.channel, input.channelMessageId])).rows[0];
  if (existing) return { message: toMessage(existing), duplicate: true, pending };
  throw new StoreError('not_found', `attachment ${input.attachmentId} does not exist`);
}

/** One message with its customer's pending list: recordMany for one. */
export async function recordAndListPending(db: SqlQueryable, input: RecordInboundInput): Promise<Recorded> {
  const [recorded] = await recordMany(db, [input]);
  if (!recorded) throw new StoreError('failed', 'recordInbound returned no result');
  if (recorded instanceof Error) throw recorded;
  return recorded;
}

export async function listUnprocessedInbound(db: SqlQueryable, customerId: string): Promise<StoredMessage[]> {
  const { rows } = await run<MessageRow>(db, 'listUnprocessedInbound', LIST_UNPROCESSED, [customerId]);
  return rows.map(toMessage);
}

/**
 * Inbound messages in plain SQL: recording one (de-duplicated by the channel's
 * message id), and listing a customer's pending ones, alone or in the same
 * statement, one message at a time or many conversations' messages at once.
 */
import { sqlStatement, type SqlQueryable } from '../db/sql.js';
import { StoreError, type RecordInboundInput } from './request-store.port.js';
import type { StoredMessage } from './request.types.js';
import { run } from './sql.run.js';
import { jsonText, messageColumns, toMessage, type MessageRow } from './sql.rows.js';

// A customer who writes is reachable again (the channel just reached us from them):
// folded into the insert, as it almost never changes anything.
const REACHABLE = `reach AS (UPDATE customer SET reachable = true, updated_at = now() WHERE id = $1 AND NOT reachable)`;

const INSERT_INBOUND = `INSERT INTO message (customer_id, channel, direction, author, text, payload, channel_message_id,
                       delivery_state, created_at)`;

const RECORD_INBOUND = sqlStatement('relaydesk_record_inbound', `
  WITH ${REACHABLE}
  ${INSERT_INBOUND}
  VALUES ($1, $2, 'inbound', 'customer', $3, $4::text::jsonb, $5, 'received', $6::timestamptz)
  ON CONFLICT (channel, direction, channel_message_id) DO NOTHING
  RETURNING ${messageColumns('message', false)}`);

// The message is only inserted when its attachment exists, so a redelivery never
// finds a message that lost its file; the attachment is linked in the same statement.
const insertWithFile = (alias: string): string => `${alias} AS (
    ${INSERT_INBOUND}
    SELECT $1, $2, 'inbound', 'customer', $3, $4::text::jsonb, $5, 'received', $6::timestamptz
    WHERE EXISTS (SELECT 1 FROM attachment WHERE id = $7)
    ON CONFLICT (channel, direction, channel_message_id) DO NOTHING
    RETURNING *
  ), a AS (UPDATE attachment SET message_id = ${alias}.id FROM ${alias} WHERE attachment.id = $7)`;

const RECORD_INBOUND_WITH_FILE = sqlStatement('relaydesk_record_inbound_file', `
  WITH ${REACHABLE}, ${insertWithFile('m')}
  SELECT ${messageColumns('m', false)} FROM m`);

const FIND_INBOUND = sqlStatement('relaydesk_find_inbound', `
  SELECT ${messageColumns('m')} FROM message m
  WHERE m.channel = $1 AND m.direction = 'inbound' AND m.channel_message_id = $2`);

const LIST_UNPROCESSED = sqlStatement('relaydesk_list_unprocessed', `
  SELECT ${messageColumns('m')} FROM message m
  WHERE m.customer_id = $1 AND m.direction = 'inbound' AND m.processed_at IS NULL
  ORDER BY m.id`);

export async function recordInbound(db: SqlQueryable, input: RecordInboundInput): Promise<{ message: StoredMessage; duplicate: boolean }> {
  const attachmentId = input.attachmentId ?? null;
  const params = [input.customerId, input.channel, input.text ?? null, jsonText(input.payload), input.channelMessageId, input.receivedAt];
  const inserted = attachmentId
    ? await run<MessageRow>(db, 'recordInbound', RECORD_INBOUND_WITH_FILE, [...params, attachmentId])
    : await run<MessageRow>(db, 'recordInbound', RECORD_INBOUND, params);
  const row = inserted.rows[0];
  if (row) return { message: toMessage({ ...row, attachmentIds: attachmentId ? [attachmentId] : [] }), duplicate: false };
  const existing = (await run<MessageRow>(db, 'recordInbound', FIND_INBOUND, [input.channel, input.channelMessageId])).rows[0];
  if (existing) return { message: toMessage(existing), duplicate: true };
  throw new StoreError('not_found', `attachment ${attachmentId} does not exist`);
}

// The customer's pending messages and the one just inserted (not yet visible to the
// statement's own snapshot), oldest first.
const pendingWith = (inserted: string): string => `
  SELECT * FROM (
    SELECT ${messageColumns('m')}, false AS inserted FROM message m
    WHERE m.customer_id = $1 AND m.direction = 'inbound' AND m.processed_at IS NULL
    UNION ALL
    SELECT ${messageColumns(inserted, false)}, true AS inserted FROM ${inserted}
  ) x ORDER BY x.id::bigint`;

const RECORD_AND_LIST = sqlStatement('relaydesk_record_and_list', `
  WITH ${REACHABLE}, ins AS (
    ${INSERT_INBOUND}
    VALUES ($1, $2, 'inbound', 'customer', $3, $4::text::jsonb, $5, 'received', $6::timestamptz)
    ON CONFLICT (channel, direction, channel_message_id) DO NOTHING
    RETURNING *
  ) ${pendingWith('ins')}`);

const RECORD_FILE_AND_LIST = sqlStatement('relaydesk_record_file_and_list', `
  WITH ${REACHABLE}, ${insertWithFile('ins')}
  ${pendingWith('ins')}`);

/** recordInbound and listUnprocessedInbound in one statement (see RequestStore.recordAndListPending). */
export async function recordAndListPending(
  db: SqlQueryable,
  input: RecordInboundInput,
): Promise<{ message: StoredMessage; duplicate: boolean; pending: StoredMessage[] }> {
  const attachmentId = input.attachmentId ?? null;
  const params = [input.customerId, input.channel, input.text ?? null, jsonText(input.payload), input.channelMessageId, input.receivedAt];
  const { rows } = attachmentId
    ? await run<MessageRow & { inserted: boolean }>(db, 'recordInbound', RECORD_FILE_AND_LIST, [...params, attachmentId])
    : await run<MessageRow & { inserted: boolean }>(db, 'recordInbound', RECORD_AND_LIST, params);
  const pending = rows.map((r) => toMessage(r.inserted ? { ...r, attachmentIds: attachmentId ? [attachmentId] : [] } : r));
  const index = rows.findIndex((r) => r.inserted);
  if (index >= 0) return { message: pending[index]!, duplicate: false, pending };
  // A redelivery: still pending (then it is in the list), or applied already.
  const again = pending.find((m) => m.channel === input.channel && m.channelMessageId === input.channelMessageId);
  if (again) return { message: again, duplicate: true, pending };
  const existing = (await run<MessageRow>(db, 'recordInbound', FIND_INBOUND, [input.channel, input.channelMessageId])).rows[0];
  if (existing) return { message: toMessage(existing), duplicate: true, pending };
  throw new StoreError('not_found', `attachment ${attachmentId} does not exist`);
}

export async function listUnprocessedInbound(db: SqlQueryable, customerId: string): Promise<StoredMessage[]> {
  const { rows } = await run<MessageRow>(db, 'listUnprocessedInbound', LIST_UNPROCESSED, [customerId]);
  return rows.map(toMessage);
}

/**
 * Requests inside a conversation step's transaction, in plain SQL.
 *
 * Numbers come from the `request_seq` sequence, so concurrent gateways never
 * hand out the same one: createRequest takes it in the INSERT itself
 * (`nextval`); prepareRequest, for a conversation step, reserves it first and
 * the step's commit writes the row with it (see request-store.port.ts). A
 * rolled-back or refused step leaves a gap in the numbering, never a duplicate.
 */
import type { RequestSummary } from '../conversation/conversation.types.js';
import { sqlStatement, type SqlQueryable } from '../db/sql.js';
import { matchesPrefix, parseRequestNumber } from './request-number.js';
import { parseId, uuidv7 } from './ids.js';
import { allowedTransitions, canTransition } from './request-status.js';
import { StoreError, type ChangeStatusInput, type CreateRequestInput } from './request-store.port.js';
import type { RequestRecord, StatusChangeRecord } from './request.types.js';
import { run } from './sql.run.js';
import { REQUEST_COLUMNS, STATUS_CHANGE_COLUMNS, toRequest, type RequestRow, type StatusChangeRow } from './sql.rows.js';

/*
 * Inserts the request (nothing if one exists for the source message) and, for a new
 * request, records the first status change (none → `new`, by the customer) and links
 * the intake transcript: the customer's messages, both directions, that belong to no
 * request yet, from after the last message already linked to one of their requests up
 * to the source message. Agents then read the bot's questions and the customer's
 * answers on the request. Chatter between an earlier request and this intake (a status
 * query, an abandoned intake) comes along too: it had no other home.
 */
const CREATE_REQUEST = sqlStatement('relaydesk_create_request', `
  WITH n AS (SELECT COALESCE($10::bigint, nextval('request_seq_seq')) AS v), r AS (
    INSERT INTO request (id, seq, number, type, subject, description, status, channel, customer_id,
                         source_message_id, created_at, updated_at, last_activity_at)
    SELECT $1, n.v, $2::text || '-' || n.v, $3::"RequestType", $4, $5, 'new', $6, $7,
           $8::bigint, $9::timestamptz, $9::timestamptz, $9::timestamptz
    FROM n
    ON CONFLICT (source_message_id) DO NOTHING
    RETURNING *
  ), history AS (
    INSERT INTO status_change (request_id, "from", "to", actor_kind, created_at)
    SELECT id, NULL, 'new', 'customer', $9::timestamptz FROM r
  ), intake AS MATERIALIZED (
    -- Through the customer's index: the customer's messages in range, whatever else the plan guesses.
    SELECT id FROM message
    WHERE customer_id = $7 AND id <= $8::bigint
      AND id > COALESCE((SELECT max(id) FROM message WHERE customer_id = $7 AND request_id IS NOT NULL), 0)
  ), transcript AS (
    UPDATE message SET request_id = r.id FROM r, intake
    WHERE message.id = intake.id AND message.request_id IS NULL
  )
  SELECT ${REQUEST_COLUMNS} FROM r`);

const REQUEST_BY_SOURCE = sqlStatement('relaydesk_request_by_source',
  `SELECT ${REQUEST_COLUMNS} FROM request WHERE source_message_id = $1::bigint`);

const LINK_SCREENSHOT = sqlStatement('relaydesk_link_screenshot', `
  UPDATE attachment SET request_id = $2 WHERE id = $1 AND (customer_id = $3 OR customer_id IS NULL)`);

const REQUEST_BY_SEQ = sqlStatement('relaydesk_request_by_seq', `SELECT ${REQUEST_COLUMNS} FROM request WHERE seq = $1`);

const LOCK_REQUEST_BY_SEQ = sqlStatement('relaydesk_lock_request_by_seq',
  `SELECT ${REQUEST_COLUMNS} FROM request WHERE seq = $1 FOR UPDATE`);

const MOVE_REQUEST = sqlStatement('relaydesk_move_request', `
  WITH r AS (
    UPDATE request SET status = $2::"RequestStatus", closed_at = $3::timestamptz,
      last_activity_at = $4::timestamptz, updated_at = $4::timestamptz
    WHERE id = $1 RETURNING id
  )
  INSERT INTO status_change (request_id, "from", "to", comment, actor_kind, agent_id, created_at)
  SELECT id, $5::"RequestStatus", $2::"RequestStatus", $6, $7::"AuthorKind", $8, $4::timestamptz FROM r
  RETURNING ${STATUS_CHANGE_COLUMNS}`);

/*
 * A customer's message (and its files) joins the request found by number (`seq`, and
 * the prefix if one was typed), and the request is active again. Nothing is written
 * unless the message is the request's customer's; `found` tells which was missing.
 */
const ATTACH_MESSAGE = sqlStatement('relaydesk_attach_message', `
  WITH req AS (
    SELECT id, customer_id FROM request
    WHERE seq = $1::int AND ($2::text IS NULL OR lower(number) = lower($2::text || '-' || $1::int))
  ), m AS (
    UPDATE message SET request_id = req.id FROM req
    WHERE message.id = $3::bigint AND message.customer_id = req.customer_id
    RETURNING message.id, req.id AS request_id
  ), files AS (
    UPDATE attachment SET request_id = m.request_id FROM m WHERE attachment.message_id = m.id
  ), r AS (
    UPDATE request SET last_activity_at = $4::timestamptz, updated_at = $4::timestamptz
    FROM m WHERE request.id = m.request_id RETURNING request.*
  )
  SELECT f.found, ${REQUEST_COLUMNS} FROM (SELECT count(*)::int AS found FROM req) f LEFT JOIN r ON true`);

/** A request whose number is reserved, to be written with the step that creates it (RequestTx.prepareRequest). */
export interface PreparedRequest {
  input: CreateRequestInput;
  seq: number;
  record: RequestRecord;
}

const RESERVE_NUMBERS = sqlStatement('relaydesk_reserve_numbers',
  `SELECT nextval('request_seq_seq')::int AS seq FROM generate_series(1, $1::int)`);

/** Takes `count` numbers from the request sequence (the same one createRequest draws from). */
export async function reserveRequestNumbers(db: SqlQueryable, count: number): Promise<number[]> {
  const { rows } = await run<{ seq: number }>(db, 'prepareRequest', RESERVE_NUMBERS, [count]);
  return rows.map((r) => r.seq);
}

/** The request as it will be written with the reserved number. */
export function prepareRequest(prefix: string, input: CreateRequestInput, seq: number): PreparedRequest {
  const at = input.at;
  const record: RequestRecord = {
    id: uuidv7(at.getTime()), number: `${prefix}-${seq}`, type: input.type, subject: input.subject,
    description: input.description, status: 'new', channel: input.channel, customerId: input.customerId,
    assigneeId: null, createdAt: at, updatedAt: at, lastActivityAt: at, closedAt: null,
  };
  return { input, seq, record };
}

/** Writes a prepared request; a source message that has a request already makes it a conflict. */
export async function writePreparedRequest(db: SqlQueryable, prefix: string, prepared: PreparedRequest): Promise<void> {
  const written = await createRequest(db, prefix, prepared.input, { id: prepared.record.id, seq: prepared.seq });
  if (written.id !== prepared.record.id) {
    throw new StoreError('conflict', `message ${prepared.input.sourceMessageId} has a request already (${written.number})`);
  }
}

/** `reserved`: the id and number to use (see prepareRequest); otherwise both are new. */
export async function createRequest(
  db: SqlQueryable,
  prefix: string,
  input: CreateRequestInput,
  reserved?: { id: string; seq: number },
): Promise<RequestRecord> {
  const sourceId = parseId(input.sourceMessageId, 'source message');
  const { rows } = await run<RequestRow>(db, 'createRequest', CREATE_REQUEST, [
    reserved?.id ?? uuidv7(input.at.getTime()), prefix, input.type, input.subject, input.description, input.channel,
    input.customerId, sourceId, input.at, reserved?.seq ?? null,
  ]);
  const row = rows[0];
  if (!row) return existingRequest(db, sourceId);
  if (input.screenshotAttachmentId) {
    const linked = await run(db, 'createRequest', LINK_SCREENSHOT, [input.screenshotAttachmentId, row.id, row.customerId]);
    if (linked.rowCount === 0) {
      throw new StoreError('not_found', `screenshot ${input.screenshotAttachmentId} does not exist or belongs to another customer`);
    }
  }
  return toRequest(row);
}

async function existingRequest(db: SqlQueryable, sourceId: string): Promise<RequestRecord> {
  const row = (await run<RequestRow>(db, 'createRequest', REQUEST_BY_SOURCE, [sourceId])).rows[0];
  // No request and none inserted: the source message does not exist (a foreign key would have said so too).
  if (!row) throw new StoreError('not_found', `source message ${sourceId} does not exist`);
  return toRequest(row);
}

/** The request with this number (optionally only the customer's), or null; `lock` holds it FOR UPDATE. */
export async function findRequestByNumber(
  db: SqlQueryable,
  number: string,
  opts: { customerId?: string; lock?: boolean } = {},
): Promise<RequestRow | null> {
  const parsed = parseRequestNumber(number);
  if (!parsed) return null;
  const statement = opts.lock ? LOCK_REQUEST_BY_SEQ : REQUEST_BY_SEQ;
  const row = (await run<RequestRow>(db, 'findRequest', statement, [parsed.counter])).rows[0];
  if (!row || !matchesPrefix(row, parsed)) return null;
  if (opts.customerId !== undefined && row.customerId !== opts.customerId) return null;
  return row;
}

export function toSummary(row: RequestRecord): RequestSummary {
  return { number: row.number, type: row.type, subject: row.subject, status: row.status };
}

/** Moves a request along the status graph under a row lock, so concurrent changes apply one after the other. */
export async function changeStatus(
  db: SqlQueryable,
  input: ChangeStatusInput,
): Promise<{ request: RequestRecord; change: StatusChangeRecord }> {
  const current = await findRequestByNumber(db, input.number, { lock: true });
  if (!current) throw new StoreError('not_found', `request ${input.number} does not exist`);
  if (!canTransition(current.status, input.to)) {
    const allowed = allowedTransitions(current.status).join(', ') || 'none';
    throw new StoreError('invalid_transition', `cannot move ${current.number} from ${current.status} to ${input.to}; allowed: ${allowed}`);
  }
  const reopening = current.status === 'closed';
  const closedAt = input.to === 'closed' ? input.at : reopening ? null : current.closedAt;
  const { rows } = await run<StatusChangeRow>(db, 'changeStatus', MOVE_REQUEST, [
    current.id, input.to, closedAt, input.at, current.status, input.comment, input.actor.kind, input.actor.agentId ?? null,
  ]);
  const change = rows[0];
  if (!change) throw new StoreError('not_found', `request ${input.number} does not exist`);
  // The row is locked: nothing but these columns changed since it was read.
  const request = { ...toRequest(current), status: input.to, closedAt, lastActivityAt: input.at, updatedAt: input.at };
  return { request, change };
}

/** Links a customer's message (and its files) to their request; never to another customer's. */
export async function attachMessageToRequest(db: SqlQueryable, messageId: string, number: string, at: Date): Promise<RequestRecord> {
  const id = parseId(messageId, 'message');
  const parsed = parseRequestNumber(number);
  if (!parsed) throw new StoreError('not_found', `request ${number} does not exist`);
  const { rows } = await run<RequestRow & { found: number }>(db, 'attachMessageToRequest', ATTACH_MESSAGE, [
    parsed.counter, parsed.prefix, id, at,
  ]);
  const row = rows[0];
  if (!row?.found) throw new StoreError('not_found', `request ${number} does not exist`);
  if (row.id === null) throw new StoreError('not_found', `message ${messageId} of the customer of request ${number} does not exist`);
  return toRequest(row);
}

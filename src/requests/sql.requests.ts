/**
 * Requests inside a conversation step's transaction, in plain SQL.
 *
 * Numbers come from the `request_seq` sequence, so concurrent gateways never
 * hand out the same one: prepareRequest reserves one and the step's commit
 * writes the request with it (sql.step-statement.ts, the one statement that
 * creates requests; see request-store.port.ts). A rolled-back or refused step
 * leaves a gap in the numbering, never a duplicate.
 */
import type { RequestSummary } from '../conversation/conversation.types.js';
import { sqlStatement, type SqlQueryable } from '../db/sql.js';
import { findByNumber } from './request-number.js';
import { uuidv7 } from './ids.js';
import { allowedTransitions, canTransition } from './request-status.js';
import { StoreError, type ChangeStatusInput, type CreateRequestInput } from './request-store.port.js';
import type { RequestRecord, StatusChangeRecord } from './request.types.js';
import { run } from './sql.run.js';
import { REQUEST_COLUMNS, STATUS_CHANGE_COLUMNS, toRequest, type RequestRow, type StatusChangeRow } from './sql.rows.js';

const REQUEST_BY_SEQ = sqlStatement('relaydesk_request_by_seq', `SELECT ${REQUEST_COLUMNS} FROM request WHERE seq = $1`);

const LOCK_REQUEST_BY_SEQ = sqlStatement('relaydesk_lock_request_by_seq',
  `SELECT ${REQUEST_COLUMNS} FROM request WHERE seq = $1 FOR UPDATE`);

const MOVE_REQUEST = sqlStatement('relaydesk_move_request', `
  WITH r AS (
    UPDATE request SET status = $2::"RequestStatus", closed_at = $3::timestamptz,
      last_activity_at = $4::timestamptz, updated_at = $4::timestamptz
    WHERE id = $1 RETURNING id
  )
  INSERT INTO status_change (request_id, "from", "to", comment, actor_kind, agent_id, event, incident_id, created_at)
  SELECT id, $5::"RequestStatus", $2::"RequestStatus", $6, $7::"AuthorKind", $8,
         CASE WHEN $9::text IS NULL THEN 'status' ELSE 'incident_cascade' END, $9, $4::timestamptz FROM r
  RETURNING ${STATUS_CHANGE_COLUMNS}`);

/** A request whose number is reserved, to be written with the step that creates it (RequestTx.prepareRequest). */
export interface PreparedRequest {
  input: CreateRequestInput;
  seq: number;
  record: RequestRecord;
}

const RESERVE_NUMBERS = sqlStatement('relaydesk_reserve_numbers',
  `SELECT nextval('request_seq_seq')::int AS seq FROM generate_series(1, $1::int)`);

/** Takes `count` numbers from the request sequence. */
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
    assigneeId: null, incidentId: input.incidentId ?? null, createdAt: at, updatedAt: at, lastActivityAt: at, closedAt: null,
  };
  return { input, seq, record };
}

/** The request with this number (optionally only the customer's), or null; `lock` holds it FOR UPDATE. */
export async function findRequestByNumber(
  db: SqlQueryable,
  number: string,
  opts: { customerId?: string; lock?: boolean } = {},
): Promise<RequestRow | null> {
  const statement = opts.lock ? LOCK_REQUEST_BY_SEQ : REQUEST_BY_SEQ;
  const row = await findByNumber(number, async (seq) => (await run<RequestRow>(db, 'findRequest', statement, [seq])).rows[0]);
  if (opts.customerId !== undefined && row?.customerId !== opts.customerId) return null;
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
    input.viaIncidentId ?? null,
  ]);
  const change = rows[0];
  if (!change) throw new StoreError('not_found', `request ${input.number} does not exist`);
  // The row is locked: nothing but these columns changed since it was read.
  const request = { ...toRequest(current), status: input.to, closedAt, lastActivityAt: input.at, updatedAt: input.at };
  return { request, change };
}

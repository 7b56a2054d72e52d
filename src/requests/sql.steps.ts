/** Committing a conversation step in one statement (see RequestTx.commitStep). */
import { sqlStatement, type SqlQueryable } from '../db/sql.js';
import { parseId } from './ids.js';
import { StoreError, type StepCommit, type StepCommitted } from './request-store.port.js';
import type { StoredMessage } from './request.types.js';
import type { PreparedRequest } from './sql.requests.js';
import { run } from './sql.run.js';
import { jsonText } from './sql.rows.js';

/*
 * A step is written by one statement, all or nothing, without raising errors:
 * - `pending` locks the inbound message if it is still unprocessed (FOR UPDATE
 *   re-reads the newest version, so a step committed meanwhile is seen);
 * - `go`: the message is pending (and, in the general form, every request the
 *   step names and every message it files is the customer's);
 * - `saved` writes the snapshot, only if `go`, and only as the successor of the
 *   stored version (an ON CONFLICT that waits for, then sees, a concurrent writer);
 * - everything else is written only from `ok`'s row: the message marked processed
 *   (and filed: one UPDATE, as a row may change once per statement), the replies
 *   and their outbox rows, in order.
 * When a check fails, `ok` is empty and nothing at all is written.
 *
 * Two forms: the plain one for steps that name no request (most of an intake),
 * and the general one. Every lookup goes through an index with array parameters:
 * generic plans must never choose a scan of the message table.
 */
const STEP_HEAD = `
  pending AS (
    SELECT id FROM message WHERE id = $1::bigint AND processed_at IS NULL FOR UPDATE
  )`;

const STEP_SAVE = `
  saved AS (
    INSERT INTO conversation (customer_id, state, version, updated_at)
    SELECT $2::text, $3::text::jsonb, $4::int, $5::timestamptz FROM go WHERE $4::int IS NOT NULL
    ON CONFLICT (customer_id) DO UPDATE
      SET state = EXCLUDED.state, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
      WHERE conversation.version = EXCLUDED.version - 1
    RETURNING version
  ), ok AS (
    SELECT 1 AS ok FROM go WHERE $4::int IS NULL OR EXISTS (SELECT 1 FROM saved)
  )`;

const stepReplies = (requestId: string): string => `
  replies AS (
    INSERT INTO message (customer_id, request_id, channel, direction, author, text, payload, delivery_state, created_at)
    SELECT $2::text, ${requestId}, $6::text, 'outbound', (r.v->>'author')::"AuthorKind", r.v->>'text',
           NULLIF(r.v->'payload', 'null'::jsonb), 'pending', $5::timestamptz
    FROM ok, jsonb_array_elements($7::text::jsonb) WITH ORDINALITY AS r(v, ord)
    ORDER BY r.ord
    RETURNING id
  ), queued AS (
    INSERT INTO outbox (message_id, customer_id, channel, status, attempts, next_attempt_at, created_at, updated_at)
    SELECT id, $2::text, $6::text, 'pending', 0, $5::timestamptz, $5::timestamptz, $5::timestamptz FROM replies ORDER BY id
  )`;

const PLAIN_STEP = sqlStatement('relaydesk_step_plain', `
  WITH ${STEP_HEAD}, go AS (
    SELECT 1 AS go WHERE $1::bigint IS NULL OR EXISTS (SELECT 1 FROM pending)
  ), ${STEP_SAVE}, touched AS (
    UPDATE message SET processed_at = $5::timestamptz FROM ok WHERE message.id = $1::bigint
  ), ${stepReplies('NULL')}
  SELECT (SELECT count(*) FROM ok)::int AS ok, (SELECT count(*) FROM pending)::int AS pending,
         true AS "refsOk", true AS "linksOk", ARRAY(SELECT id::text FROM replies ORDER BY id) AS ids,
         '{}'::text[] AS numbers, '{}'::text[] AS "requestIds"`);

// $8: messages filed, $9: the number of each one's request, $10: every number named (distinct).
const GENERAL_STEP = sqlStatement('relaydesk_step', `
  WITH refs AS (
    SELECT id, number FROM request WHERE number = ANY($10::text[]) AND customer_id = $2::text
  ), links AS (
    SELECT l.message_id, refs.id AS request_id
    FROM unnest($8::bigint[], $9::text[]) AS l(message_id, number) JOIN refs ON refs.number = l.number
  ), ${STEP_HEAD}, checks AS (
    SELECT (SELECT count(*) FROM refs) = cardinality($10::text[]) AS refs_ok,
           (SELECT count(*) FROM message WHERE id = ANY($8::bigint[]) AND customer_id = $2::text)
             = cardinality($8::bigint[]) AS links_ok
  ), go AS (
    SELECT 1 AS go FROM checks
    WHERE refs_ok AND links_ok AND ($1::bigint IS NULL OR EXISTS (SELECT 1 FROM pending))
  ), ${STEP_SAVE}, touched AS (
    UPDATE message SET
      processed_at = CASE WHEN message.id = $1::bigint THEN $5::timestamptz ELSE message.processed_at END,
      request_id = COALESCE((SELECT links.request_id FROM links WHERE links.message_id = message.id), message.request_id)
    FROM ok WHERE message.id = $1::bigint OR message.id = ANY($8::bigint[])
  ), files AS (
    UPDATE attachment SET request_id = links.request_id
    FROM ok, links WHERE attachment.message_id = ANY($8::bigint[]) AND attachment.message_id = links.message_id
  ), active AS (
    UPDATE request SET last_activity_at = $5::timestamptz, updated_at = $5::timestamptz
    FROM ok, (SELECT DISTINCT request_id FROM links) l WHERE request.id = l.request_id
  ), ${stepReplies(`(SELECT id FROM refs WHERE refs.number = r.v->>'requestNumber')`)}
  SELECT (SELECT count(*) FROM ok)::int AS ok, (SELECT count(*) FROM pending)::int AS pending,
         checks.refs_ok AS "refsOk", checks.links_ok AS "linksOk",
         ARRAY(SELECT id::text FROM replies ORDER BY id) AS ids,
         ARRAY(SELECT number FROM refs) AS numbers, ARRAY(SELECT id FROM refs) AS "requestIds"
  FROM checks`);

export const MESSAGE_EXISTS = sqlStatement('relaydesk_message_exists', 'SELECT 1 FROM message WHERE id = $1::bigint');

interface StepRow {
  ok: number;
  pending: number;
  refsOk: boolean;
  linksOk: boolean;
  ids: string[];
  numbers: string[];
  requestIds: string[];
}

/** A step as the batcher takes it: with the request it creates, if it prepared one (RequestTx.prepareRequest). */
export type BatchedStep = StepCommit & { request: PreparedRequest | null };

/** Whether a step names no request: then the plain form (and its batched form) writes it. */
function isPlainStep(step: StepCommit): boolean {
  return step.links.length === 0 && step.replies.every((r) => r.requestNumber === null);
}

/** Runs the step's one statement (see PLAIN_STEP, GENERAL_STEP). */
export async function writeStep(db: SqlQueryable, step: StepCommit): Promise<StepCommitted> {
  const messageId = step.messageId === null ? null : parseId(step.messageId, 'message');
  // A message filed twice in one step goes to the request named last.
  const links = new Map(step.links.map((l) => [parseId(l.messageId, 'message'), l.requestNumber]));
  const numbers = new Set([...step.replies.flatMap((r) => r.requestNumber ?? []), ...links.values()]);
  const replies = step.replies.map((r) => ({ requestNumber: r.requestNumber, author: r.author, text: r.text, payload: r.payload ?? null }));
  const params: unknown[] = [
    messageId, step.customerId, step.snapshot ? jsonText(step.snapshot.state) : null, step.snapshot?.version ?? null,
    step.at, step.channel, JSON.stringify(replies),
  ];
  const plain = isPlainStep(step);
  if (!plain) params.push([...links.keys()], [...links.values()], [...numbers]);
  const row = (await run<StepRow>(db, 'commitStep', plain ? PLAIN_STEP : GENERAL_STEP, params)).rows[0];
  if (!row) throw new StoreError('failed', 'commitStep returned no row');
  if (row.ok === 0) throw await refusal(db, step, row);
  const requestIds = new Map(row.numbers.map((n, i) => [n, row.requestIds[i]!]));
  return { requestIds, replies: storedReplies(step, row.ids, requestIds) };
}

/** The step's replies as stored under `ids`, filed under the requests the numbers name. */
export function storedReplies(step: StepCommit, ids: string[], requestIds: ReadonlyMap<string, string>): StoredMessage[] {
  return ids.map((id, i) => {
    const reply = step.replies[i]!;
    return {
      id,
      customerId: step.customerId,
      requestId: reply.requestNumber === null ? null : (requestIds.get(reply.requestNumber) ?? null),
      channel: step.channel,
      direction: 'outbound',
      author: reply.author,
      agentId: null,
      text: reply.text,
      payload: reply.payload ?? null,
      channelMessageId: null,
      deliveryState: 'pending',
      processedAt: null,
      createdAt: step.at,
      attachmentIds: [],
    };
  });
}

/** Why a step's statement wrote nothing, as the StoreError to throw. */
export async function refusal(
  db: SqlQueryable,
  step: StepCommit,
  row: Pick<StepRow, 'refsOk' | 'linksOk' | 'pending'>,
): Promise<StoreError> {
  if (!row.refsOk) return new StoreError('not_found', `a request the step names is not the customer's (${step.customerId})`);
  if (!row.linksOk) return new StoreError('not_found', `a message the step files is not the customer's (${step.customerId})`);
  if (step.messageId === null || row.pending > 0) {
    return new StoreError('conflict', `conversation of ${step.customerId} changed meanwhile (expected to write version ${step.snapshot?.version})`);
  }
  const exists = await run(db, 'commitStep', MESSAGE_EXISTS, [parseId(step.messageId, 'message')]);
  if (exists.rowCount === 0) return new StoreError('not_found', `message ${step.messageId} does not exist`);
  // Applied already, by a step that committed first: this step must not commit a second copy.
  return new StoreError('conflict', `message ${step.messageId} was already applied`);
}

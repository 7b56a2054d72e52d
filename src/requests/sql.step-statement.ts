/**
 * Committing conversation steps (see RequestTx.commitStep): the one statement
 * that writes a step, for one step or for several conversations' steps at once
 * (store-batches.ts shares it between concurrent conversations). All or nothing
 * per step, without raising errors:
 * - `found`, `refs`, `filed`: the requests each step names (only its customer's,
 *   or the one it creates) and the messages it files under them; `checks`
 *   compares them with what was asked, and checks a request the step creates:
 *   its source message has none yet, its screenshot is the customer's;
 * - `pending` locks the messages still unprocessed (FOR UPDATE re-reads the
 *   newest version, so a step committed meanwhile is seen), `go` keeps the steps
 *   whose checks pass and whose message is pending, `saved` writes their
 *   snapshots only as successors of the stored versions (an ON CONFLICT that
 *   waits for, then sees, a concurrent writer), `ok` keeps the steps saved;
 * - only those are written: requests created (with their first status change,
 *   screenshot and intake transcript), messages marked processed and filed (one
 *   UPDATE per row, as a row may change once per statement), files and
 *   requests' activity, replies and their outbox rows in order (`sends`: as
 *   sent when the step asks it and no earlier message of its customer is
 *   queued, see StepCommit.sentAtOnce).
 * A step refused writes nothing and leaves the others alone. Array parameters
 * keep every lookup on an index (generic plans must never choose a scan of the
 * message table): $2 messages, $3 request numbers, $4 source messages and $5
 * screenshots of created requests.
 */
import { sqlStatement } from '../db/sql.js';
import { parseId } from './ids.js';
import type { StepCommit } from './request-store.port.js';
import type { PreparedRequest } from './sql.requests.js';

/** A step with the request it creates, if it prepared one (RequestTx.prepareRequest). */
export type BatchedStep = StepCommit & { request: PreparedRequest | null };

export const STEPS = sqlStatement('relaydesk_steps', `
  WITH input AS (
    SELECT s.ord, (s.v->>'messageId')::bigint AS message_id, s.v->>'customerId' AS customer_id,
           s.v->>'channel' AS channel, s.v->'state' AS state, (s.v->>'version')::int AS version,
           (s.v->>'at')::timestamptz AS at, s.v->'replies' AS replies, s.v->'links' AS links,
           s.v->'numbers' AS numbers, NULLIF(s.v->'request', 'null'::jsonb) AS request,
           COALESCE((s.v->>'sentAtOnce')::boolean, false) AS sent_at_once
    FROM jsonb_array_elements($1::text::jsonb) WITH ORDINALITY AS s(v, ord)
  ), requests AS (
    SELECT id, number, customer_id FROM request WHERE number = ANY($3::text[])
  ), found AS (
    SELECT input.ord, requests.id, requests.number
    FROM input CROSS JOIN LATERAL jsonb_array_elements_text(input.numbers) AS n(number)
    JOIN requests ON requests.number = n.number AND requests.customer_id = input.customer_id
  ), refs AS (
    SELECT ord, id, number FROM found
    UNION ALL SELECT ord, request->>'id', request->>'number' FROM input WHERE request IS NOT NULL
  ), owned AS (
    SELECT id, customer_id FROM message WHERE id = ANY($2::bigint[])
  ), filed AS (
    SELECT input.ord, (l->>'messageId')::bigint AS message_id, refs.id AS request_id
    FROM input CROSS JOIN LATERAL jsonb_array_elements(input.links) AS l
    JOIN refs ON refs.ord = input.ord AND refs.number = l->>'requestNumber'
    JOIN owned ON owned.id = (l->>'messageId')::bigint AND owned.customer_id = input.customer_id
  ), sourced AS (
    SELECT source_message_id FROM request WHERE source_message_id = ANY($4::bigint[])
  ), shots AS (
    SELECT id, customer_id FROM attachment WHERE id = ANY($5::text[])
  ), checks AS (
    SELECT input.ord,
           (SELECT count(*) FROM found WHERE found.ord = input.ord) = jsonb_array_length(input.numbers) AS refs_ok,
           (SELECT count(*) FROM filed WHERE filed.ord = input.ord) = jsonb_array_length(input.links) AS links_ok,
           input.request IS NULL OR NOT EXISTS (
             SELECT 1 FROM sourced WHERE source_message_id = (input.request->>'sourceMessageId')::bigint) AS source_ok,
           input.request->>'screenshotAttachmentId' IS NULL OR EXISTS (
             SELECT 1 FROM shots WHERE shots.id = input.request->>'screenshotAttachmentId'
               AND (shots.customer_id = input.customer_id OR shots.customer_id IS NULL)) AS shot_ok
    FROM input
  ), pending AS (
    SELECT id FROM message WHERE id = ANY($2::bigint[]) AND processed_at IS NULL FOR UPDATE
  ), go AS (
    SELECT input.* FROM input JOIN checks USING (ord)
    WHERE checks.refs_ok AND checks.links_ok AND checks.source_ok AND checks.shot_ok
      AND (input.message_id IS NULL OR input.message_id IN (SELECT id FROM pending))
  ), saved AS (
    INSERT INTO conversation (customer_id, state, version, updated_at)
    -- In customer order, so that two statements racing for the same conversations lock them alike.
    SELECT customer_id, state, version, at FROM go WHERE version IS NOT NULL ORDER BY customer_id
    ON CONFLICT (customer_id) DO UPDATE
      SET state = EXCLUDED.state, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
      WHERE conversation.version = EXCLUDED.version - 1
    RETURNING customer_id
  ), ok AS (
    SELECT * FROM go WHERE version IS NULL OR customer_id IN (SELECT customer_id FROM saved)
  ), sends AS (
    -- Replies written as sent (StepCommit.sentAtOnce), unless the customer has a message still queued: order first.
    SELECT ok.ord, ok.sent_at_once AND NOT EXISTS (
      SELECT 1 FROM outbox WHERE outbox.customer_id = ok.customer_id AND outbox.status = 'pending') AS sent
    FROM ok
  ), created AS (
    INSERT INTO request (id, seq, number, type, subject, description, status, channel, customer_id,
                         incident_id, source_message_id, created_at, updated_at, last_activity_at)
    SELECT q->>'id', (q->>'seq')::int, q->>'number', (q->>'type')::"RequestType", q->>'subject', q->>'description',
           'new', q->>'channel', ok.customer_id, q->>'incidentId', (q->>'sourceMessageId')::bigint,
           (q->>'at')::timestamptz, (q->>'at')::timestamptz, (q->>'at')::timestamptz
    FROM ok CROSS JOIN LATERAL (SELECT ok.request AS q) r WHERE ok.request IS NOT NULL
  ), history AS (
    INSERT INTO status_change (request_id, "from", "to", actor_kind, event, incident_id, created_at)
    SELECT request->>'id', h."from", 'new', 'customer', h.event, h.incident_id, (request->>'at')::timestamptz
    FROM ok CROSS JOIN LATERAL (VALUES (NULL::"RequestStatus", 'status', NULL::text, 0),
                                       ('new'::"RequestStatus", 'incident_linked', request->>'incidentId', 1)) h("from", event, incident_id, n)
    WHERE request IS NOT NULL AND (h.n = 0 OR request->>'incidentId' IS NOT NULL)
    ORDER BY ok.ord, h.n
  ), intake AS (
    -- The intake transcript (RequestTx.prepareRequest); OFFSET 0 keeps the scan on the customer's index.
    SELECT m.id, ok.request->>'id' AS request_id
    FROM ok CROSS JOIN LATERAL (
      SELECT id, request_id FROM message
      WHERE customer_id = ok.customer_id AND id <= (ok.request->>'sourceMessageId')::bigint
        AND id > COALESCE((SELECT max(id) FROM message WHERE customer_id = ok.customer_id AND request_id IS NOT NULL), 0)
      OFFSET 0
    ) m
    WHERE ok.request IS NOT NULL AND m.request_id IS NULL
  ), targets AS (
    SELECT id, max(processed_at) AS processed_at, max(request_id) AS request_id FROM (
      SELECT message_id AS id, at AS processed_at, NULL::text AS request_id FROM ok WHERE message_id IS NOT NULL
      UNION ALL SELECT filed.message_id, NULL, filed.request_id FROM filed JOIN ok USING (ord)
      UNION ALL SELECT id, NULL, request_id FROM intake
    ) x GROUP BY id
  ), touched AS (
    UPDATE message SET processed_at = COALESCE(targets.processed_at, message.processed_at),
                       request_id = COALESCE(targets.request_id, message.request_id)
    FROM targets WHERE message.id = ANY(ARRAY(SELECT id FROM targets)) AND message.id = targets.id
  ), file_targets AS (
    SELECT a.id, filed.request_id FROM filed JOIN ok USING (ord) JOIN attachment a ON a.message_id = filed.message_id
    WHERE a.message_id = ANY($2::bigint[])
    UNION ALL
    SELECT request->>'screenshotAttachmentId', request->>'id' FROM ok WHERE request->>'screenshotAttachmentId' IS NOT NULL
  ), files AS (
    UPDATE attachment SET request_id = file_targets.request_id
    FROM file_targets WHERE attachment.id = ANY(ARRAY(SELECT id FROM file_targets)) AND attachment.id = file_targets.id
  ), active AS (
    UPDATE request SET last_activity_at = a.at, updated_at = a.at
    FROM (SELECT DISTINCT filed.request_id, ok.at FROM filed JOIN ok USING (ord)) a
    WHERE request.number = ANY($3::text[]) AND request.id = a.request_id
  ), replies AS (
    INSERT INTO message (customer_id, request_id, channel, direction, author, text, payload, delivery_state, created_at)
    SELECT ok.customer_id, (SELECT refs.id FROM refs WHERE refs.ord = ok.ord AND refs.number = r.v->>'requestNumber'),
           ok.channel, 'outbound', (r.v->>'author')::"AuthorKind", r.v->>'text',
           NULLIF(r.v->'payload', 'null'::jsonb),
           (CASE WHEN sends.sent THEN 'sent' ELSE 'pending' END)::"DeliveryState", ok.at
    FROM ok JOIN sends USING (ord) CROSS JOIN LATERAL jsonb_array_elements(ok.replies) WITH ORDINALITY AS r(v, rord)
    ORDER BY ok.ord, r.rord
    RETURNING id, customer_id, channel, delivery_state, created_at
  ), queued AS (
    INSERT INTO outbox (message_id, customer_id, channel, status, attempts, next_attempt_at, created_at, updated_at)
    SELECT id, customer_id, channel, (CASE WHEN delivery_state = 'sent' THEN 'sent' ELSE 'pending' END)::"OutboxStatus",
           0, created_at, created_at, created_at
    FROM replies ORDER BY id
  )
  SELECT input.ord::int AS ord, EXISTS (SELECT 1 FROM ok WHERE ok.ord = input.ord) AS ok,
         EXISTS (SELECT 1 FROM pending WHERE pending.id = input.message_id) AS pending,
         COALESCE((SELECT sent FROM sends WHERE sends.ord = input.ord), false) AS sent,
         checks.refs_ok AS "refsOk", checks.links_ok AS "linksOk", checks.source_ok AS "sourceOk", checks.shot_ok AS "shotOk",
         ARRAY(SELECT id::text FROM replies WHERE replies.customer_id = input.customer_id ORDER BY id) AS ids,
         ARRAY(SELECT number FROM refs WHERE refs.ord = input.ord ORDER BY number) AS numbers,
         ARRAY(SELECT id FROM refs WHERE refs.ord = input.ord ORDER BY number) AS "requestIds"
  FROM input JOIN checks USING (ord) ORDER BY input.ord`);

/** What STEPS answers for each step, in the order given. */
export interface StepsRow {
  ok: boolean;
  /** Its replies were written as sent (StepCommit.sentAtOnce). */
  sent: boolean;
  pending: boolean;
  refsOk: boolean;
  linksOk: boolean;
  sourceOk: boolean;
  shotOk: boolean;
  ids: string[];
  numbers: string[];
  requestIds: string[];
}

/** A step as the statement reads it. The requests to look up are those it names, but the one it creates. */
export function toItem(s: BatchedStep) {
  // A message filed twice in one step goes to the request named last.
  const links = [...new Map(s.links.map((l) => [parseId(l.messageId, 'message'), l.requestNumber]))];
  const created = s.request?.record.number;
  const named = [...s.replies.flatMap((r) => r.requestNumber ?? []), ...links.map(([, n]) => n)];
  const request = s.request && {
    ...s.request.input, id: s.request.record.id, seq: s.request.seq, number: s.request.record.number,
    sourceMessageId: parseId(s.request.input.sourceMessageId, 'source message'), at: s.request.input.at.toISOString(),
  };
  return {
    messageId: s.messageId === null ? null : parseId(s.messageId, 'message'),
    customerId: s.customerId, channel: s.channel, sentAtOnce: s.sentAtOnce ?? false, state: s.snapshot?.state ?? null, version: s.snapshot?.version ?? null,
    at: s.at.toISOString(),
    replies: s.replies.map((r) => ({ requestNumber: r.requestNumber, author: r.author, text: r.text, payload: r.payload ?? null })),
    links: links.map(([messageId, requestNumber]) => ({ messageId, requestNumber })),
    numbers: [...new Set(named.filter((n) => n !== created))],
    request,
  };
}

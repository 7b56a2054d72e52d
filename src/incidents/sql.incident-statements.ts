/**
 * The SQL texts of mass incidents: each fact written by one statement
 * (sql.incidents.ts runs them; the conversation step's "not solved" runs
 * UNLINK through its own transaction).
 */
import { sqlStatement } from '../db/sql.js';

/** An incident with its counts and newest public update, for `WHERE` appended by the caller. */
export const INCIDENT_SELECT = `
  SELECT r.id, r.seq, r.number, r.subject AS title, r.titles, r.description, r.status::text AS status,
         r.assignee_id AS "assigneeId", r.created_at AS "createdAt", r.updated_at AS "updatedAt", r.closed_at AS "closedAt",
         (SELECT count(*)::int FROM request c WHERE c.incident_id = r.id) AS "linkedCount",
         (SELECT count(*)::int FROM request c WHERE c.incident_id = r.id AND c.status <> 'closed') AS "openLinkedCount",
         u.id::text AS "uId", u.text AS "uText", u.agent_id AS "uAgentId", u.recipients AS "uRecipients",
         u.fanout_done_at AS "uDoneAt", u.created_at AS "uAt"
  FROM request r
  LEFT JOIN LATERAL (
    SELECT * FROM incident_update WHERE incident_id = r.id AND NOT internal ORDER BY id DESC LIMIT 1
  ) u ON true
  WHERE r.customer_id IS NULL AND r.type = 'mass_incident'`;

export const INCIDENT_BY_SEQ = sqlStatement('relaydesk_incident_by_seq', `${INCIDENT_SELECT} AND r.seq = $1`);

export const LOCK_INCIDENT = sqlStatement('relaydesk_lock_incident',
  `SELECT id, number, status::text AS status FROM request WHERE id = $1 AND customer_id IS NULL FOR UPDATE`);

export const DECLARE = sqlStatement('relaydesk_declare_incident', `
  WITH i AS (
    INSERT INTO request (id, seq, number, type, subject, description, status, channel, customer_id, titles,
                         created_at, updated_at, last_activity_at)
    VALUES ($1, $2, $3, 'mass_incident', $4, $5, 'new', 'desk', NULL, $6::text::jsonb, $7, $7, $7)
    RETURNING id
  )
  INSERT INTO status_change (request_id, "from", "to", actor_kind, agent_id, created_at)
  SELECT id, NULL, 'new', 'agent', $8, $7 FROM i`);

/** Customers' requests by counter, locked, for linking. */
export const LOCK_REQUESTS_BY_SEQ = sqlStatement('relaydesk_lock_requests_by_seq', `
  SELECT r.id, r.seq, r.number, r.customer_id AS "customerId", r.incident_id AS "incidentId", r.status::text AS status,
         i.number AS "incidentNumber"
  FROM request r LEFT JOIN request i ON i.id = r.incident_id
  WHERE r.seq = ANY($1::int[]) ORDER BY r.id FOR UPDATE OF r`);

export const LINK = sqlStatement('relaydesk_link_incident', `
  WITH l AS (
    UPDATE request SET incident_id = $1, updated_at = $3 WHERE id = ANY($2::text[]) RETURNING id, status
  )
  INSERT INTO status_change (request_id, "from", "to", actor_kind, agent_id, event, incident_id, created_at)
  SELECT id, status, status, 'agent', $4, 'incident_linked', $1, $3 FROM l ORDER BY id`);

/**
 * Takes request $1 out of incident $2 with an entry in its history: by agent $4,
 * or by its customer ($4 null), with the reason as the entry's comment.
 */
export const UNLINK = sqlStatement('relaydesk_unlink_incident', `
  WITH u AS (
    UPDATE request SET incident_id = NULL, updated_at = $3 WHERE id = $1 AND incident_id = $2 RETURNING id, status
  )
  INSERT INTO status_change (request_id, "from", "to", comment, actor_kind, agent_id, event, incident_id, created_at)
  SELECT id, status, status, $5, CASE WHEN $4::text IS NULL THEN 'customer' ELSE 'agent' END::"AuthorKind", $4,
         'incident_unlinked', $2, $3 FROM u
  RETURNING request_id`);

export const POST_UPDATE = sqlStatement('relaydesk_post_incident_update', `
  WITH n AS (
    SELECT CASE WHEN $4::boolean THEN 0
                ELSE (SELECT count(*)::int FROM request WHERE incident_id = $1 AND status <> 'closed') END AS recipients
  ), touched AS (
    UPDATE request SET last_activity_at = $7, updated_at = $7 WHERE id = $1
  )
  INSERT INTO incident_update (incident_id, agent_id, text, internal, text_ru, text_en, recipients, fanout_done_at, created_at)
  SELECT $1, $2, $3, $4, $5, $6, n.recipients, CASE WHEN $4::boolean OR n.recipients = 0 THEN $7::timestamptz END, $7 FROM n
  RETURNING id::text AS id, text, internal, agent_id AS "agentId", recipients, fanout_done_at IS NOT NULL AS queued,
            created_at AS "createdAt"`);

/*
 * One batch of the oldest unfinished fan-out whose incident has no older one
 * unfinished (a customer gets an incident's updates in order). The update row is
 * locked, SKIP LOCKED: another instance takes another incident's, never the same.
 * Copies are ordinary outbound messages under each linked request, at priority 1
 * (claimed after every ordinary message); the unique (incident_update_id,
 * request_id) index and the cursor moving in the same statement make each copy
 * once, whatever crashes.
 */
export const FANOUT_BATCH = sqlStatement('relaydesk_incident_fanout', `
  WITH u AS (
    SELECT w.id, w.incident_id, w.agent_id, w.text_ru, w.text_en, w.fanout_after FROM incident_update w
    WHERE w.fanout_done_at IS NULL AND NOT w.internal
      AND NOT EXISTS (SELECT 1 FROM incident_update o
                      WHERE o.incident_id = w.incident_id AND o.fanout_done_at IS NULL AND o.id < w.id)
    ORDER BY w.id LIMIT 1
    FOR UPDATE SKIP LOCKED
  ), t AS (
    SELECT r.id AS request_id, r.number, r.customer_id, c.channel, c.locale, r.status
    FROM u JOIN request r ON r.incident_id = u.incident_id AND r.id > COALESCE(u.fanout_after, '') AND r.status <> 'closed'
    JOIN customer c ON c.id = r.customer_id
    ORDER BY r.id LIMIT $1
  ), m AS (
    INSERT INTO message (customer_id, request_id, channel, direction, author, agent_id, text, delivery_state,
                         incident_update_id, created_at)
    SELECT t.customer_id, t.request_id, t.channel, 'outbound', 'agent', u.agent_id,
           replace(CASE WHEN t.locale = 'en' THEN u.text_en ELSE u.text_ru END, chr(57344), t.number), 'pending', u.id, $2
    FROM t CROSS JOIN u ORDER BY t.request_id
    ON CONFLICT (incident_update_id, request_id) DO NOTHING
    RETURNING id, customer_id, channel
  ), o AS (
    INSERT INTO outbox (message_id, customer_id, channel, status, priority, attempts, next_attempt_at, created_at, updated_at)
    SELECT id, customer_id, channel, 'pending', 1, 0, $2, $2, $2 FROM m ORDER BY id
  ), h AS (
    INSERT INTO status_change (request_id, "from", "to", actor_kind, agent_id, event, incident_id, created_at)
    SELECT t.request_id, t.status, t.status, 'agent', u.agent_id, 'incident_update', u.incident_id, $2
    FROM t CROSS JOIN u ORDER BY t.request_id
  ), done AS (
    UPDATE incident_update SET fanout_after = COALESCE((SELECT max(request_id) FROM t), incident_update.fanout_after),
                               fanout_done_at = CASE WHEN (SELECT count(*) FROM t) < $1 THEN $2::timestamptz END
    FROM u WHERE incident_update.id = u.id
    RETURNING incident_update.id::text AS "updateId", incident_update.incident_id AS "incidentId",
              incident_update.fanout_done_at IS NOT NULL AS done
  )
  SELECT "updateId", "incidentId", done, (SELECT count(*)::int FROM m) AS queued FROM done`);

/**
 * Linked requests a status change of their incident has not moved yet: the
 * incident's newest change to its current status is the one to carry out, and a
 * request moved by it has an `incident_cascade` entry after it.
 */
export const CASCADE_TARGETS = sqlStatement('relaydesk_incident_cascade_targets', `
  SELECT i.id AS "incidentId", i.number AS "incidentNumber", r.number AS "requestNumber", i.status::text AS "to",
         s.comment, s.agent_id AS "agentId"
  FROM request i
  JOIN LATERAL (
    SELECT id, comment, agent_id FROM status_change
    WHERE request_id = i.id AND "to" = i.status AND event = 'status' ORDER BY id DESC LIMIT 1
  ) s ON true
  JOIN request r ON r.incident_id = i.id
  WHERE i.customer_id IS NULL AND i.type = 'mass_incident' AND i.status IN ('solution_provided', 'closed')
    AND ((i.status = 'solution_provided' AND r.status IN ('new', 'in_progress', 'awaiting_customer'))
      OR (i.status = 'closed' AND r.status = 'solution_provided'))
    AND NOT EXISTS (SELECT 1 FROM status_change c
                    WHERE c.request_id = r.id AND c.incident_id = i.id AND c.event = 'incident_cascade' AND c.id > s.id)
  ORDER BY r.id LIMIT $1`);

export const OPEN_INCIDENTS = sqlStatement('relaydesk_open_incidents', `
  ${INCIDENT_SELECT} AND r.status NOT IN ('solution_provided', 'closed') ORDER BY r.seq DESC LIMIT $1`);

/** Fan-out copies by channel and outbox state, for one incident ($1) or all (null), one update ($2) or all. */
export const DELIVERY_COUNTS = sqlStatement('relaydesk_incident_deliveries', `
  SELECT u.id::text AS "updateId", m.channel, o.status::text AS status, count(*)::int AS n
  FROM incident_update u JOIN message m ON m.incident_update_id = u.id JOIN outbox o ON o.message_id = m.id
  WHERE ($1::text IS NULL OR u.incident_id = $1)
  GROUP BY u.id, m.channel, o.status`);

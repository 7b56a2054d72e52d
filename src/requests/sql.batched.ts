/**
 * Many conversations' statements as one: recording messages and committing plain
 * steps for several conversations in one statement, one round trip and one
 * commit (see db/batcher.ts). Each conversation's part is checked and written as
 * in its single form; a refusal of one step writes nothing of that step and
 * leaves the others alone. The store routes only the common shapes here: messages
 * without a file, steps that name no request.
 */
import { Batcher } from '../db/batcher.js';
import { sqlStatement, type SqlDatabase, type SqlQueryable } from '../db/sql.js';
import { parseId } from './ids.js';
import type { RecordInboundInput, StepCommit, StepCommitted } from './request-store.port.js';
import type { StoredMessage } from './request.types.js';
import { run } from './sql.run.js';
import { messageColumns, toMessage, type MessageRow } from './sql.rows.js';
import { recordAndListPending } from './sql.inbound.js';
import { refusal, storedReplies, writeStep } from './sql.steps.js';

export interface Recorded {
  message: StoredMessage;
  duplicate: boolean;
  pending: StoredMessage[];
}

// $1: the messages as JSON, $2: their customers (distinct), for the indexes.
const RECORD_MANY = sqlStatement('relaydesk_record_many', `
  WITH input AS (
    SELECT i.ord, i.v->>'customerId' AS customer_id, i.v->>'channel' AS channel, i.v->>'text' AS text,
           NULLIF(i.v->'payload', 'null'::jsonb) AS payload, i.v->>'channelMessageId' AS channel_message_id,
           (i.v->>'receivedAt')::timestamptz AS received_at
    FROM jsonb_array_elements($1::text::jsonb) WITH ORDINALITY AS i(v, ord)
  ), reach AS (
    UPDATE customer SET reachable = true, updated_at = now() WHERE id = ANY($2::text[]) AND NOT reachable
  ), ins AS (
    INSERT INTO message (customer_id, channel, direction, author, text, payload, channel_message_id, delivery_state, created_at)
    SELECT customer_id, channel, 'inbound', 'customer', text, payload, channel_message_id, 'received', received_at
    FROM input ORDER BY ord
    ON CONFLICT (channel, direction, channel_message_id) DO NOTHING
    RETURNING *
  )
  SELECT ${messageColumns('m')}, false AS inserted FROM message m
  WHERE m.customer_id = ANY($2::text[]) AND m.direction = 'inbound' AND m.processed_at IS NULL
  UNION ALL
  SELECT ${messageColumns('ins', false)}, true AS inserted FROM ins`);

/** recordAndListPending for messages of distinct customers, none with a file; null where it must be asked alone. */
export async function recordMany(db: SqlQueryable, inputs: RecordInboundInput[]): Promise<Array<Recorded | null>> {
  const items = inputs.map((i) => ({
    customerId: i.customerId, channel: i.channel, text: i.text ?? null, payload: i.payload ?? null,
    channelMessageId: i.channelMessageId, receivedAt: i.receivedAt.toISOString(),
  }));
  const customers = [...new Set(inputs.map((i) => i.customerId))];
  const { rows } = await run<MessageRow & { inserted: boolean }>(db, 'recordInbound', RECORD_MANY, [JSON.stringify(items), customers]);
  const byCustomer = new Map<string, Array<MessageRow & { inserted: boolean }>>();
  for (const r of rows) byCustomer.set(r.customerId, [...(byCustomer.get(r.customerId) ?? []), r]);
  return inputs.map((input) => {
    const own = (byCustomer.get(input.customerId) ?? []).sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    const pending = own.map(toMessage);
    const index = own.findIndex((r) => r.channel === input.channel && r.channelMessageId === input.channelMessageId);
    // Not among the pending: a redelivery of a message applied already; the single form looks it up.
    if (index < 0) return null;
    return { message: pending[index]!, duplicate: !own[index]!.inserted, pending };
  });
}

/*
 * The plain step of sql.steps.ts, per input row: `pending` locks the messages still
 * unprocessed, `go` keeps the steps whose message is pending, `saved` writes their
 * snapshots as successors of the stored versions, `ok` keeps the steps saved, and
 * only those are marked processed and queue their replies, in order.
 */
const PLAIN_STEPS = sqlStatement('relaydesk_steps_plain', `
  WITH input AS (
    SELECT s.ord, (s.v->>'messageId')::bigint AS message_id, s.v->>'customerId' AS customer_id,
           s.v->>'channel' AS channel, s.v->'state' AS state, (s.v->>'version')::int AS version,
           (s.v->>'at')::timestamptz AS at, s.v->'replies' AS replies
    FROM jsonb_array_elements($1::text::jsonb) WITH ORDINALITY AS s(v, ord)
  ), pending AS (
    SELECT id FROM message WHERE id = ANY($2::bigint[]) AND processed_at IS NULL FOR UPDATE
  ), go AS (
    SELECT * FROM input WHERE message_id IS NULL OR message_id IN (SELECT id FROM pending)
  ), saved AS (
    INSERT INTO conversation (customer_id, state, version, updated_at)
    SELECT customer_id, state, version, at FROM go WHERE version IS NOT NULL ORDER BY ord
    ON CONFLICT (customer_id) DO UPDATE
      SET state = EXCLUDED.state, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
      WHERE conversation.version = EXCLUDED.version - 1
    RETURNING customer_id
  ), ok AS (
    SELECT * FROM go WHERE version IS NULL OR customer_id IN (SELECT customer_id FROM saved)
  ), touched AS (
    UPDATE message SET processed_at = ok.at FROM ok WHERE message.id = ok.message_id
  ), replies AS (
    INSERT INTO message (customer_id, request_id, channel, direction, author, text, payload, delivery_state, created_at)
    SELECT ok.customer_id, NULL, ok.channel, 'outbound', (r.v->>'author')::"AuthorKind", r.v->>'text',
           NULLIF(r.v->'payload', 'null'::jsonb), 'pending', ok.at
    FROM ok, jsonb_array_elements(ok.replies) WITH ORDINALITY AS r(v, rord)
    ORDER BY ok.ord, r.rord
    RETURNING id, customer_id, channel, created_at
  ), queued AS (
    INSERT INTO outbox (message_id, customer_id, channel, status, attempts, next_attempt_at, created_at, updated_at)
    SELECT id, customer_id, channel, 'pending', 0, created_at, created_at, created_at FROM replies ORDER BY id
  )
  SELECT input.ord::int AS ord, EXISTS (SELECT 1 FROM ok WHERE ok.ord = input.ord) AS ok,
         EXISTS (SELECT 1 FROM pending WHERE pending.id = input.message_id) AS pending,
         ARRAY(SELECT id::text FROM replies WHERE replies.customer_id = input.customer_id ORDER BY id) AS ids
  FROM input ORDER BY input.ord`);

/** Commits plain steps (no request named) of distinct customers; a refused step is answered with its StoreError. */
export async function commitPlainSteps(db: SqlQueryable, steps: StepCommit[]): Promise<Array<StepCommitted | Error>> {
  const items = steps.map((s) => ({
    messageId: s.messageId === null ? null : parseId(s.messageId, 'message'),
    customerId: s.customerId, channel: s.channel, state: s.snapshot?.state ?? null, version: s.snapshot?.version ?? null,
    at: s.at.toISOString(), replies: s.replies.map((r) => ({ author: r.author, text: r.text, payload: r.payload ?? null })),
  }));
  const messageIds = items.flatMap((i) => (i.messageId === null ? [] : [i.messageId]));
  const { rows } = await run<{ ord: number; ok: boolean; pending: boolean; ids: string[] }>(
    db, 'commitStep', PLAIN_STEPS, [JSON.stringify(items), messageIds]);
  return Promise.all(
    steps.map(async (step, i) => {
      const row = rows[i];
      if (!row) return new Error(`commitStep returned no row for step ${i}`);
      if (!row.ok) return refusal(db, step, { refsOk: true, linksOk: true, pending: row.pending ? 1 : 0 });
      return { replies: storedReplies(step, row.ids, new Map()), requestIds: new Map() };
    }),
  );
}

/** The batchers of one store: concurrent calls of the hot statements share statements. */
export interface StoreBatches {
  record: Batcher<RecordInboundInput, Recorded>;
  steps: Batcher<StepCommit, StepCommitted>;
}

export function createStoreBatches(db: SqlDatabase, opts: { maxSize?: number; maxInFlight?: number } = {}): StoreBatches {
  return {
    record: new Batcher({
      ...opts,
      runBatch: async (inputs) => {
        const recorded = await recordMany(db, inputs);
        return Promise.all(recorded.map((r, i) => r ?? recordAndListPending(db, inputs[i]!).catch((e: Error) => e)));
      },
      runOne: (input) => recordAndListPending(db, input),
    }),
    steps: new Batcher({
      ...opts,
      runBatch: (steps) => commitPlainSteps(db, steps),
      runOne: (step) => writeStep(db, step),
    }),
  };
}

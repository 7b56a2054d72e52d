/**
 * Many conversations' statements as one: recording messages and committing
 * steps for several conversations in one statement, one round trip and one
 * commit (see db/batcher.ts). Each conversation's part is checked and written as
 * in its single form; a refusal of one step writes nothing of that step and
 * leaves the others alone. The store routes the common shapes here: messages
 * without a file, steps committed without a transaction of their own, and the
 * reads a step may start with (request numbers, snapshots, active requests).
 */
import { Batcher } from '../db/batcher.js';
import { sqlStatement, type SqlDatabase, type SqlQueryable } from '../db/sql.js';
import type { RequestSummary } from '../conversation/conversation.types.js';
import type { ConversationSnapshot, RecordInboundInput, StepCommitted } from './request-store.port.js';
import type { StoredMessage } from './request.types.js';
import { commitSteps } from './sql.batched-steps.js';
import { findActiveRequests, loadSnapshots } from './sql.conversations.js';
import { recordAndListPending } from './sql.inbound.js';
import { reserveRequestNumbers, writePreparedRequest } from './sql.requests.js';
import { driverError, run } from './sql.run.js';
import { messageColumns, toMessage, type MessageRow } from './sql.rows.js';
import { writeStep, type BatchedStep } from './sql.steps.js';

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
async function recordMany(db: SqlQueryable, inputs: RecordInboundInput[]): Promise<Array<Recorded | null>> {
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

/** The batchers of one store: concurrent calls of the hot statements share statements. */
export interface StoreBatches {
  record: Batcher<RecordInboundInput, Recorded>;
  steps: Batcher<BatchedStep, StepCommitted>;
  numbers: Batcher<null, number>;
  snapshots: Batcher<string, ConversationSnapshot | null>;
  activeRequests: Batcher<string, RequestSummary | null>;
}

export function createStoreBatches(
  db: SqlDatabase,
  requestPrefix: string,
  opts: { maxSize?: number; maxInFlight?: number } = {},
): StoreBatches {
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
      runBatch: (steps) => commitSteps(db, steps),
      runOne: (step) => commitStepAlone(db, requestPrefix, step),
    }),
    numbers: new Batcher({
      ...opts,
      runBatch: (items) => reserveRequestNumbers(db, items.length),
      runOne: async () => (await reserveRequestNumbers(db, 1))[0]!,
    }),
    snapshots: new Batcher({
      ...opts,
      runBatch: (ids) => loadSnapshots(db, ids),
      runOne: async (id) => (await loadSnapshots(db, [id]))[0] ?? null,
    }),
    activeRequests: new Batcher({
      ...opts,
      runBatch: (ids) => findActiveRequests(db, ids),
      runOne: async (id) => (await findActiveRequests(db, [id]))[0] ?? null,
    }),
  };
}

/** One step by itself: its one statement, or with the request it creates, a transaction of its own. */
async function commitStepAlone(db: SqlDatabase, requestPrefix: string, step: BatchedStep): Promise<StepCommitted> {
  if (!step.request) return writeStep(db, step);
  const session = await db.begin();
  try {
    await writePreparedRequest(session, requestPrefix, step.request);
    const committed = await writeStep(session, step);
    await session.commit();
    return committed;
  } catch (error) {
    // The step's error is the one to report; a failed rollback has already discarded its connection.
    await session.rollback().catch(() => undefined);
    throw driverError(error, 'commitStep');
  }
}

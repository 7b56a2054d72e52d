/**
 * Many conversations' statements as one: concurrent calls of the store's hot
 * statements share one statement, one round trip and one commit (see
 * db/batcher.ts). A batch runs the very statement a single call runs, with
 * several rows: recording messages (sql.inbound.ts), committing steps that need
 * no transaction of their own (sql.steps.ts), and the reads a step may start
 * with (request numbers, snapshots, active requests). Each conversation's part
 * is checked and written as if alone; a refusal of one leaves the others alone.
 */
import { Batcher } from '../db/batcher.js';
import type { SqlDatabase } from '../db/sql.js';
import type { RequestSummary } from '../conversation/conversation.types.js';
import type { ConversationSnapshot, RecordInboundInput, StepCommitted } from './request-store.port.js';
import { findActiveRequests, loadSnapshots } from './sql.conversations.js';
import { recordAndListPending, recordMany, type Recorded } from './sql.inbound.js';
import { reserveRequestNumbers } from './sql.requests.js';
import { commitStep, commitSteps, type BatchedStep } from './sql.steps.js';

/** The batchers of one store. */
export interface StoreBatches {
  record: Batcher<RecordInboundInput, Recorded>;
  steps: Batcher<BatchedStep, StepCommitted>;
  numbers: Batcher<null, number>;
  snapshots: Batcher<string, ConversationSnapshot | null>;
  activeRequests: Batcher<string, RequestSummary | null>;
}

export function createStoreBatches(db: SqlDatabase, opts: { maxSize?: number; maxInFlight?: number } = {}): StoreBatches {
  return {
    record: new Batcher({
      ...opts,
      runBatch: (inputs) => recordMany(db, inputs),
      runOne: (input) => recordAndListPending(db, input),
    }),
    steps: new Batcher({
      ...opts,
      runBatch: (steps) => commitSteps(db, steps),
      runOne: (step) => commitStep(db, step),
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

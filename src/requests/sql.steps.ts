/** Committing conversation steps with the one statement that writes them (sql.step-statement.ts). */
import { sqlStatement, type SqlQueryable } from '../db/sql.js';
import { parseId } from './ids.js';
import { StoreError, type StepCommit, type StepCommitted } from './request-store.port.js';
import type { StoredMessage } from './request.types.js';
import type { PreparedRequest } from './sql.requests.js';
import { run } from './sql.run.js';
import { STEPS, toItem, type BatchedStep, type StepsRow } from './sql.step-statement.js';

export type { BatchedStep } from './sql.step-statement.js';

export const MESSAGE_EXISTS = sqlStatement('relaydesk_message_exists', 'SELECT 1 FROM message WHERE id = $1::bigint');

/** Commits steps of distinct customers; a refused step is answered with its StoreError, the others are written. */
export async function commitSteps(db: SqlQueryable, steps: BatchedStep[]): Promise<Array<StepCommitted | Error>> {
  const items = steps.map(toItem);
  const messageIds = [...new Set(items.flatMap((i) => [...(i.messageId === null ? [] : [i.messageId]), ...i.links.map((l) => l.messageId)]))];
  const requests = items.flatMap((i) => (i.request ? [i.request] : []));
  const { rows } = await run<StepsRow>(db, 'commitStep', STEPS, [
    JSON.stringify(items), messageIds, [...new Set(items.flatMap((i) => i.numbers))],
    requests.map((r) => r.sourceMessageId), requests.flatMap((r) => r.screenshotAttachmentId ?? []),
  ]);
  return Promise.all(
    steps.map(async (step, i) => {
      const row = rows[i];
      if (!row) return new StoreError('failed', `commitStep returned no row for step ${i}`);
      if (!row.sourceOk) return new StoreError('conflict', `message ${step.request?.input.sourceMessageId} has a request already`);
      if (!row.shotOk) return new StoreError('not_found', `screenshot ${step.request?.input.screenshotAttachmentId} is not the customer's`);
      if (!row.ok) return refusal(db, step, row);
      const requestIds = new Map(row.numbers.map((n, k) => [n, row.requestIds[k]!]));
      return { replies: storedReplies(step, row.ids, requestIds, row.sent), requestIds };
    }),
  );
}

/** One step: the same statement with one row. Throws its refusal. */
export async function commitStep(db: SqlQueryable, step: BatchedStep): Promise<StepCommitted> {
  const [result] = await commitSteps(db, [step]);
  if (!result) throw new StoreError('failed', 'commitStep returned no result');
  if (result instanceof Error) throw result;
  return result;
}

/** Writes a prepared request by itself: a step of its customer that writes nothing else. */
export async function writeRequest(db: SqlQueryable, request: PreparedRequest): Promise<void> {
  const { customerId, channel, at } = request.input;
  await commitStep(db, { customerId, channel, at, messageId: null, replies: [], links: [], snapshot: null, request });
}

/** The step's replies as stored under `ids`, filed under the requests the numbers name. */
function storedReplies(step: StepCommit, ids: string[], requestIds: ReadonlyMap<string, string>, sent: boolean): StoredMessage[] {
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
      deliveryState: sent ? 'sent' : 'pending',
      processedAt: null,
      createdAt: step.at,
      attachmentIds: [],
    };
  });
}

/** Why a step's row wrote nothing, as the StoreError to answer. */
async function refusal(db: SqlQueryable, step: StepCommit, row: StepsRow): Promise<StoreError> {
  if (!row.refsOk) return new StoreError('not_found', `a request the step names is not the customer's (${step.customerId})`);
  if (!row.linksOk) return new StoreError('not_found', `a message the step files is not the customer's (${step.customerId})`);
  if (step.messageId === null || row.pending) {
    return new StoreError('conflict', `conversation of ${step.customerId} changed meanwhile (expected to write version ${step.snapshot?.version})`);
  }
  const exists = await run(db, 'commitStep', MESSAGE_EXISTS, [parseId(step.messageId, 'message')]);
  if (exists.rowCount === 0) return new StoreError('not_found', `message ${step.messageId} does not exist`);
  // Applied already, by a step that committed first: this step must not commit a second copy.
  return new StoreError('conflict', `message ${step.messageId} was already applied`);
}

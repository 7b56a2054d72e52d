/**
 * Creating a support request inside a conversation step's transaction.
 *
 * The number is assigned by the database in the INSERT itself (`nextval` of the
 * `request_seq` sequence), so concurrent gateways never hand out the same number
 * and no number is reserved before the row exists. A rolled-back transaction
 * leaves a gap in the numbering, never a duplicate.
 */
import { Prisma, type Request as RequestRow } from '../generated/prisma/client.js';
import { toRequestRecord } from './prisma.mappers.js';
import { parseId, REQUEST_COLUMNS, uuidv7 } from './prisma.sql.js';
import { StoreError, type CreateRequestInput } from './request-store.port.js';
import type { RequestRecord } from './request.types.js';

/**
 * Inserts the request (or returns the one created from the same source message),
 * then, for a new request only:
 * - links the screenshot attachment to it;
 * - records the first status change (none → `new`, by the customer);
 * - links the intake transcript: the customer's messages, both directions, that
 *   belong to no request yet, from after the last message already linked to one of
 *   their requests up to the source message. Agents then read the bot's questions
 *   and the customer's answers on the request. Chatter that fell between an earlier
 *   request and this intake (a status query, an abandoned intake) comes along too:
 *   it had no other home and is the customer's context.
 */
export async function createRequest(
  tx: Prisma.TransactionClient,
  requestPrefix: string,
  input: CreateRequestInput,
): Promise<RequestRecord> {
  const sourceId = parseId(input.sourceMessageId, 'source message');
  const row = await insertRequest(tx, requestPrefix, input, sourceId);
  if (!row) return existingRequest(tx, sourceId);
  if (input.screenshotAttachmentId) await linkScreenshot(tx, row, input.screenshotAttachmentId);
  await tx.statusChange.create({
    data: { requestId: row.id, from: null, to: 'new', actorKind: 'customer', createdAt: input.at },
  });
  await linkIntakeMessages(tx, row, sourceId);
  return toRequestRecord(row);
}

/** One statement: the number comes from the sequence; a second request for one source message is not inserted. */
async function insertRequest(
  tx: Prisma.TransactionClient,
  prefix: string,
  input: CreateRequestInput,
  sourceId: bigint,
): Promise<RequestRow | null> {
  const rows = await tx.$queryRaw<RequestRow[]>(Prisma.sql`
    WITH n AS (SELECT nextval('request_seq_seq') AS v)
    INSERT INTO request (id, seq, number, type, subject, description, status, channel, customer_id,
                         source_message_id, created_at, updated_at, last_activity_at)
    SELECT ${uuidv7(input.at.getTime())}, n.v, ${prefix}::text || '-' || n.v, ${input.type}::"RequestType",
           ${input.subject}, ${input.description}, 'new', ${input.channel}, ${input.customerId},
           ${sourceId}, ${input.at}, ${input.at}, ${input.at}
    FROM n
    ON CONFLICT (source_message_id) DO NOTHING
    RETURNING ${REQUEST_COLUMNS}`);
  return rows[0] ?? null;
}

async function existingRequest(tx: Prisma.TransactionClient, sourceId: bigint): Promise<RequestRecord> {
  const row = await tx.request.findUnique({ where: { sourceMessageId: sourceId } });
  // Unreachable unless the row was deleted between the two statements.
  if (!row) throw new StoreError('conflict', `request for source message ${sourceId} vanished while being created`);
  return toRequestRecord(row);
}

async function linkScreenshot(tx: Prisma.TransactionClient, request: RequestRow, attachmentId: string): Promise<void> {
  const { count } = await tx.attachment.updateMany({
    where: { id: attachmentId, OR: [{ customerId: request.customerId }, { customerId: null }] },
    data: { requestId: request.id },
  });
  if (count === 0) {
    throw new StoreError('not_found', `screenshot ${attachmentId} does not exist or belongs to another customer`);
  }
}

async function linkIntakeMessages(tx: Prisma.TransactionClient, request: RequestRow, sourceId: bigint): Promise<void> {
  await tx.$executeRaw`
    UPDATE message SET request_id = ${request.id}
    WHERE customer_id = ${request.customerId}
      AND request_id IS NULL
      AND id <= ${sourceId}
      AND id > COALESCE(
        (SELECT max(id) FROM message WHERE customer_id = ${request.customerId} AND request_id IS NOT NULL), 0)`;
}

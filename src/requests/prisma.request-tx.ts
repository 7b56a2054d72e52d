/** The transactional half of the Prisma request store (RequestTx), bound to one interactive transaction. */
import type { Prisma } from '../generated/prisma/client.js';
import { createRequest } from './prisma.create-request.js';
import { guard } from './prisma.errors.js';
import { toRequestRecord, toRequestSummary, toStatusChangeRecord } from './prisma.mappers.js';
import { enqueueOutbound } from './prisma.outbox.js';
import { findRequestByNumber, lockRequestByNumber } from './prisma.request-lookup.js';
import { jsonParam, parseId } from './prisma.sql.js';
import { allowedTransitions, canTransition } from './request-status.js';
import { StoreError, type ChangeStatusInput, type RequestTx } from './request-store.port.js';
import type { RequestRecord, StatusChangeRecord } from './request.types.js';

const SUMMARY = { number: true, type: true, subject: true, status: true } as const;

/** Every method runs on `tx` only: on PGlite a query on the outer client would wait for this transaction. */
export function createPrismaRequestTx(tx: Prisma.TransactionClient, opts: { requestPrefix: string }): RequestTx {
  return {
    createRequest: (input) => guard('createRequest', () => createRequest(tx, opts.requestPrefix, input)),

    findCustomerRequest: (customerId, number) =>
      guard('findCustomerRequest', async () => {
        const row = await findRequestByNumber(tx, number, customerId);
        return row ? toRequestSummary(row) : null;
      }),

    listOpenRequests: (customerId) =>
      guard('listOpenRequests', async () => {
        const rows = await tx.request.findMany({
          where: { customerId, status: { not: 'closed' } },
          orderBy: [{ createdAt: 'desc' }, { seq: 'desc' }],
          select: SUMMARY,
        });
        return rows.map(toRequestSummary);
      }),

    changeStatus: (input) => guard('changeStatus', () => changeStatus(tx, input)),

    attachMessageToRequest: (messageId, number, at) =>
      guard('attachMessageToRequest', () => attachMessageToRequest(tx, messageId, number, at)),

    enqueueOutbound: (input) => guard('enqueueOutbound', () => enqueueOutbound(tx, input)),

    markProcessed: (messageId, at) =>
      guard('markProcessed', async () => {
        const id = parseId(messageId, 'message');
        const n = await tx.$executeRaw`UPDATE message SET processed_at = ${at} WHERE id = ${id} AND processed_at IS NULL`;
        if (n === 1) return;
        const exists = await tx.$queryRaw<unknown[]>`SELECT 1 FROM message WHERE id = ${id}`;
        if (exists.length === 0) throw new StoreError('not_found', `message ${messageId} does not exist`);
        // Applied already, by a step that committed first: this step must not commit a second copy.
        throw new StoreError('conflict', `message ${messageId} was already applied`);
      }),

    saveConversation: (customerId, state, version, at) =>
      guard('saveConversation', async () => {
        // Optimistic: only the successor of the stored version may be written.
        const n = await tx.$executeRaw`
          INSERT INTO conversation (customer_id, state, version, updated_at)
          VALUES (${customerId}, ${jsonParam(state)}::jsonb, ${version}, ${at})
          ON CONFLICT (customer_id) DO UPDATE
            SET state = EXCLUDED.state, version = EXCLUDED.version, updated_at = EXCLUDED.updated_at
            WHERE conversation.version = EXCLUDED.version - 1`;
        if (n === 0) {
          throw new StoreError('conflict', `conversation of ${customerId} changed meanwhile (expected to write version ${version})`);
        }
      }),

    setCustomerLocale: (customerId, locale) =>
      guard('setCustomerLocale', async () => {
        await tx.customer.update({ where: { id: customerId }, data: { locale } });
      }),
  };
}

async function changeStatus(
  tx: Prisma.TransactionClient,
  input: ChangeStatusInput,
): Promise<{ request: RequestRecord; change: StatusChangeRecord }> {
  const current = await lockRequestByNumber(tx, input.number);
  if (!current) throw new StoreError('not_found', `request ${input.number} does not exist`);
  if (!canTransition(current.status, input.to)) {
    const allowed = allowedTransitions(current.status).join(', ') || 'none';
    throw new StoreError(
      'invalid_transition',
      `cannot move ${current.number} from ${current.status} to ${input.to}; allowed: ${allowed}`,
    );
  }
  const reopening = current.status === 'closed';
  const closedAt = input.to === 'closed' ? input.at : reopening ? null : current.closedAt;
  const request = await tx.request.update({
    where: { id: current.id },
    data: { status: input.to, closedAt, lastActivityAt: input.at, updatedAt: input.at },
  });
  const change = await tx.statusChange.create({
    data: {
      requestId: current.id,
      from: current.status,
      to: input.to,
      comment: input.comment,
      actorKind: input.actor.kind,
      agentId: input.actor.agentId ?? null,
      createdAt: input.at,
    },
  });
  return { request: toRequestRecord(request), change: toStatusChangeRecord(change) };
}

/** Links a customer's message (and its files) to their request; never to another customer's. */
async function attachMessageToRequest(
  tx: Prisma.TransactionClient,
  messageId: string,
  number: string,
  at: Date,
): Promise<RequestRecord> {
  const id = parseId(messageId, 'message');
  const request = await findRequestByNumber(tx, number);
  if (!request) throw new StoreError('not_found', `request ${number} does not exist`);
  const { count } = await tx.message.updateMany({
    where: { id, customerId: request.customerId },
    data: { requestId: request.id },
  });
  if (count === 0) {
    throw new StoreError('not_found', `message ${messageId} of the customer of ${request.number} does not exist`);
  }
  await tx.attachment.updateMany({ where: { messageId: id }, data: { requestId: request.id } });
  const updated = await tx.request.update({
    where: { id: request.id },
    data: { lastActivityAt: at, updatedAt: at },
  });
  return toRequestRecord(updated);
}

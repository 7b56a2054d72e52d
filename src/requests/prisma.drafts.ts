/**
 * Intakes in progress, for the console's Drafts: conversations whose stored
 * snapshot is in an intake step, and what the customer and the bot said in it.
 * Reads for agents, through the Prisma client.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import { guard } from './prisma.errors.js';
import { toAttachmentRecord, toCustomer, toStoredMessage } from './prisma.mappers.js';
import type { IntakeRecord, MessageWithAttachments } from './request-store.port.js';

/** Conversations in an intake step that changed after `updatedAfter`, the latest first. */
export function listIntakes(prisma: PrismaClient, opts: { updatedAfter: Date; limit: number }): Promise<IntakeRecord[]> {
  return guard('listIntakes', async () => {
    const rows = await prisma.conversation.findMany({
      where: { updatedAt: { gt: opts.updatedAfter }, NOT: { state: { path: ['step', 'kind'], equals: 'idle' } } },
      orderBy: { updatedAt: 'desc' },
      take: opts.limit,
      include: { customer: true },
    });
    return rows.map((row) => ({ customer: toCustomer(row.customer), state: row.state, updatedAt: row.updatedAt }));
  });
}

/**
 * An intake's conversation: the customer's messages and the bot's replies filed
 * under no request yet, oldest first (at most `limit`, the latest ones). Creating
 * a request files all of them under it (see CREATE_REQUEST in sql.requests.ts),
 * so these are what its transcript will hold.
 */
export function listIntakeMessages(prisma: PrismaClient, customerId: string, opts: { limit: number }): Promise<MessageWithAttachments[]> {
  return guard('listIntakeMessages', async () => {
    const rows = await prisma.message.findMany({
      where: { customerId, requestId: null, deliveryState: { not: 'internal' } },
      orderBy: { id: 'desc' },
      take: opts.limit,
      include: { attachments: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
    });
    return rows.reverse().map((row) => ({ ...toStoredMessage(row, row.attachments.map((a) => a.id)), attachments: row.attachments.map(toAttachmentRecord) }));
  });
}

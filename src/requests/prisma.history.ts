import type { PrismaClient } from '../generated/prisma/client.js';
import { guard } from './prisma.errors.js';
import { toAttachmentRecord, toStoredMessage } from './prisma.mappers.js';
import type { CustomerMessagesPage, ListCustomerMessagesOptions } from './request-store.port.js';
import { StoreError } from './request-store.port.js';

const ID = /^\d{1,20}$/;

/**
 * Clocks of instances may differ by this much: a message delivered this long
 * before the seen one was written still counts as possibly missed (a client
 * that has it already recognises it by id).
 */
const CLOCK_SKEW_MS = 10_000;

/**
 * A page of the conversation as the customer sees it: both directions, no
 * internal notes, oldest first. `afterId` pages forward (what is new since,
 * and older messages delivered since: see ListCustomerMessagesOptions),
 * `beforeId` backward (earlier history); without either, the newest page.
 */
export function listCustomerMessages(
  prisma: PrismaClient,
  customerId: string,
  opts: ListCustomerMessagesOptions,
): Promise<CustomerMessagesPage> {
  return guard('listCustomerMessages', async () => {
    for (const id of [opts.afterId, opts.beforeId]) {
      if (id !== undefined && !ID.test(id)) throw new StoreError('not_found', `message id ${id} is not a message id`);
    }
    const forward = opts.afterId !== undefined;
    const seen = opts.afterId ? await prisma.message.findFirst({ where: { id: BigInt(opts.afterId), customerId }, select: { createdAt: true } }) : null;
    const deliveredSince = seen ? new Date(seen.createdAt.getTime() - CLOCK_SKEW_MS) : null;
    const rows = await prisma.message.findMany({
      where: {
        customerId,
        deliveryState: { not: 'internal' },
        ...(opts.afterId && deliveredSince
          ? { OR: [{ id: { gt: BigInt(opts.afterId) } }, { id: { lt: BigInt(opts.afterId) }, direction: 'outbound', outbox: { is: { updatedAt: { gte: deliveredSince } } } }] }
          : {}),
        ...(opts.afterId && !deliveredSince ? { id: { gt: BigInt(opts.afterId) } } : {}),
        ...(opts.beforeId ? { id: { lt: BigInt(opts.beforeId) } } : {}),
      },
      orderBy: { id: forward ? 'asc' : 'desc' },
      take: opts.limit + 1,
      include: { attachments: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
    });
    const hasMore = rows.length > opts.limit;
    const page = rows.slice(0, opts.limit);
    if (!forward) page.reverse();
    return {
      hasMore,
      messages: page.map((row) => ({
        ...toStoredMessage(row, row.attachments.map((a) => a.id)),
        attachments: row.attachments.map(toAttachmentRecord),
      })),
    };
  });
}

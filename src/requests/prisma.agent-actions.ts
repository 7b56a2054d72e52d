/**
 * What agents do to requests that never involves the customer's conversation:
 * internal notes, assignment, and finding solutions left unanswered.
 */
import type { PrismaClient } from '../generated/prisma/client.js';
import { guard } from './prisma.errors.js';
import { toRequestRecord, toStoredMessage } from './prisma.mappers.js';
import { findByNumber } from './request-number.js';
import { StoreError, type RequestStore } from './request-store.port.js';

type AgentActions = Pick<RequestStore, 'addNote' | 'assignRequest' | 'listStaleSolutions'>;

export function createAgentActions(prisma: PrismaClient): AgentActions {
  return {
    addNote: (input) =>
      guard('addNote', async () => {
        const request = await prisma.request.findUnique({ where: { id: input.requestId }, select: { customerId: true, channel: true } });
        if (!request?.customerId) throw new StoreError('not_found', `request ${input.requestId} does not exist or is a mass incident`);
        const row = await prisma.message.create({
          data: {
            customerId: request.customerId,
            requestId: input.requestId,
            channel: request.channel,
            direction: 'outbound',
            author: 'agent',
            agentId: input.agentId,
            text: input.text,
            deliveryState: 'internal',
            createdAt: input.at,
          },
        });
        return toStoredMessage(row, []);
      }),

    assignRequest: (number, agentId, at) =>
      guard('assignRequest', async () => {
        const found = await findByNumber(number, (seq) => prisma.request.findUnique({ where: { seq } }));
        if (!found) throw new StoreError('not_found', `request ${number} does not exist`);
        if (agentId && !(await prisma.agent.findFirst({ where: { id: agentId, active: true }, select: { id: true } }))) {
          throw new StoreError('not_found', `agent ${agentId} does not exist or is inactive`);
        }
        return toRequestRecord(await prisma.request.update({ where: { id: found.id }, data: { assigneeId: agentId, updatedAt: at } }));
      }),

    listStaleSolutions: (before, limit) =>
      guard('listStaleSolutions', async () => {
        // The latest status change is the one that proposed the solution.
        const rows = await prisma.request.findMany({
          where: {
            status: 'solution_provided',
            customerId: { not: null },
            lastActivityAt: { lt: before },
            statusChanges: { none: { createdAt: { gte: before } } },
          },
          orderBy: { lastActivityAt: 'asc' },
          take: limit,
          select: { number: true },
        });
        return rows.map((r) => r.number);
      }),
  };
}

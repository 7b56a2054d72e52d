/**
 * Pieces shared by the raw SQL of the Prisma request store. Raw queries select
 * columns under the client's camelCase names, so their rows have the shape of the
 * generated model types and go through the same mappers as Prisma's own results.
 */
import { randomBytes } from 'node:crypto';
import { Prisma } from '../generated/prisma/client.js';
import { StoreError } from './request-store.port.js';

export const MESSAGE_COLUMNS = Prisma.raw(
  `id, customer_id AS "customerId", request_id AS "requestId", channel, direction, author,
   agent_id AS "agentId", text, payload, channel_message_id AS "channelMessageId",
   delivery_state AS "deliveryState", processed_at AS "processedAt", created_at AS "createdAt"`,
);

export const REQUEST_COLUMNS = Prisma.raw(
  `id, seq, number, type, subject, description, status, channel, customer_id AS "customerId",
   assignee_id AS "assigneeId", source_message_id AS "sourceMessageId", created_at AS "createdAt",
   updated_at AS "updatedAt", last_activity_at AS "lastActivityAt", closed_at AS "closedAt"`,
);

/**
 * A version 7 UUID (RFC 9562: 48-bit Unix milliseconds, then random bits), the
 * kind Prisma's `@default(uuid(7))` makes, for rows inserted with raw SQL.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(nowMs, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

const MAX_BIGINT = 2n ** 63n - 1n;

/** Parses a bigint id given as a decimal string; anything else cannot name a row. */
export function parseId(id: string, what: string): bigint {
  const value = /^\d{1,19}$/.test(id) ? BigInt(id) : null;
  if (value === null || value > MAX_BIGINT) throw new StoreError('not_found', `${what} ${JSON.stringify(id)} does not exist`);
  return value;
}

/** JSON for a `jsonb` parameter (cast with `::jsonb` in the query); null stays SQL NULL. */
export function jsonParam(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** Ids of the request store's rows, as the application sees them. */
import { randomBytes } from 'node:crypto';
import { readId } from '../formats/message-id.js';
import { StoreError } from './request-store.port.js';

/**
 * A version 7 UUID (RFC 9562: 48-bit Unix milliseconds, then random bits), the
 * kind Prisma's `@default(uuid(7))` makes, for rows inserted with plain SQL.
 */
export function uuidv7(nowMs: number = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(nowMs, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export { readId };

/** Parses a bigint id (as a canonical decimal string for a `$n::bigint` parameter); anything else cannot name a row. */
export function parseId(id: string, what: string): string {
  const value = readId(id);
  if (value === null) throw new StoreError('not_found', `${what} ${JSON.stringify(id)} does not exist`);
  return value.toString();
}

/**
 * Finding a request by the number people type, used by every lookup
 * (findByNumber: the store, the gateway, the agent API's routes) and by the
 * agent API's search. The reader itself, parseRequestNumber, is the
 * conversation engine's, the one the customer's /status uses: one parser
 * everywhere. Numbers are `<prefix>-<counter>` and the counter alone is unique
 * (it comes from one database sequence), so a lookup goes through the unique
 * `seq` index and then checks the prefix, if one was typed,
 * case-insensitively. No pattern matching on user text: `%` or `_` can never
 * widen a lookup.
 */

import { parseRequestNumber, type ParsedRequestNumber } from '../conversation/index.js';

// One reader for the customer's /status and every lookup here (issue 11, item 10): it lives in the pure engine.
export { parseRequestNumber, type ParsedRequestNumber };

/** The number as stored, `<prefix>-<counter>`, in the case it was typed; null for a bare counter. */
export function spelledNumber(parsed: ParsedRequestNumber): string | null {
  return parsed.prefix === null ? null : `${parsed.prefix}-${parsed.counter}`;
}

/** Whether the stored number agrees with the prefix that was typed (a bare counter always does). */
export function matchesPrefix(row: { number: string }, parsed: ParsedRequestNumber): boolean {
  const spelled = spelledNumber(parsed);
  return spelled === null || row.number.toLowerCase() === spelled.toLowerCase();
}

/**
 * The one lookup of a request by the number people type: `bySeq` reads the
 * request with the counter (the unique `seq` index; whatever the caller needs
 * of it), and a typed prefix must be the stored one's. Null when `number`
 * cannot be a request number, or names no request.
 */
export async function findByNumber<Row extends { number: string }>(
  number: string,
  bySeq: (seq: number) => Promise<Row | null | undefined>,
): Promise<Row | null> {
  const parsed = parseRequestNumber(number);
  if (!parsed) return null;
  const row = await bySeq(parsed.counter);
  return row && matchesPrefix(row, parsed) ? row : null;
}

/**
 * Finding a request by the number people type: the one reader of request
 * numbers, used by every lookup (findByNumber: the store, the gateway, the
 * agent API's routes) and by the agent API's search. Numbers are
 * `<prefix>-<counter>` and the counter alone is unique (it comes from one
 * database sequence), so a lookup goes through the unique `seq` index and then
 * checks the prefix, if one was typed, case-insensitively. No pattern matching on user text: `%` or `_` can never
 * widen a lookup.
 */

export interface ParsedRequestNumber {
  /** The prefix as typed (any case), or null for a bare counter. */
  prefix: string | null;
  counter: number;
}

// The prefix is matched lazily so that `SR1042` reads as SR + 1042. Nine digits fit `seq` (INTEGER).
const NUMBER_PATTERN = /^#?\s*(?:([a-z][a-z0-9]*?)\s*[-\s]?\s*)?(\d{1,9})$/i;

/** Reads `SR-1042`, `sr-1042`, `SR 1042`, `SR1042`, `#1042` or `1042`; null when it cannot be a request number. */
export function parseRequestNumber(input: string): ParsedRequestNumber | null {
  const m = NUMBER_PATTERN.exec(input.trim());
  return m ? { prefix: m[1] ?? null, counter: Number(m[2]) } : null;
}

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

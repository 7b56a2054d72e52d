/**
 * The one reader of request numbers people type, wherever they type them: the
 * customer's /status here, and every lookup of the store and the agent API
 * (src/requests/request-number.ts re-exports it). It lives in the pure engine
 * because the engine may import nothing from outside its folder.
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

/**
 * The number as the customer is shown it: `SR-1042` (prefix upper-cased, as the
 * desk spells numbers) or the bare counter. It reads back through
 * parseRequestNumber to the same number.
 */
export function spellRequestNumber(parsed: ParsedRequestNumber): string {
  return parsed.prefix === null ? String(parsed.counter) : `${parsed.prefix.toUpperCase()}-${parsed.counter}`;
}

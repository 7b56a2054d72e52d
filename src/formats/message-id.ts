/**
 * Message and other row ids as the outside world writes them: the database's
 * bigint sequences, as decimal strings. One parser for every boundary (the web
 * chat protocol, the agent API, the store).
 */

const MAX_BIGINT = 2n ** 63n - 1n;

/** Reads a bigint id given as a decimal string, or null when it cannot name a row. */
export function readId(id: string): bigint | null {
  const value = /^\d{1,19}$/.test(id) ? BigInt(id) : null;
  return value === null || value > MAX_BIGINT ? null : value;
}

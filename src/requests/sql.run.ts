/** Running the store's plain SQL: driver errors leave as StoreError, like Prisma's do (prisma.errors.ts). */
import type { SqlQueryable, SqlResult, SqlStatement } from '../db/sql.js';
import { codeForSqlState } from './prisma.errors.js';
import { StoreError } from './request-store.port.js';

/** Runs one statement; any failure is the database's (or the connection's) and becomes a StoreError. */
export async function run<Row>(
  db: SqlQueryable,
  operation: string,
  statement: SqlStatement | string,
  params: readonly unknown[] = [],
): Promise<SqlResult<Row>> {
  try {
    return await db.query<Row>(statement, params);
  } catch (error) {
    throw driverError(error, operation);
  }
}

/** A StoreError for an error raised by `pg` or PGlite: by SQLSTATE, or `unavailable` (no connection, protocol). */
export function driverError(error: unknown, operation: string): StoreError {
  if (error instanceof StoreError) return error;
  const state = (error as { code?: unknown } | null)?.code;
  const code = typeof state === 'string' && /^[0-9A-Z]{5}$/.test(state) ? codeForSqlState(state) : 'unavailable';
  const detail = error instanceof Error ? error.message : String(error);
  return new StoreError(code, `${operation} failed: ${detail}`, { cause: error });
}

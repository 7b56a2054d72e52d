import { Prisma } from '../generated/prisma/client.js';
import { StoreError, type StoreErrorCode } from './request-store.port.js';

/** PostgreSQL SQLSTATE classes and codes, as raw queries (through Prisma or the plain driver) report them. */
export function codeForSqlState(state: string | undefined): StoreErrorCode {
  if (!state) return 'unavailable';
  if (state === '23505' || state === '40001' || state === '40P01' || state === '55P03') return 'conflict';
  if (state === '23503') return 'not_found';
  return 'unavailable';
}

// https://www.prisma.io/docs/orm/reference/error-reference#prisma-client-query-engine
function codeForPrismaCode(code: string, error: Prisma.PrismaClientKnownRequestError): StoreErrorCode {
  switch (code) {
    case 'P2002':
    case 'P2034':
      return 'conflict';
    case 'P2001':
    case 'P2003':
    case 'P2015':
    case 'P2018':
    case 'P2025':
      return 'not_found';
    case 'P2010':
      return codeForSqlState(sqlStateOf(error));
    default:
      return 'unavailable';
  }
}

/** The SQLSTATE a driver adapter attached to a failed raw query, if any. */
function sqlStateOf(error: Prisma.PrismaClientKnownRequestError): string | undefined {
  const adapterError = error.meta?.driverAdapterError as { cause?: { originalCode?: unknown } } | undefined;
  const original = adapterError?.cause?.originalCode;
  if (typeof original === 'string') return original;
  const code = error.meta?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isPrismaError(error: unknown): boolean {
  return (
    error instanceof Prisma.PrismaClientKnownRequestError ||
    error instanceof Prisma.PrismaClientUnknownRequestError ||
    error instanceof Prisma.PrismaClientInitializationError ||
    error instanceof Prisma.PrismaClientRustPanicError ||
    error instanceof Prisma.PrismaClientValidationError ||
    (error instanceof Error && error.name === 'DriverAdapterError')
  );
}

/**
 * Translates a Prisma / driver error into the store's one error class. Other
 * errors (the caller's own, or a StoreError already) are returned unchanged.
 */
export function toStoreError(error: unknown, operation: string): unknown {
  if (error instanceof StoreError || !isPrismaError(error)) return error;
  const detail = firstLine(error as Error);
  const code = error instanceof Prisma.PrismaClientKnownRequestError ? codeForPrismaCode(error.code, error) : 'unavailable';
  return new StoreError(code, `${operation} failed: ${detail}`, { cause: error });
}

/** Runs `fn`, translating database errors into StoreError (see toStoreError). */
export async function guard<T>(operation: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toStoreError(error, operation);
  }
}

// Prisma's messages start with the invocation and a code frame; the last line says what happened.
function firstLine(error: Error): string {
  const lines = error.message.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines.at(-1) ?? error.name;
}

import { Prisma } from '../generated/prisma/client.js';
import { StoreError, type StoreErrorCode } from './request-store.port.js';

/**
 * PostgreSQL SQLSTATE classes and codes, as raw queries (through Prisma or the plain
 * driver) report them (https://www.postgresql.org/docs/current/errcodes-appendix.html).
 * No SQLSTATE at all means the statement never reached the server: the connection.
 */
export function codeForSqlState(state: string | undefined): StoreErrorCode {
  if (!state) return 'unavailable';
  if (state === '23505' || state === '40001' || state === '40P01' || state === '55P03') return 'conflict';
  if (state === '23503') return 'not_found';
  const cls = state.slice(0, 2);
  // Connection exception, insufficient resources, operator intervention (shutdown, cancel), system error.
  if (['08', '53', '57', '58', 'XX'].includes(cls)) return 'unavailable';
  // Data exception (a NUL byte, a number out of range), integrity, program limit: this data never fits.
  if (['22', '23', '54'].includes(cls)) return 'invalid_input';
  return 'failed';
}

// https://www.prisma.io/docs/orm/reference/error-reference#prisma-client-query-engine
function codeForPrismaCode(code: string, error: Prisma.PrismaClientKnownRequestError): StoreErrorCode {
  const kind = adapterErrorKind(error);
  if (kind && UNREACHABLE_KINDS.has(kind)) return 'unavailable';
  if (kind && INVALID_INPUT_KINDS.has(kind)) return 'invalid_input';
  // P1xxx: the database server cannot be reached, or refuses the connection.
  if (code.startsWith('P1')) return 'unavailable';
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
    case 'P2000':
    case 'P2005':
    case 'P2006':
    case 'P2007':
    case 'P2011':
    case 'P2012':
    case 'P2020':
      return 'invalid_input';
    case 'P2010':
      return codeForSqlState(sqlStateOf(error));
    case 'P2024':
      return 'unavailable';
    default:
      return 'failed';
  }
}

/** What a driver adapter says went wrong (@prisma/driver-adapter-utils' error kinds). */
const UNREACHABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'TlsConnectionError']);
const INVALID_INPUT_KINDS = new Set(['InvalidInputValue', 'ValueOutOfRange', 'LengthMismatch', 'InconsistentColumnData']);

function adapterErrorKind(error: Prisma.PrismaClientKnownRequestError): string | undefined {
  const kind = (error.meta?.driverAdapterError as { cause?: { kind?: unknown } } | undefined)?.cause?.kind;
  return typeof kind === 'string' ? kind : undefined;
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
  return new StoreError(codeForPrismaError(error), `${operation} failed: ${detail}`, { cause: error });
}

function codeForPrismaError(error: unknown): StoreErrorCode {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return codeForPrismaCode(error.code, error);
  if (error instanceof Prisma.PrismaClientValidationError) return 'invalid_input';
  if (error instanceof Prisma.PrismaClientInitializationError) return 'unavailable';
  // A driver adapter's error carries the database's SQLSTATE when the statement reached it.
  const original = (error as { cause?: { originalCode?: unknown } }).cause?.originalCode;
  return typeof original === 'string' ? codeForSqlState(original) : 'unavailable';
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

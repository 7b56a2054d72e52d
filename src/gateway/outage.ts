/**
 * Which failures are outages: the database or Redis cannot be reached, so
 * anything that needs them fails until they return. An outage is never the
 * fault of the message or step that met it, so it never counts towards giving
 * up on one; what an outage stopped is retried until it succeeds.
 */
import { StoreError } from '../requests/request-store.port.js';
import { GatewayError } from './gateway.errors.js';
import { LockTimeoutError, StateStoreError } from './state-store.port.js';

export function isOutage(error: unknown): boolean {
  if (error instanceof StoreError) return error.code === 'unavailable';
  if (error instanceof GatewayError) return error.code === 'unavailable' || error.code === 'shutting_down';
  return error instanceof StateStoreError || error instanceof LockTimeoutError || isRedisConnectionError(error) || isPgConnectionError(error);
}

/** `pg`'s own failures when PostgreSQL goes away under a query (they carry no SQLSTATE). */
function isPgConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /^Connection terminated|^timeout exceeded when trying to connect|^Client has encountered a connection error/.test(error.message);
}

/**
 * ioredis's own failures when Redis cannot be reached: a command given up after
 * `maxRetriesPerRequest` reconnections, a closed connection, a refused socket.
 * (https://github.com/redis/ioredis#auto-reconnect)
 */
function isRedisConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'MaxRetriesPerRequestError') return true;
  if (/^Connection is closed\.?$|^Stream isn't writeable/.test(error.message)) return true;
  const code = (error as NodeJS.ErrnoException).code;
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'EPIPE';
}

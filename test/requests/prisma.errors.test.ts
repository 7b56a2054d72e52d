import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { Prisma, PrismaClient } from '../../src/generated/prisma/client.js';
import { pgSqlDatabase } from '../../src/db/sql.js';
import { toStoreError } from '../../src/requests/prisma.errors.js';
import { createPostgresRequestStore } from '../../src/requests/postgres.request-store.js';
import { StoreError } from '../../src/requests/request-store.port.js';
import { driverError } from '../../src/requests/sql.run.js';

const known = (code: string, meta?: Record<string, unknown>): Prisma.PrismaClientKnownRequestError =>
  new Prisma.PrismaClientKnownRequestError(`\nInvalid call\n\nsomething about ${code}`, { code, clientVersion: '7', meta });

const rawFailure = (sqlState: string): Prisma.PrismaClientKnownRequestError =>
  known('P2010', { driverAdapterError: Object.assign(new Error('x'), { cause: { originalCode: sqlState } }) });

describe('toStoreError', () => {
  it.each([
    ['P2002 unique', known('P2002'), 'conflict'],
    ['P2034 write conflict', known('P2034'), 'conflict'],
    ['P2025 missing row', known('P2025'), 'not_found'],
    ['P2003 foreign key', known('P2003'), 'not_found'],
    ['P2024 pool timeout', known('P2024'), 'unavailable'],
    ['raw 23505', rawFailure('23505'), 'conflict'],
    ['raw 23503', rawFailure('23503'), 'not_found'],
    ['raw 40P01 deadlock', rawFailure('40P01'), 'conflict'],
    ['raw 57P01 admin shutdown', rawFailure('57P01'), 'unavailable'],
    ['raw 22P05 NUL in text', rawFailure('22P05'), 'invalid_input'],
    ['raw 42P01 no such table', rawFailure('42P01'), 'failed'],
    ['P1001 server unreachable', known('P1001'), 'unavailable'],
    ['P2000 value too long', known('P2000'), 'invalid_input'],
    ['P2020 out of range', known('P2020'), 'invalid_input'],
    ['P2028 transaction API error', known('P2028'), 'failed'],
    ['adapter: connection closed', known('P2010', { driverAdapterError: { cause: { kind: 'ConnectionClosed' } } }), 'unavailable'],
    ['adapter: value out of range', known('P2010', { driverAdapterError: { cause: { kind: 'ValueOutOfRange' } } }), 'invalid_input'],
    ['initialisation', new Prisma.PrismaClientInitializationError('cannot connect', '7'), 'unavailable'],
  ] as const)('maps %s to %s', (_label, error, code) => {
    const mapped = toStoreError(error, 'op');
    expect(mapped).toBeInstanceOf(StoreError);
    expect(mapped).toMatchObject({ code, cause: error });
    expect((mapped as Error).message).toMatch(/^op failed: /);
  });

  it('leaves StoreErrors and errors that are not the database alone', () => {
    const own = new StoreError('invalid_transition', 'no');
    const caller = new TypeError('bug in the caller');
    expect(toStoreError(own, 'op')).toBe(own);
    expect(toStoreError(caller, 'op')).toBe(caller);
  });

  it('reports an unreachable database as unavailable, through Prisma and through plain SQL', async () => {
    const pool = new pg.Pool({ connectionString: 'postgresql://postgres@127.0.0.1:9/none', connectionTimeoutMillis: 2000 });
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    const store = createPostgresRequestStore({ prisma, sql: pgSqlDatabase(pool) }, { requestPrefix: 'SR' });
    try {
      const attempts = [() => store.ping(), () => store.getCustomer('x'), () => store.transaction((tx) => tx.listOpenRequests('x'))];
      for (const attempt of attempts) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(StoreError);
        expect(error).toMatchObject({ code: 'unavailable' });
      }
    } finally {
      await prisma.$disconnect();
      await pool.end();
    }
  });
});

describe('driverError', () => {
  it.each([
    ['23505', 'conflict'],
    ['40001', 'conflict'],
    ['23503', 'not_found'],
    ['57P01', 'unavailable'],
    ['08006', 'unavailable'],
    ['53300', 'unavailable'],
    ['22P05', 'invalid_input'],
    ['22003', 'invalid_input'],
    ['23502', 'invalid_input'],
    ['42601', 'failed'],
  ] as const)('maps SQLSTATE %s to %s', (code, expected) => {
    const error = Object.assign(new Error('db says no'), { code });
    expect(driverError(error, 'op')).toMatchObject({ code: expected, cause: error, message: 'op failed: db says no' });
  });

  it('reports errors without a SQLSTATE (connection, protocol) as unavailable and keeps StoreErrors', () => {
    expect(driverError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'op')).toMatchObject({ code: 'unavailable' });
    const own = new StoreError('not_found', 'no');
    expect(driverError(own, 'op')).toBe(own);
  });
});

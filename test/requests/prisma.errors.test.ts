import { PrismaPg } from '@prisma/adapter-pg';
import { describe, expect, it } from 'vitest';
import { Prisma, PrismaClient } from '../../src/generated/prisma/client.js';
import { toStoreError } from '../../src/requests/prisma.errors.js';
import { createPrismaRequestStore } from '../../src/requests/prisma.request-store.js';
import { StoreError } from '../../src/requests/request-store.port.js';

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

  it('reports an unreachable database as unavailable', async () => {
    const prisma = new PrismaClient({
      adapter: new PrismaPg({ connectionString: 'postgresql://postgres@127.0.0.1:9/none', connectionTimeoutMillis: 2000 }),
    });
    const store = createPrismaRequestStore(prisma, { requestPrefix: 'SR' });
    try {
      const error = await store.ping().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StoreError);
      expect(error).toMatchObject({ code: 'unavailable' });
    } finally {
      await prisma.$disconnect();
    }
  });
});

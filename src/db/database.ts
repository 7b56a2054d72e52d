/**
 * Opens the database RelayDesk runs on: PostgreSQL when a URL is configured,
 * otherwise an embedded PGlite (on disk, or in memory for tests), both through
 * Prisma driver adapters. Migrations are applied before the client is returned.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client.js';
import { lockDataDir } from './pglite-lock.js';
import { applyMigrations, type MigrationLogger, type SimpleQueryExecutor } from './migrate.js';
import { pgliteSqlDatabase, pgSqlDatabase, type SqlDatabase } from './sql.js';

export type DatabaseLogger = MigrationLogger;

export interface OpenDatabaseOptions {
  /** PostgreSQL URL; empty or null selects the embedded PGlite. */
  databaseUrl?: string | null;
  /** Data folder: PGlite lives in `<dataDir>/pglite`; `memory://` keeps it in memory. */
  dataDir: string;
  logger?: DatabaseLogger;
  /** Connections in the PostgreSQL pool (default 10). */
  poolSize?: number;
  /** Override of the migrations folder (default: `prisma/migrations` of the package). */
  migrationsDir?: string;
}

export interface Database {
  prisma: PrismaClient;
  /** Plain SQL on the same connections, for hot paths (see sql.ts). */
  sql: SqlDatabase;
  kind: 'postgres' | 'pglite';
  /** Disconnects Prisma and closes the pool or the PGlite instance (which must be closed, or Node exits 99). */
  close(): Promise<void>;
}

export const MEMORY_DATA_DIR = 'memory://';
const DEFAULT_POOL_SIZE = 10;

/**
 * PostgreSQL settings of the embedded database, passed as `-c` start
 * parameters after PGlite's own. PostgreSQL writes all of its shared memory
 * when it starts, and PGlite keeps it in a WebAssembly heap that never shrinks:
 * initdb's `shared_buffers = 128MB` alone was 137 MiB of resident memory before
 * the first query (and half of the time PGlite took to open). 16MB (2,048 pages) holds a
 * desk's hot rows; the data files themselves stay in the operating system's
 * page cache. See the README's footprint figures (`npm run bench:footprint`).
 *
 * `plan_cache_mode = force_generic_plan`: the hot statements are prepared once
 * (pglite-statements.ts), and this plans them once too, instead of a custom plan
 * for each call that PostgreSQL's cost comparison keeps choosing for some. The
 * web chat bench at 200 visitors spent 2,479-2,778 us of CPU per message with
 * it against 2,977-3,221 without (issue 12). On PostgreSQL the same setting did
 * not measurably help and is not used.
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = { shared_buffers: '16MB', plan_cache_mode: 'force_generic_plan' };

/** Opens and migrates the database. On failure everything opened so far is closed again. */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts) : openPGlite(opts);
}

async function openPostgres(url: string, opts: OpenDatabaseOptions): Promise<Database> {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.poolSize ?? DEFAULT_POOL_SIZE,
    connectionTimeoutMillis: 10_000,
  });
  // An idle client losing its connection emits 'error' on the pool; unhandled, it would crash the process.
  pool.on('error', (err) => opts.logger?.warn({ err }, 'idle PostgreSQL connection failed'));
  // A client checked out of the pool (a transaction between two statements, Prisma's own use) has no
  // listener of the pool's: its connection dying would be an uncaught 'error'. Its next query fails
  // instead (an outage the caller handles), and the pool drops it when it is released.
  pool.on('connect', (client) => {
    client.on('error', (err) => opts.logger?.warn({ err }, 'PostgreSQL connection lost while in use'));
  });
  try {
    const client = await pool.connect();
    try {
      await applyMigrations(pgExecutor(client), { migrationsDir: opts.migrationsDir, logger: opts.logger });
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end();
    throw err;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    prisma,
    sql: pgSqlDatabase(pool),
    kind: 'postgres',
    close: async () => {
      await prisma.$disconnect();
      await pool.end(); // PrismaPg leaves a pool it was given open
    },
  };
}

async function openPGlite(opts: OpenDatabaseOptions): Promise<Database> {
  let dataDir = MEMORY_DATA_DIR;
  let unlock = async () => {};
  if (opts.dataDir !== MEMORY_DATA_DIR) {
    dataDir = path.join(opts.dataDir, 'pglite');
    await mkdir(dataDir, { recursive: true });
    unlock = await lockDataDir(opts.dataDir);
  }
  const settings = Object.entries(PGLITE_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
  const db = new PGlite(dataDir, { startParams: [...PGlite.defaultStartParams, ...settings] });
  try {
    await db.waitReady;
    await applyMigrations(pgliteExecutor(db), { migrationsDir: opts.migrationsDir, logger: opts.logger });
  } catch (err) {
    await db.close().catch(() => undefined);
    await unlock();
    throw err;
  }
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(db) });
  return {
    prisma,
    sql: pgliteSqlDatabase(db),
    kind: 'pglite',
    close: async () => {
      await prisma.$disconnect();
      if (!db.closed) await db.close(); // $disconnect() does not close PGlite
      await unlock();
    },
  };
}

/** Executor over one pg connection (a Client or a client checked out of a Pool). */
export function pgExecutor(client: pg.ClientBase): SimpleQueryExecutor {
  return {
    exec: async (sql) => {
      await client.query(sql); // no parameters: the simple query protocol, several statements allowed
    },
    query: async <Row>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as Row[],
  };
}

/** Executor over a PGlite instance (a single connection by nature). */
export function pgliteExecutor(db: PGlite): SimpleQueryExecutor {
  return {
    exec: async (sql) => {
      await db.exec(sql);
    },
    query: async <Row>(sql: string, params: unknown[] = []) => (await db.query<Row>(sql, params)).rows,
  };
}

/**
 * RelayDesk's own migration applier: applies `prisma/migrations/<name>/migration.sql`
 * at start-up without Prisma's native schema engine (which this project cannot rely on,
 * see docs/database.md), on PostgreSQL and on PGlite alike.
 *
 * It keeps Prisma's bookkeeping: rows in `_prisma_migrations` with Prisma's own table
 * layout and checksum (sha256 hex of migration.sql), and takes the same advisory lock
 * as `prisma migrate deploy`, so the real CLI sees the history as up to date and the
 * two never run at once.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The little a migration needs from a database driver, bound to ONE connection
 * (the advisory lock belongs to the session that took it).
 */
export interface SimpleQueryExecutor {
  /** Runs SQL text as one simple query: it may hold several statements, which PostgreSQL runs atomically. */
  exec(sql: string): Promise<void>;
  /** Runs one parameterised statement and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

/** Structured logger, shaped like pino's `(object, message)` calls. */
export interface MigrationLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface MigrateOptions {
  /** Folder holding `<name>/migration.sql`; default `prisma/migrations` of the package root. */
  migrationsDir?: string;
  logger?: MigrationLogger;
}

export interface MigrateResult {
  applied: string[];
  /** Migrations that were already applied. */
  skipped: string[];
}

/** Thrown when migrations cannot be applied; the message says what to do. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/** The key `prisma migrate deploy` locks, so this applier and Prisma's CLI exclude each other. */
export const MIGRATION_LOCK_KEY = 72707369;

// Prisma's layout (schema-engine, postgres flavour), created the way Prisma creates it.
const CREATE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
}

/** The folder holding package.json, searched upwards from `fromUrl` (works from src/ and dist/). */
export function findPackageRoot(fromUrl: string = import.meta.url): string {
  let dir = path.dirname(fileURLToPath(fromUrl));
  for (;;) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new MigrationError(`no package.json above ${fileURLToPath(fromUrl)}`);
    dir = parent;
  }
}

export function defaultMigrationsDir(): string {
  return path.join(findPackageRoot(), 'prisma', 'migrations');
}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/** Migration folders in name order, as Prisma orders them. */
export async function readMigrations(dir: string): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((cause: unknown) => {
    throw new MigrationError(`cannot read the migrations folder ${dir}`, { cause });
  });
  const names = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    }),
  );
}

/**
 * Applies the migrations not yet applied, each as one simple query together with its
 * `_prisma_migrations` row, so a migration and its record commit together or not at all
 * (PostgreSQL runs a multi-statement simple query as one implicit transaction; a
 * migration.sql with its own BEGIN/COMMIT gives that up, and statements that cannot run
 * in a transaction, such as CREATE INDEX CONCURRENTLY, fail here as they do in Prisma).
 * Refuses to run when a migration failed before or an applied one was edited.
 */
export async function applyMigrations(db: SimpleQueryExecutor, opts: MigrateOptions = {}): Promise<MigrateResult> {
  const dir = opts.migrationsDir ?? defaultMigrationsDir();
  const files = await readMigrations(dir);
  await db.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await db.exec(CREATE_TABLE);
    const applied = await readApplied(db);
    checkHistory(files, applied, opts.logger);
    const result: MigrateResult = { applied: [], skipped: [] };
    for (const file of files) {
      if (applied.has(file.name)) {
        result.skipped.push(file.name);
        continue;
      }
      await applyOne(db, file, opts.logger);
      result.applied.push(file.name);
    }
    return result;
  } finally {
    await db.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
  }
}

async function readApplied(db: SimpleQueryExecutor): Promise<Map<string, AppliedRow>> {
  // Rows marked rolled back (`prisma migrate resolve --rolled-back`) no longer count, as in Prisma.
  const rows = await db.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations"
     WHERE rolled_back_at IS NULL ORDER BY started_at`,
  );
  return new Map(rows.map((r) => [r.migration_name, r]));
}

function checkHistory(files: MigrationFile[], applied: Map<string, AppliedRow>, logger?: MigrationLogger): void {
  const failed = [...applied.values()].filter((r) => r.finished_at === null).map((r) => r.migration_name);
  if (failed.length > 0) {
    throw new MigrationError(
      `migration ${failed.join(', ')} failed earlier and was rolled back (its error is in "logs" of ` +
        '_prisma_migrations); fix the cause, mark it with `prisma migrate resolve --rolled-back <name>` ' +
        '(or set rolled_back_at = now() on its row), then start again',
    );
  }
  const byName = new Map(files.map((f) => [f.name, f]));
  for (const row of applied.values()) {
    const file = byName.get(row.migration_name);
    if (!file) {
      logger?.warn({ migration: row.migration_name }, 'applied migration is missing from the migrations folder');
      continue;
    }
    if (file.checksum !== row.checksum) {
      throw new MigrationError(
        `migration ${file.name} was edited after it was applied (checksum ${row.checksum} in the database, ` +
          `${file.checksum} on disk); restore the applied migration.sql and put the change in a new migration`,
      );
    }
  }
}

async function applyOne(db: SimpleQueryExecutor, file: MigrationFile, logger?: MigrationLogger): Promise<void> {
  if (!/^[\w.-]+$/.test(file.name)) throw new MigrationError(`unexpected migration folder name ${file.name}`);
  const id = randomUUID();
  const startedAt = new Date().toISOString();
  // Literals are safe: a uuid, a checked folder name, a hex checksum and an ISO date.
  // The newline ends a trailing `--` comment in the migration before our statement.
  const record = `INSERT INTO "_prisma_migrations"
    (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
    VALUES ('${id}', '${file.checksum}', now(), '${file.name}', NULL, NULL, '${startedAt}', 1)`;
  try {
    await db.exec(`${file.sql}\n;\n${record}`);
    logger?.info({ migration: file.name }, 'migration applied');
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    logger?.error({ migration: file.name, err: cause }, 'migration failed');
    await recordFailure(db, { id, file, message, startedAt }, logger);
    throw new MigrationError(`migration ${file.name} failed and was rolled back: ${message}`, { cause });
  }
}

async function recordFailure(
  db: SimpleQueryExecutor,
  f: { id: string; file: MigrationFile; message: string; startedAt: string },
  logger?: MigrationLogger,
): Promise<void> {
  try {
    await db.query(
      `INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, started_at, applied_steps_count)
       VALUES ($1, $2, NULL, $3, $4, $5, 0)`,
      [f.id, f.file.checksum, f.file.name, f.message, f.startedAt],
    );
  } catch (err) {
    // The connection may be gone: the migration's own error is the one to report.
    logger?.error({ migration: f.file.name, err }, 'could not record the failed migration');
  }
}

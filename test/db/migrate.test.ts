import { cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pgExecutor, pgliteExecutor } from '../../src/db/database.js';
import {
  applyMigrations,
  checksumOf,
  defaultMigrationsDir,
  findPackageRoot,
  MigrationError,
  type SimpleQueryExecutor,
} from '../../src/db/migrate.js';
import { createScratchDatabase, havePostgres } from '../support/services.js';
import { NO_FILTER, openSchemaEngine, readMigrationList } from '../support/schema-engine.js';

const MIGRATIONS = defaultMigrationsDir();
const INIT = '20261125194949_init';
/** Every migration of the project, in order. */
const ALL = (await readdir(MIGRATIONS, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();

interface Target {
  db: SimpleQueryExecutor;
  /** Another session on the same database, when the target has sessions (PostgreSQL). */
  second?: SimpleQueryExecutor;
  close(): Promise<void>;
}

/** A copy of prisma/migrations that a test may change. */
async function copyMigrations(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'relaydesk-migrations-'));
  await cp(MIGRATIONS, dir, { recursive: true });
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

async function addMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name));
  await writeFile(path.join(dir, name, 'migration.sql'), sql);
}

const rows = (db: SimpleQueryExecutor) =>
  db.query<{ migration_name: string; checksum: string; finished_at: Date | null; logs: string | null; applied_steps_count: number; rolled_back_at: Date | null }>(
    'SELECT * FROM "_prisma_migrations" ORDER BY started_at, migration_name',
  );

async function openPGliteTarget(): Promise<Target> {
  const db = new PGlite();
  return { db: pgliteExecutor(db), close: () => db.close() };
}

async function openPostgresTarget(): Promise<Target> {
  const scratch = await createScratchDatabase();
  const a = new pg.Client({ connectionString: scratch.url });
  const b = new pg.Client({ connectionString: scratch.url });
  await Promise.all([a.connect(), b.connect()]);
  return {
    db: pgExecutor(a),
    second: pgExecutor(b),
    close: async () => {
      await Promise.all([a.end(), b.end()]);
      await scratch.drop();
    },
  };
}

const targets: [string, () => Promise<Target>][] = [['PGlite', openPGliteTarget]];
if (havePostgres()) targets.push(['PostgreSQL', openPostgresTarget]);
else describe.skip('applyMigrations on PostgreSQL (needs DATABASE_URL)', () => it('skipped', () => {}));

describe.each(targets)('applyMigrations on %s', (_name, open) => {
  let t: Target;
  beforeAll(async () => {
    t = await open();
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    await t.db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  });

  it('applies the migrations to an empty database and records them as Prisma does', async () => {
    const result = await applyMigrations(t.db);
    expect(result).toEqual({ applied: ALL, skipped: [] });
    const recorded = await rows(t.db);
    expect(recorded.map((r) => r.migration_name)).toEqual(ALL);
    const row = recorded[0];
    const sql = await readFile(path.join(MIGRATIONS, INIT, 'migration.sql'), 'utf8');
    expect(row).toMatchObject({ migration_name: INIT, checksum: checksumOf(sql), logs: null, rolled_back_at: null, applied_steps_count: 1 });
    expect(row?.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.finished_at).toBeInstanceOf(Date);
    const [seq] = await t.db.query<{ v: string }>("SELECT nextval('request_seq_seq')::text AS v");
    expect(seq?.v).toBe('1001');
  });

  it('applies nothing the second time', async () => {
    await applyMigrations(t.db);
    expect(await applyMigrations(t.db)).toEqual({ applied: [], skipped: ALL });
    expect(await rows(t.db)).toHaveLength(ALL.length);
  });

  it('applies a new migration on top', async () => {
    const copy = await copyMigrations();
    try {
      await applyMigrations(t.db, { migrationsDir: copy.dir });
      await addMigration(copy.dir, '20991231000000_nickname', 'ALTER TABLE "customer" ADD COLUMN "nickname" TEXT;\n-- trailing comment');
      expect(await applyMigrations(t.db, { migrationsDir: copy.dir })).toEqual({ applied: ['20991231000000_nickname'], skipped: ALL });
      await t.db.query('SELECT nickname FROM customer');
    } finally {
      await copy.remove();
    }
  });

  it('refuses to go on when an applied migration was edited', async () => {
    const copy = await copyMigrations();
    try {
      await applyMigrations(t.db, { migrationsDir: copy.dir });
      await writeFile(path.join(copy.dir, INIT, 'migration.sql'), (await readFile(path.join(MIGRATIONS, INIT, 'migration.sql'), 'utf8')) + '\n-- edited\n');
      const error = await applyMigrations(t.db, { migrationsDir: copy.dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toMatch(new RegExp(`migration ${INIT} was edited after it was applied`));
    } finally {
      await copy.remove();
    }
  });

  it('rolls a failing migration back, records the failure, and refuses to go on until it is resolved', async () => {
    const copy = await copyMigrations();
    const bad = '20991231000000_bad';
    try {
      await addMigration(copy.dir, bad, 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;');
      const error = await applyMigrations(t.db, { migrationsDir: copy.dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toMatch(/migration 20991231000000_bad failed and was rolled back: .*no_such_table/);
      const failed = (await rows(t.db)).find((r) => r.migration_name === bad);
      expect(failed).toMatchObject({ finished_at: null, applied_steps_count: 0 });
      expect(failed?.logs).toMatch(/no_such_table/);
      expect(await t.db.query("SELECT 1 FROM pg_tables WHERE tablename = 'half_done'")).toEqual([]);

      const again = await applyMigrations(t.db, { migrationsDir: copy.dir }).catch((e: unknown) => e);
      expect((again as Error).message).toMatch(/migration 20991231000000_bad failed earlier/);

      // What `prisma migrate resolve --rolled-back` does; then the fixed migration applies.
      await t.db.query('UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE migration_name = $1', [bad]);
      await writeFile(path.join(copy.dir, bad, 'migration.sql'), 'CREATE TABLE half_done (id int);');
      expect(await applyMigrations(t.db, { migrationsDir: copy.dir })).toEqual({ applied: [bad], skipped: ALL });
    } finally {
      await copy.remove();
    }
  });

  it('lets one of two concurrent appliers do the work (advisory lock)', async ({ skip }) => {
    if (!t.second) skip('PGlite has a single session');
    const results = await Promise.all([applyMigrations(t.db), applyMigrations(t.second!)]);
    expect(results.map((r) => r.applied).sort()).toEqual([[], ALL]);
    expect(await rows(t.db)).toHaveLength(ALL.length);
  });
});

describe('the migration history seen by Prisma', () => {
  it("is up to date for Prisma's own engine after our applier ran", async () => {
    const db = new PGlite();
    const opened = await openSchemaEngine({ main: db });
    try {
      await applyMigrations(pgliteExecutor(db));
      const status = await opened.engine.diagnoseMigrationHistory({
        migrationsList: readMigrationList(MIGRATIONS),
        optInToShadowDatabase: false,
        filters: NO_FILTER,
      });
      expect(status).toMatchObject({ hasMigrationsTable: true, history: null, failedMigrationNames: [], editedMigrationNames: [] });
    } finally {
      await opened.close();
      await db.close();
    }
  });
});

describe('locating the migrations', () => {
  it('finds prisma/migrations from src/ and from a compiled dist/', () => {
    const root = findPackageRoot();
    expect(MIGRATIONS).toBe(path.join(root, 'prisma', 'migrations'));
    expect(findPackageRoot(pathToFileURL(path.join(root, 'dist', 'db', 'migrate.js')).href)).toBe(root);
  });
});

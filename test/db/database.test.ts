import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEMORY_DATA_DIR, openDatabase } from '../../src/db/database.js';
import { defaultMigrationsDir, MigrationError } from '../../src/db/migrate.js';
import { createScratchDatabase, havePostgres } from '../support/services.js';
import { startTcpProxy, targetOf } from '../support/tcp-proxy.js';

async function tempDir(): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'relaydesk-db-'));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

describe('openDatabase with PGlite', () => {
  it('keeps data on disk in <dataDir>/pglite across restarts', async () => {
    const tmp = await tempDir();
    try {
      const dataDir = path.join(tmp.dir, 'data');
      const first = await openDatabase({ dataDir });
      expect(first.kind).toBe('pglite');
      expect(existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
      const customer = await first.prisma.customer.create({ data: { channel: 'webchat', externalId: 'v1' } });
      await first.close();

      const second = await openDatabase({ dataDir });
      try {
        expect(await second.prisma.customer.findUnique({ where: { id: customer.id } })).toMatchObject({ externalId: 'v1' });
      } finally {
        await second.close();
      }
    } finally {
      await tmp.remove();
    }
  });

  it('plans the prepared hot statements once: generic plans on the embedded database', async () => {
    const db = await openDatabase({ dataDir: MEMORY_DATA_DIR });
    try {
      const { rows } = await db.sql.query<{ plan_cache_mode: string }>('SHOW plan_cache_mode');
      expect(rows).toEqual([{ plan_cache_mode: 'force_generic_plan' }]);
    } finally {
      await db.close();
    }
  });

  it('closes PGlite again when the migrations fail', async () => {
    const tmp = await tempDir();
    try {
      await mkdir(path.join(tmp.dir, 'm', '20990101000000_broken'), { recursive: true });
      await writeFile(path.join(tmp.dir, 'm', '20990101000000_broken', 'migration.sql'), 'CREATE TABLE x (;');
      const opening = openDatabase({ dataDir: 'memory://', migrationsDir: path.join(tmp.dir, 'm') });
      await expect(opening).rejects.toBeInstanceOf(MigrationError);
    } finally {
      await tmp.remove();
    }
  });
});

describe.skipIf(!havePostgres())('openDatabase with PostgreSQL (needs DATABASE_URL)', () => {
  it('opens a pool, migrates, and closes the pool', async () => {
    const scratch = await createScratchDatabase();
    try {
      const db = await openDatabase({ databaseUrl: scratch.url, dataDir: 'unused', poolSize: 3 });
      expect(db.kind).toBe('postgres');
      const [row] = await db.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "_prisma_migrations"`;
      expect(Number(row?.n)).toBe((await readdir(defaultMigrationsDir())).filter((d) => /^\d{14}_/.test(d)).length);
      await db.close();
      await expect(db.prisma.customer.count()).rejects.toThrow();
    } finally {
      await scratch.drop();
    }
  });
});

describe.runIf(havePostgres())('PostgreSQL going away under a transaction', () => {
  it('fails the transaction, never the process, when the connection of an open session dies', async () => {
    const scratch = await createScratchDatabase();
    const proxy = await startTcpProxy(targetOf(scratch.url, 5432));
    const db = await openDatabase({ databaseUrl: proxy.via(scratch.url), dataDir: 'memory://' });
    try {
      // A session checked out of the pool, between two statements: nothing listens on its connection but the pool's user.
      const session = await db.sql.begin();
      await proxy.cut();
      await expect(session.query('SELECT 1')).rejects.toThrow();
      await session.rollback().catch(() => undefined);
      await proxy.restore();
      // The broken connection was not returned to the pool: the next statements work.
      await expect.poll(() => db.sql.query('SELECT 1').then(() => true, () => false)).toBe(true);
    } finally {
      await db.close();
      await proxy.close();
      await scratch.drop();
    }
  });
});

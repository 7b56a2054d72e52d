import { describe, it } from 'vitest';
import { openDatabase } from '../../src/db/database.js';
import { createScratchDatabase, havePostgres } from '../support/services.js';
import { prismaHarness } from './prisma-harness.js';
import { runRequestStoreContract } from './request-store.contract.js';

if (havePostgres()) {
  runRequestStoreContract('Prisma store on PostgreSQL', async () => {
    const scratch = await createScratchDatabase();
    const db = await openDatabase({ databaseUrl: scratch.url, dataDir: 'memory://' });
    return prismaHarness(db, scratch.drop);
  });
} else {
  describe('Prisma store on PostgreSQL', () => {
    it.skip('needs DATABASE_URL (a PostgreSQL server); set it to run these tests', () => {});
  });
}

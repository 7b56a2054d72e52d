import { openDatabase } from '../../src/db/database.js';
import { prismaHarness } from './prisma-harness.js';
import { runRequestStoreContract } from './request-store.contract.js';

// One in-memory PGlite for the whole file: starting one takes seconds.
runRequestStoreContract('Prisma store on PGlite (memory)', async () =>
  prismaHarness(await openDatabase({ dataDir: 'memory://' })),
);

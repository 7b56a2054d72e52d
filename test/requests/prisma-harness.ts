/** A RequestStore contract harness over a database opened with openDatabase(). */
import type { Database } from '../../src/db/database.js';
import { createPostgresRequestStore } from '../../src/requests/postgres.request-store.js';
import type { RequestStoreHarness } from './request-store.contract.js';

let agents = 0;

export function prismaHarness(db: Database, cleanup: () => Promise<void> = async () => {}): RequestStoreHarness {
  const { prisma } = db;
  return {
    store: createPostgresRequestStore(db, { requestPrefix: 'SR' }),
    withPrefix: (requestPrefix) => createPostgresRequestStore(db, { requestPrefix }),
    reset: async () => {
      await prisma.$executeRawUnsafe(
        'TRUNCATE outbox, status_change, attachment, message, incident_update, conversation, request_read, request, customer, agent_session, canned_response, agent, setting',
      );
      await prisma.$executeRawUnsafe('ALTER SEQUENCE request_seq_seq RESTART WITH 1001');
    },
    createAgent: async () => {
      const n = ++agents;
      const agent = await prisma.agent.create({
        data: { email: `agent${n}@example.test`, name: `Agent ${n}`, passwordHash: 'x' },
      });
      return agent.id;
    },
    parallel: db.kind === 'postgres',
    close: async () => {
      await db.close();
      await cleanup();
    },
  };
}

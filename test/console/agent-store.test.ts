import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createPrismaAgentStore, type AgentStore } from '../../src/console/agent-store.js';
import { StoreError } from '../../src/requests/request-store.port.js';
import { createScratchDatabase, havePostgres } from '../support/services.js';

const targets = [
  { name: 'PGlite', enabled: true, open: async () => ({ db: await openDatabase({ dataDir: 'memory://' }), drop: async () => undefined }) },
  {
    name: 'PostgreSQL',
    get enabled() {
      return havePostgres();
    },
    open: async () => {
      const scratch = await createScratchDatabase();
      return { db: await openDatabase({ databaseUrl: scratch.url, dataDir: 'unused' }), drop: scratch.drop };
    },
  },
];

for (const target of targets) {
  describe.skipIf(!target.enabled)(`agent store on ${target.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let agents: AgentStore;
    beforeAll(async () => {
      ({ db, drop } = await target.open());
      agents = createPrismaAgentStore(db.prisma);
    });
    afterAll(async () => {
      await db?.close();
      await drop?.();
    });

    it('never lets concurrent changes remove the last active admin', async () => {
      for (let round = 0; round < 5; round++) {
        const a = await agents.createAgent({ email: `a${round}@example.com`, name: 'A', role: 'admin', passwordHash: 'x' });
        const b = await agents.createAgent({ email: `b${round}@example.com`, name: 'B', role: 'admin', passwordHash: 'x' });
        // Only these two are active admins: each demotes the other at the same moment.
        await db.prisma.agent.updateMany({ where: { id: { notIn: [a.id, b.id] } }, data: { active: false } });
        const results = await Promise.allSettled([agents.updateAgent(a.id, { role: 'agent' }), agents.updateAgent(b.id, { active: false })]);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
        expect(refused.reason).toBeInstanceOf(StoreError);
        expect(refused.reason).toMatchObject({ code: 'conflict' });
        expect(await db.prisma.agent.count({ where: { role: 'admin', active: true } })).toBe(1);
      }
    });
  });
}

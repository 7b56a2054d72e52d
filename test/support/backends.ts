import { makeTempDir } from './app.js';
import { createScratchDatabase, havePostgres, haveRedis, redisUrl } from './services.js';

export interface BackendEnv {
  databaseUrl: string | null;
  redisUrl: string | null;
  dataDir: string;
  cleanup(): Promise<void>;
}

/** A way to run the gateway: the embedded default, or production's PostgreSQL + Redis. */
export interface Backend {
  name: string;
  enabled: boolean;
  setup(): Promise<BackendEnv>;
}

export const embeddedBackend: Backend = {
  name: 'embedded (PGlite + memory)',
  enabled: true,
  async setup() {
    const tmp = await makeTempDir();
    return { databaseUrl: null, redisUrl: null, dataDir: tmp.dir, cleanup: tmp.remove };
  },
};

export const productionBackend: Backend = {
  name: 'production (PostgreSQL + Redis)',
  get enabled() {
    return havePostgres() && haveRedis();
  },
  async setup() {
    const tmp = await makeTempDir();
    const db = await createScratchDatabase();
    return {
      databaseUrl: db.url,
      redisUrl,
      dataDir: tmp.dir,
      cleanup: async () => {
        await db.drop();
        await tmp.remove();
      },
    };
  },
};

export const BACKENDS: readonly Backend[] = [embeddedBackend, productionBackend];

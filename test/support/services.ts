/**
 * Access to the real PostgreSQL and Redis used by integration tests.
 *
 * Tests that need a service read DATABASE_URL / REDIS_URL. Without them the
 * tests are skipped with a visible reason, unless RELAYDESK_REQUIRE_SERVICES=1
 * (set by .ci/run), in which case a missing service fails the run.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const requireServices = process.env.RELAYDESK_REQUIRE_SERVICES === '1';
export const postgresUrl = process.env.DATABASE_URL ?? null;
export const redisUrl = process.env.REDIS_URL ?? null;

function missing(name: string): never {
  throw new Error(`${name} is not set but RELAYDESK_REQUIRE_SERVICES=1: this test needs it`);
}

/** true when PostgreSQL tests should run; throws when they must run but cannot. */
export function havePostgres(): boolean {
  if (postgresUrl) return true;
  if (requireServices) missing('DATABASE_URL');
  return false;
}

/** true when Redis tests should run; throws when they must run but cannot. */
export function haveRedis(): boolean {
  if (redisUrl) return true;
  if (requireServices) missing('REDIS_URL');
  return false;
}

/**
 * Creates a fresh, empty database on the PostgreSQL server of DATABASE_URL so
 * that test files running in parallel never share tables. Returns its URL and a
 * function that drops it.
 */
export async function createScratchDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  if (!postgresUrl) throw new Error('DATABASE_URL is not set');
  const name = `relaydesk_t_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: postgresUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(postgresUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresUrl });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

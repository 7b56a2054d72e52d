/**
 * Every start of a gateway on Redis ends with its socket.io adapter subscribed
 * (without its subscriptions, an instance silently misses every other
 * instance's broadcasts). ioredis once let the subscriber's SUBSCRIBE overtake
 * its ready check and refused the subscriptions, on most starts against a
 * database already migrated with a quiet log: so the gateway is started
 * several times that way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/app.js';
import { havePostgres, haveRedis } from '../support/services.js';
import { createTestServices, expectAdapterSubscribed, spawnGateway, stopGateway, type GatewayProcess, type TestServices } from './gateway-process.js';

const root = new URL('../..', import.meta.url).pathname;


describe.runIf(havePostgres() && haveRedis())('the socket.io adapter on Redis', () => {
  let services: TestServices;
  let gateway: GatewayProcess | undefined;
  beforeAll(async () => {
    services = await createTestServices();
  });
  afterAll(async () => {
    await stopGateway(gateway);
    await services?.remove();
  });

  it('is subscribed after every start', async () => {
    for (let start = 0; start < 5; start++) {
      const prefix = `${services.redisPrefix}${start}:`;
      const port = await freePort();
      gateway = spawnGateway(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        PATH: process.env.PATH ?? '', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn',
        DATABASE_URL: services.databaseUrl, REDIS_URL: services.redisUrl, REDIS_PREFIX: prefix, DATA_DIR: services.dataDir,
      }, root);
      // LOG_LEVEL=warn keeps the listening line out: /ready tells when it is up.
      await expect.poll(() => fetch(`http://127.0.0.1:${port}/ready`).then((r) => r.status, () => 0), { timeout: 30_000 }).toBe(200);
      await expectAdapterSubscribed(prefix);
      expect(gateway.output()).not.toContain('subscriber mode');
      await stopGateway(gateway);
    }
  }, 180_000);
});

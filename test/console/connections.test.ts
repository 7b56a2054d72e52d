/**
 * Which agents have a console open (ConsoleConnections): in memory for one
 * instance, in Redis for several. Two Redis connections stand for two gateway
 * instances; a lease of 0 for an instance that stopped renewing its sockets.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsoleConnections } from '../../src/console/connections.port.js';
import { createMemoryConnections } from '../../src/console/memory.connections.js';
import { createRedisConnections } from '../../src/console/redis.connections.js';
import { haveRedis, redisUrl } from '../support/services.js';

/** What every implementation does, seen from one instance. */
function describeConnectionsContract(name: string, make: () => ConsoleConnections) {
  describe(name, () => {
    it("says an agent's first socket came online and their last one went offline", async () => {
      const c = make();
      const agent = randomUUID();
      expect(await c.online([agent])).toEqual(new Set());
      expect(await c.open(agent, 's1')).toBe(true);
      expect(await c.open(agent, 's2')).toBe(false);
      expect(await c.online([agent])).toEqual(new Set([agent]));
      expect(await c.close(agent, 's1')).toBe(false);
      expect(await c.online([agent])).toEqual(new Set([agent]));
      expect(await c.close(agent, 's2')).toBe(true);
      expect(await c.online([agent])).toEqual(new Set());
      // A socket closed twice, or never opened, changes nothing.
      expect(await c.close(agent, 's2')).toBe(false);
      expect(await c.close(agent, 'unknown')).toBe(false);
    });

    it('keeps agents apart', async () => {
      const c = make();
      const [a, b] = [randomUUID(), randomUUID()];
      expect(await c.open(a, 'sa')).toBe(true);
      expect(await c.open(b, 'sb')).toBe(true);
      expect(await c.online([a, b, randomUUID()])).toEqual(new Set([a, b]));
      expect(await c.close(a, 'sa')).toBe(true);
      expect(await c.online([a, b])).toEqual(new Set([b]));
      expect(await c.online([])).toEqual(new Set());
    });
  });
}

describeConnectionsContract('console connections in memory', createMemoryConnections);

/** any(): whether the relay has anyone to show events to. */
async function checkAny(a: ConsoleConnections, b: ConsoleConnections) {
  const agent = randomUUID();
  expect(await a.any()).toBe(false);
  await a.open(agent, 's1');
  expect([await a.any(), await b.any()]).toEqual([true, true]);
  await a.close(agent, 's1');
  expect([await a.any(), await b.any()]).toEqual([false, false]);
}

it('says whether any console is open (memory)', async () => {
  const c = createMemoryConnections();
  await checkAny(c, c);
});

describe.skipIf(!haveRedis())('console connections in Redis (needs REDIS_URL)', () => {
  const prefix = `relaydesk-test:${randomBytes(6).toString('hex')}:`;
  let one: Redis;
  let two: Redis;

  beforeAll(() => {
    one = new Redis(redisUrl ?? '', { keyPrefix: prefix });
    two = new Redis(redisUrl ?? '', { keyPrefix: prefix });
  });
  afterAll(async () => {
    const raw = new Redis(redisUrl ?? '');
    for await (const keys of raw.scanStream({ match: `${prefix}*` })) {
      if ((keys as string[]).length > 0) await raw.del(...(keys as string[]));
    }
    await Promise.all([one.quit(), two.quit(), raw.quit()]);
  });

  describeConnectionsContract('one instance', () => createRedisConnections(one));

  it('says whether any console is open on any instance', async () => {
    const own = `relaydesk-test:${randomBytes(6).toString('hex')}:`;
    const [x, y] = [new Redis(redisUrl ?? '', { keyPrefix: own }), new Redis(redisUrl ?? '', { keyPrefix: own })];
    try {
      await checkAny(createRedisConnections(x), createRedisConnections(y));
    } finally {
      await x.del('relaydesk:presence:agents');
      await Promise.all([x.quit(), y.quit()]);
    }
  });

  it('counts the sockets of every instance: first and last across them', async () => {
    const [a, b] = [createRedisConnections(one), createRedisConnections(two)];
    const agent = randomUUID();
    expect(await a.open(agent, 'on-a')).toBe(true);
    expect(await b.open(agent, 'on-b')).toBe(false);
    expect(await b.online([agent])).toEqual(new Set([agent]));
    expect(await a.close(agent, 'on-a')).toBe(false);
    expect(await a.online([agent])).toEqual(new Set([agent]));
    expect(await b.close(agent, 'on-b')).toBe(true);
    expect(await a.online([agent])).toEqual(new Set());
  });

  it('lets one instance say that an agent whose last socket was on a dead instance went offline, once', async () => {
    // `dead` stopped renewing: its sockets' leases have run out.
    const dead = createRedisConnections(one, { leaseMs: 0 });
    const [a, b] = [createRedisConnections(one), createRedisConnections(two)];
    const gone = randomUUID();
    const stays = randomUUID();
    expect(await a.open(stays, 'alive')).toBe(true);
    expect(await dead.open(stays, 'dead-2')).toBe(false);
    expect(await dead.open(gone, 'dead-1')).toBe(true);
    expect(await a.online([gone, stays])).toEqual(new Set([stays]));

    const [first, second] = await Promise.all([a.refresh([{ agentId: stays, socketId: 'alive' }]), b.refresh([])]);
    expect([...first.wentOffline, ...second.wentOffline].filter((id) => id === gone)).toEqual([gone]);
    expect([...first.wentOffline, ...second.wentOffline]).not.toContain(stays);
    expect((await a.refresh([{ agentId: stays, socketId: 'alive' }])).wentOffline).not.toContain(gone);
    // Its sockets are forgotten: closing one later is no news.
    expect(await dead.close(gone, 'dead-1')).toBe(false);
  });

  it('says an agent came online again when a refresh brings back sockets that had been forgotten', async () => {
    const a = createRedisConnections(one, { leaseMs: 0 });
    const b = createRedisConnections(two);
    const agent = randomUUID();
    expect(await a.open(agent, 'cut-off')).toBe(true);
    expect((await b.refresh([])).wentOffline).toContain(agent);
    // The instance was only cut off (a Redis outage): its socket is still connected and renewed again.
    const back = await createRedisConnections(one).refresh([{ agentId: agent, socketId: 'cut-off' }]);
    expect(back.cameOnline).toEqual([agent]);
    expect(await b.online([agent])).toEqual(new Set([agent]));
    expect((await b.refresh([])).wentOffline).not.toContain(agent);
  });
});

import type { Redis } from 'ioredis';
import { PRESENCE_LEASE_MS, type ConsoleConnections } from './connections.port.js';

/**
 * {@link ConsoleConnections} shared by every instance on one Redis.
 *
 * Each agent has a sorted set `relaydesk:presence:agent:<id>` of their open
 * sockets, each scored with the moment its lease ends; `relaydesk:presence:agents`
 * lists the agents that have one. An instance adds a socket when it connects,
 * removes it when it disconnects and renews its own sockets' leases every
 * refresh. A socket whose lease ended belongs to an instance that stopped
 * (crashed, cut off, or shut down: a graceful shutdown leaves its sockets to
 * lapse, so consoles that reconnect to another instance never look offline).
 *
 * Every step is one Lua script, so the set and the answer ("first socket",
 * "last socket") change together and two instances never both see a change.
 * Time is Redis's own (TIME), the same for every instance whatever their
 * clocks say. Each set expires ten minutes after its last renewal, so a
 * deployment that is gone leaves nothing behind.
 */
export function createRedisConnections(redis: Redis, opts: { leaseMs?: number } = {}): ConsoleConnections {
  const lease = String(opts.leaseMs ?? PRESENCE_LEASE_MS);
  const agentKey = (agentId: string) => `${KEY}:agent:${agentId}`;
  const run = async (script: string, agentId: string, ...args: string[]) =>
    Number(await redis.eval(script, 2, agentKey(agentId), INDEX, agentId, ...args));

  return {
    open: async (agentId, socketId) => (await run(OPEN, agentId, lease, socketId)) === 1,
    close: async (agentId, socketId) => (await run(CLOSE, agentId, socketId)) === 1,

    // The index holds the agents with a socket not yet forgotten (see CLOSE and SWEEP).
    any: async () => (await redis.scard(INDEX)) > 0,

    async online(agentIds) {
      if (agentIds.length === 0) return new Set();
      const counts = (await redis.eval(ONLINE, agentIds.length, ...agentIds.map(agentKey))) as number[];
      return new Set(agentIds.filter((_, i) => Number(counts[i]) > 0));
    },

    async refresh(local) {
      const mine = new Map<string, string[]>();
      for (const { agentId, socketId } of local) mine.set(agentId, [...(mine.get(agentId) ?? []), socketId]);
      const renewed = await Promise.all([...mine].map(async ([agentId, sockets]) => ({ agentId, came: (await run(RENEW, agentId, lease, ...sockets)) === 1 })));
      const others = (await redis.smembers(INDEX)).filter((agentId) => !mine.has(agentId));
      const swept = await Promise.all(others.map(async (agentId) => ({ agentId, gone: (await run(SWEEP, agentId)) === 1 })));
      return { cameOnline: renewed.filter((r) => r.came).map((r) => r.agentId), wentOffline: swept.filter((s) => s.gone).map((s) => s.agentId) };
    },
  };
}

const KEY = 'relaydesk:presence';
/** An agent's set outlives its last renewal by this long, then Redis deletes it (sweeps come long before). */
const KEY_TTL_MS = 10 * 60_000;
const INDEX = `${KEY}:agents`;

// KEYS[1] the agent's sorted set, KEYS[2] the index; ARGV[1] the agent id. `now` is Redis's clock in ms.
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`;
const KEEP = `redis.call('PEXPIRE', KEYS[1], ${KEY_TTL_MS}) redis.call('SADD', KEYS[2], ARGV[1])`;

/** ARGV[2] lease, ARGV[3] socket id. 1 when the agent had no live socket before. */
const OPEN = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local before = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
${KEEP}
if before == 0 then return 1 end return 0`;

/** ARGV[2] socket id. 1 when this call left the agent with no socket (it removed the last ones). */
const CLOSE = `${NOW}
local removed = redis.call('ZREM', KEYS[1], ARGV[2]) + redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
redis.call('SREM', KEYS[2], ARGV[1])
if removed > 0 then return 1 end return 0`;

/** ARGV[2] lease, ARGV[3…] this instance's sockets of the agent. 1 when none was live before. */
const RENEW = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local before = redis.call('ZCARD', KEYS[1])
for i = 3, #ARGV do redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[i]) end
${KEEP}
if before == 0 then return 1 end return 0`;

/** Forgets lapsed sockets. 1 when that left the agent with none. */
const SWEEP = `${NOW}
local lapsed = redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
redis.call('SREM', KEYS[2], ARGV[1])
if lapsed > 0 then return 1 end return 0`;

/** KEYS: agents' sorted sets. How many live sockets each has. */
const ONLINE = `${NOW}
local out = {}
for i, key in ipairs(KEYS) do out[i] = redis.call('ZCOUNT', key, '(' .. now, '+inf') end
return out`;

/**
 * Throughput and latency of the gateway, in process: N simulated customers
 * complete the intake concurrently (greeting, type, subject, description,
 * skip screenshot, confirm, then follow-ups), on the embedded back end and on
 * PostgreSQL + Redis. In the same run, raw `pg` single-row inserts on the same
 * database give a ceiling to compare with.
 *
 *   npm run bench                      # both back ends (PostgreSQL + Redis from DATABASE_URL / REDIS_URL)
 *   npm run bench -- --conversations 100 --rounds 5 --backend postgres
 *   npm run bench -- --backend postgres --agents 3   # with three consoles open
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { ChannelModule, ReceiveFn } from '../src/channels/channel.port.js';
import { ADMIN_ENV, AgentClient, AgentSocket } from '../test/console/console-client.js';
import { baseOf, makeTempDir, startTestApp } from '../test/support/app.js';
import { createScratchDatabase } from '../test/support/services.js';

const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    followups: { type: 'string', default: '4' },
    backend: { type: 'string', default: 'all' },
    // Agents with the console open (real /agents sockets): what they are shown live costs the gateway per message.
    agents: { type: 'string', default: '0' },
  },
});
const AGENTS = Number(args.agents);
const CONVERSATIONS = Number(args.conversations);
const ROUNDS = Number(args.rounds);
const FOLLOWUPS = Number(args.followups);

/** A channel that accepts every delivery at once, so the bench measures the gateway. */
class NullChannel implements ChannelModule {
  receive: ReceiveFn | null = null;
  delivered = 0;
  readonly port = { name: 'bench', send: async () => ((this.delivered += 1), {}) };
  async start(receive: ReceiveFn) {
    this.receive = receive;
  }
}

function script(i: number, round: number): Array<{ text?: string; choiceId?: string }> {
  return [
    { text: 'Здравствуйте' },
    { choiceId: 'incident' },
    { text: `Printer ${i} does not print (round ${round})` },
    { text: `Since this morning printer ${i} shows error E-42 and prints nothing.` },
    { choiceId: 'skip' },
    { choiceId: 'confirm' },
    ...Array.from({ length: FOLLOWUPS }, (_, k) => ({ text: `Follow-up ${k} from customer ${i}` })),
  ];
}

async function runConversations(channel: NullChannel, round: number, latencies: number[]): Promise<number> {
  let messages = 0;
  await Promise.all(
    Array.from({ length: CONVERSATIONS }, async (_, i) => {
      for (const content of script(i, round)) {
        const started = performance.now();
        await channel.receive!({ channel: 'bench', externalId: `r${round}-c${i}`, channelMessageId: `r${round}-c${i}-m${messages}`, ...content });
        latencies.push(performance.now() - started);
        messages++;
      }
    }),
  );
  return messages;
}

/** CPU time (ms) of the processes named `name`, when /proc shows them (a server on this machine); else null. */
function localCpuMs(name: string): number | null {
  let ticks = 0;
  let seen = false;
  for (const pid of existsSync('/proc') ? readdirSync('/proc') : []) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes(`(${name})`)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime + stime, in USER_HZ (100 on Linux)
      seen = true;
    } catch {
      // the process ended meanwhile
    }
  }
  return seen ? ticks * 10 : null;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

/** Rows written in the database so far (pg_stat_database counts what backends have reported). */
async function dbWrites(databaseUrl: string): Promise<number> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ w: string }>(
      'SELECT (tup_inserted + tup_updated + tup_deleted)::bigint AS w FROM pg_stat_database WHERE datname = current_database()',
    );
    return Number(rows[0]?.w ?? 0);
  } finally {
    await client.end();
  }
}

async function rawInsertRate(databaseUrl: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
  // end() resolves before its connections have closed; dropping the scratch database then ends them with an error.
  pool.on('error', () => {});
  await pool.query('CREATE TABLE IF NOT EXISTS bench_raw (id bigserial PRIMARY KEY, body text NOT NULL, at timestamptz NOT NULL DEFAULT now())');
  const deadline = performance.now() + 3000;
  let count = 0;
  await Promise.all(
    Array.from({ length: CONVERSATIONS }, async () => {
      while (performance.now() < deadline) {
        await pool.query('INSERT INTO bench_raw (body) VALUES ($1)', ['hello']);
        count++;
      }
    }),
  );
  await pool.end();
  return count / 3;
}

async function bench(name: string, env: { databaseUrl: string | null; redisUrl: string | null; dataDir: string }) {
  const channel = new NullChannel();
  const app = await startTestApp({
    ...env,
    channels: [channel],
    // Instances sharing a Redis must share the web chat secret; the bench runs one.
    env: { OUTBOX_POLL_INTERVAL: '50ms', WEBCHAT_SECRET: 'bench-only-secret-0123456789', ...ADMIN_ENV },
  });
  const consoles = await Promise.all(
    Array.from({ length: AGENTS }, async () => {
      const agent = await AgentClient.login(baseOf(app));
      return new AgentSocket(baseOf(app), { token: agent.session.token }).ready();
    }),
  );
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
  // Rows written are counted over the whole run, warm-up included: counts reach pg_stat_database
  // late (when a backend is idle or ends), so only a count taken after the end is complete.
  const writesBefore = env.databaseUrl ? await dbWrites(env.databaseUrl) : 0;
  const warmUp = await runConversations(channel, -1, []);
  await app.outbox.flush();
  const latencies: number[] = [];
  const pgCpuBefore = env.databaseUrl ? localCpuMs('postgres') : null;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  let messages = 0;
  for (let round = 0; round < ROUNDS; round++) messages += await runConversations(channel, round, latencies);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const pgCpuAfter = pgCpuBefore === null ? null : localCpuMs('postgres');
  clearInterval(sampler);
  // Every reply delivered, every connection closed (a backend reports its counts when it ends).
  await app.outbox.flush();
  for (const socket of consoles) socket.close();
  await app.stop();
  await new Promise((r) => setTimeout(r, 1000));
  const writes = env.databaseUrl ? ((await dbWrites(env.databaseUrl)) - writesBefore) / (warmUp + messages) : null;
  latencies.sort((a, b) => a - b);
  return {
    backend: name,
    conversations: CONVERSATIONS * ROUNDS,
    messages,
    'conversations/s': +((CONVERSATIONS * ROUNDS) / seconds).toFixed(1),
    'messages/s': +(messages / seconds).toFixed(0),
    'p50 ms': +percentile(latencies, 50).toFixed(2),
    'p99 ms': +percentile(latencies, 99).toFixed(2),
    'peak RSS MiB': +(peakRss / 1024 / 1024).toFixed(0),
    'db writes/message': writes === null ? null : +writes.toFixed(2),
    'node CPU µs/message': Math.round((cpu.user + cpu.system) / messages),
    // Only when PostgreSQL runs on this machine (its processes are visible): all of its processes, all databases.
    'pg CPU µs/message': pgCpuBefore === null || pgCpuAfter === null ? null : Math.round(((pgCpuAfter - pgCpuBefore) * 1000) / messages),
  };
}

const results = [];
if (args.backend === 'all' || args.backend === 'embedded') {
  const tmp = await makeTempDir('relaydesk-bench-');
  results.push(await bench('embedded (PGlite + memory)', { databaseUrl: null, redisUrl: null, dataDir: tmp.dir }));
  await tmp.remove();
}
if (args.backend === 'all' || args.backend === 'postgres') {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) throw new Error('set DATABASE_URL and REDIS_URL for the PostgreSQL + Redis run');
  const tmp = await makeTempDir('relaydesk-bench-');
  const db = await createScratchDatabase();
  const result = await bench('PostgreSQL + Redis', { databaseUrl: db.url, redisUrl: process.env.REDIS_URL, dataDir: tmp.dir });
  const raw = await rawInsertRate(db.url);
  results.push({ ...result, 'raw pg inserts/s': +raw.toFixed(0), 'ratio to raw inserts': +(result['messages/s'] / raw).toFixed(3) });
  await db.drop();
  await tmp.remove();
}
console.table(results);
console.log(JSON.stringify({ conversationsPerRound: CONVERSATIONS, rounds: ROUNDS, followups: FOLLOWUPS, agents: AGENTS, results }, null, 2));

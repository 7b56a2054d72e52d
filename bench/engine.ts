/**
 * Throughput and latency of the gateway, in process: N simulated customers
 * complete the intake concurrently (greeting, type, subject, description,
 * skip screenshot, confirm, then follow-ups), on the embedded back end and on
 * PostgreSQL + Redis. In the same run, raw `pg` single-row inserts on the same
 * database give a ceiling to compare with.
 *
 *   npm run bench                      # both back ends (PostgreSQL + Redis from DATABASE_URL / REDIS_URL)
 *   npm run bench -- --conversations 100 --rounds 5 --backend postgres
 */
import { readdirSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { App } from '../src/app.js';
import type { ChannelModule, ReceiveFn } from '../src/channels/channel.port.js';
import { makeTempDir, startTestApp } from '../test/support/app.js';
import { createScratchDatabase } from '../test/support/services.js';

const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '100' },
    rounds: { type: 'string', default: '3' },
    followups: { type: 'string', default: '4' },
    backend: { type: 'string', default: 'all' },
  },
});
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

/** CPU time (ms) of the processes named `name` on this machine, if /proc shows them (a local server); else 0. */
function localServerCpuMs(name: string): number {
  let ticks = 0;
  for (const pid of (() => { try { return readdirSync('/proc'); } catch { return []; } })()) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (!stat.includes(`(${name})`)) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // the process ended meanwhile
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;

async function dbWrites(app: App): Promise<number> {
  const rows = await app.db.prisma.$queryRawUnsafe<Array<{ w: bigint }>>(
    'SELECT (tup_inserted + tup_updated + tup_deleted)::bigint AS w FROM pg_stat_database WHERE datname = current_database()',
  );
  return Number(rows[0]?.w ?? 0);
}

async function walStats(app: App): Promise<Record<string, bigint>> {
  const rows = await app.db.prisma.$queryRawUnsafe<Array<Record<string, bigint>>>('SELECT wal_records, wal_fpi, wal_bytes::bigint, wal_write, wal_sync FROM pg_stat_wal');
  return rows[0]!;
}

async function rawInsertRate(databaseUrl: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 10 });
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
  // Several instances on one Redis must share the web chat secret; the bench runs one.
  const app = await startTestApp({
    ...env,
    channels: [channel],
    env: { OUTBOX_POLL_INTERVAL: '50ms', WEBCHAT_SECRET: 'bench-only-secret-0123456789' },
  });
  if (process.env.NO_OUTBOX) { await app.outbox.stop(); app.outbox.wake = () => {}; }
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 25);
  await runConversations(channel, -1, []); // warm-up
  const latencies: number[] = [];
  const writesBefore = env.databaseUrl ? await dbWrites(app) : 0;
  const started = performance.now();
  const walBefore = env.databaseUrl ? await walStats(app) : null;
  const cpuBefore = process.cpuUsage();
  const dbCpuBefore = localServerCpuMs('postgres');
  const redisCpuBefore = localServerCpuMs('redis-server');
  let messages = 0;
  for (let round = 0; round < ROUNDS; round++) messages += await runConversations(channel, round, latencies);
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const dbCpu = localServerCpuMs('postgres') - dbCpuBefore;
  const redisCpu = localServerCpuMs('redis-server') - redisCpuBefore;
  if (walBefore) { const w = await walStats(app); console.log('WAL per message', Object.fromEntries(Object.entries(w).map(([k, v]) => [k, (Number(v) - Number((walBefore as Record<string, unknown>)[k])) / messages]))); }
  await new Promise((r) => setTimeout(r, 1200)); // let statistics settle
  const writes = env.databaseUrl ? ((await dbWrites(app)) - writesBefore) / messages : null;
  clearInterval(sampler);
  await app.outbox.flush();
  await app.stop();
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
    ...(env.databaseUrl ? { 'pg CPU µs/message': Math.round((dbCpu * 1000) / messages), 'redis CPU µs/message': Math.round((redisCpu * 1000) / messages) } : {}),
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
  if (process.env.AUTO_EXPLAIN) {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL }); await admin.connect();
    const name = new URL(db.url).pathname.slice(1);
    await admin.query(`ALTER DATABASE ${name} SET log_statement = 'all'`);
    await admin.query(`ALTER DATABASE ${name} SET log_statement_stats = on`);
    await admin.end();
  }
  const result = await bench('PostgreSQL + Redis', { databaseUrl: db.url, redisUrl: process.env.REDIS_URL, dataDir: tmp.dir });
  const raw = await rawInsertRate(db.url);
  results.push({ ...result, 'raw pg inserts/s': +raw.toFixed(0), 'ratio to raw inserts': +(result['messages/s'] / raw).toFixed(3) });
  if (process.env.KEEP_DB) console.log('kept', db.url); else await db.drop();
  await tmp.remove();
}
console.table(results);
console.log(JSON.stringify({ conversationsPerRound: CONVERSATIONS, rounds: ROUNDS, followups: FOLLOWUPS, results }, null, 2));

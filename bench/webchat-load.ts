/**
 * Web chat load: real socket.io-client visitors (WebSocket transport) run the
 * intake over docs/webchat-protocol.md: connect, wait for the greeting, press
 * 'incident', write a subject and a description, press 'skip' and 'confirm'.
 * The latency of a message is from the visitor's `message` emit to the bot's
 * reply (the next `message` from the bot); throughput counts visitor messages.
 *
 * Modes:
 * - closed (default): --visitors concurrent visitors, each sends its next
 *   message once the bot answered the previous one. Each visitor slot starts a
 *   new visitor (a new conversation) after finishing, until --duration seconds
 *   have passed (0: one intake per slot). Measures queueing under saturation.
 * - open: --rate messages/s spread over --conversations conversations that pace
 *   like people (exponential think times, mean conversations/rate seconds, sent
 *   when due whether or not the previous reply came): measures service latency
 *   at a fixed arrival rate. A finished conversation is replaced by a new visitor.
 *
 * A visitor that has not finished its intake 60 s after it started connecting
 * counts as unfinished.
 *
 *   # one target
 *   node --import tsx bench/webchat-load.ts --target http://127.0.0.1:3000 --visitors 200
 *   # driver: starts the echo server and the gateways (child processes on
 *   # 127.0.0.1), runs the same visitors against each, alternating, and prints
 *   # gateway/echo ratios per round
 *   npm run bench:webchat -- --backends echo,postgres,embedded --rounds 2 --visitors 200
 *   npm run bench:webchat -- --mode open --rate 200 --conversations 1000 --duration 30
 *   npm run bench:webchat -- --profile /tmp/prof   # gateways run under node --cpu-prof
 *
 * The PostgreSQL + Redis gateway uses DATABASE_URL (a scratch database is
 * created and dropped) and REDIS_URL. Gateways run with the web chat rate limits
 * raised out of the way, WEBCHAT_ALLOWED_ORIGINS set to the visitors' origin and
 * the production outbox poll interval.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';

const { values: args } = parseArgs({
  options: {
    target: { type: 'string' },
    mode: { type: 'string', default: 'closed' },
    visitors: { type: 'string', default: '200' },
    duration: { type: 'string' },
    rate: { type: 'string', default: '200' },
    conversations: { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '20' },
    backends: { type: 'string' },
    rounds: { type: 'string', default: '2' },
    profile: { type: 'string' },
    serve: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

const ORIGIN = 'http://127.0.0.1';
const FINISH_WITHIN_MS = 60_000;
const SCRIPT: Array<{ text: string; choiceId?: string }> = [
  { text: 'Incident', choiceId: 'incident' },
  { text: 'Printer on floor 3 does not print' },
  { text: 'Since this morning the printer shows error E-42 and prints nothing, for every user.' },
  { text: 'Skip', choiceId: 'skip' },
  { text: 'Confirm', choiceId: 'confirm' },
];

// ---------------------------------------------------------------------------
// One visitor

interface Stats {
  latencies: number[];
  greetings: number[];
  messages: number;
  started: number;
  finished: number;
  unfinished: number;
  errors: Map<string, number>;
}

const newStats = (): Stats => ({ latencies: [], greetings: [], messages: 0, started: 0, finished: 0, unfinished: 0, errors: new Map() });
const countError = (stats: Stats, code: string) => stats.errors.set(code, (stats.errors.get(code) ?? 0) + 1);

/**
 * A connected visitor: counts the bot's messages (not the unstored greeting,
 * not its own echoes) and resolves waiters for the n-th one.
 */
class Visitor {
  readonly socket: Socket;
  private bots = 0;
  private waiters: Array<{ n: number; resolve: (at: number) => void }> = [];
  private greeted: (() => void) | null = null;
  readonly greeting: Promise<void>;
  failed: string | null = null;
  private fail: (reason: string) => void = () => undefined;
  readonly failure: Promise<never>;

  constructor(base: string) {
    this.socket = io(`${base}/webchat`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      // The 60 s rule decides, not socket.io-client's 20 s connect timeout.
      timeout: FINISH_WITHIN_MS,
      auth: { locale: 'en' },
      extraHeaders: { origin: ORIGIN },
    });
    this.greeting = new Promise((resolve) => (this.greeted = resolve));
    this.failure = new Promise<never>((_, reject) => {
      this.fail = (reason) => {
        if (this.failed) return;
        this.failed = reason;
        reject(new Error(reason));
      };
    });
    this.failure.catch(() => undefined);
    this.socket.on('history', (h: { messages: Array<{ id: string }> }) => {
      if (h.messages.some((m) => m.id === '0')) this.greeted?.();
    });
    this.socket.on('message', (m: { id: string; from: string }) => {
      if (m.from === 'customer' || m.id === '0') return;
      this.bots += 1;
      const at = performance.now();
      this.waiters = this.waiters.filter((w) => (w.n <= this.bots ? (w.resolve(at), false) : true));
    });
    this.socket.on('connect_error', (err: Error) => this.fail(`connect_error:${err.message}`));
    this.socket.on('disconnect', (reason) => this.fail(`disconnect:${reason}`));
  }

  /** Resolves with the time the n-th bot message arrived. */
  botMessage(n: number): Promise<number> {
    if (this.bots >= n) return Promise.resolve(performance.now());
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  send(step: number): Promise<void> {
    const { text, choiceId } = SCRIPT[step]!;
    return new Promise((resolve) => {
      this.socket.emit('message', { clientId: randomUUID(), text, ...(choiceId ? { choiceId } : {}) }, (ack: { ok: boolean; error?: { code: string } }) => {
        if (!ack.ok) this.fail(`ack:${ack.error?.code ?? 'unknown'}`);
        resolve();
      });
    });
  }

  close(): void {
    this.socket.off('disconnect');
    this.socket.close();
  }
}

function withDeadline<T>(p: Promise<T>, v: Visitor, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), Math.max(0, deadline - performance.now()));
  });
  return Promise.race([p, v.failure, timeout]).finally(() => clearTimeout(timer));
}

/** Closed loop: one intake, each message sent once the bot answered the previous one. */
async function closedIntake(base: string, stats: Stats, record: boolean): Promise<void> {
  const started = performance.now();
  const deadline = started + FINISH_WITHIN_MS;
  const v = new Visitor(base);
  stats.started += 1;
  try {
    await withDeadline(v.greeting, v, deadline);
    if (record) stats.greetings.push(performance.now() - started);
    for (let step = 0; step < SCRIPT.length; step++) {
      const sent = performance.now();
      const reply = v.botMessage(step + 1);
      await withDeadline(Promise.all([v.send(step), reply]), v, deadline);
      if (record) stats.latencies.push((await reply) - sent);
      stats.messages += 1;
    }
    stats.finished += 1;
  } catch (error) {
    stats.unfinished += 1;
    countError(stats, v.failed ?? (error as Error).message);
  } finally {
    v.close();
  }
}

const sleepUntil = (t: number) => new Promise((r) => setTimeout(r, Math.max(0, t - performance.now())));
const exponential = (mean: number) => -Math.log(1 - Math.random()) * mean;

// ---------------------------------------------------------------------------
// A load run against one URL

export interface LoadResult {
  mode: string;
  visitors: number;
  seconds: number;
  'messages/s': number;
  'p50 ms': number;
  'p99 ms': number;
  'max ms': number;
  'greeting p50 ms': number;
  finished: number;
  unfinished: number;
  errors: Record<string, number>;
  'client CPU %': number;
}

const percentile = (sorted: number[], p: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!);
const round1 = (x: number) => Math.round(x * 10) / 10;

function summarise(stats: Stats, mode: string, visitors: number, seconds: number, messages: number, cpu: NodeJS.CpuUsage): LoadResult {
  const lat = [...stats.latencies].sort((a, b) => a - b);
  const greet = [...stats.greetings].sort((a, b) => a - b);
  return {
    mode,
    visitors,
    seconds: round1(seconds),
    'messages/s': Math.round(messages / seconds),
    'p50 ms': round1(percentile(lat, 50)),
    'p99 ms': round1(percentile(lat, 99)),
    'max ms': round1(lat.at(-1) ?? NaN),
    'greeting p50 ms': round1(percentile(greet, 50)),
    finished: stats.finished,
    unfinished: stats.unfinished,
    errors: Object.fromEntries(stats.errors),
    'client CPU %': Math.round(((cpu.user + cpu.system) / 1000 / (seconds * 1000)) * 100),
  };
}

export async function runClosed(base: string, visitors: number, durationS: number, warmup: number): Promise<LoadResult> {
  if (warmup > 0) await Promise.all(Array.from({ length: warmup }, () => closedIntake(base, newStats(), false)));
  const stats = newStats();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const until = started + durationS * 1000;
  await Promise.all(
    Array.from({ length: visitors }, async () => {
      do await closedIntake(base, stats, true);
      while (performance.now() < until);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return summarise(stats, 'closed', visitors, seconds, stats.messages, process.cpuUsage(cpu));
}

/**
 * Open loop: each of `conversations` slots sends its messages at exponential
 * intervals (mean conversations/rate), due times fixed in advance, replies
 * awaited in the background. Connections are spread over a ramp; only messages
 * sent after it are measured.
 */
export async function runOpen(base: string, rate: number, conversations: number, durationS: number, warmup: number): Promise<LoadResult> {
  if (warmup > 0) await Promise.all(Array.from({ length: warmup }, () => closedIntake(base, newStats(), false)));
  const stats = newStats();
  const mean = (conversations / rate) * 1000;
  const t0 = performance.now();
  const ramp = Math.min(5000, mean);
  const from = t0 + ramp;
  const until = from + durationS * 1000;
  let sentInWindow = 0;
  let cpu = process.cpuUsage();
  setTimeout(() => (cpu = process.cpuUsage()), ramp);
  async function slot(i: number): Promise<void> {
    await sleepUntil(t0 + (i / conversations) * ramp);
    let due = performance.now() + exponential(mean);
    while (due < until) {
      const started = performance.now();
      const deadline = started + FINISH_WITHIN_MS;
      const v = new Visitor(base);
      stats.started += 1;
      const replies: Array<Promise<unknown>> = [];
      try {
        await withDeadline(v.greeting, v, deadline);
        if (started >= from) stats.greetings.push(performance.now() - started);
        for (let step = 0; step < SCRIPT.length && due < until; step++) {
          await withDeadline(sleepUntil(due), v, deadline);
          const sent = performance.now();
          const measured = sent >= from;
          if (measured) sentInWindow += 1;
          const reply = v.botMessage(step + 1).then((at) => {
            if (measured) stats.latencies.push(at - sent);
            stats.messages += 1;
          });
          replies.push(v.send(step), reply);
          due += exponential(mean);
        }
        await withDeadline(Promise.all(replies), v, deadline);
        if (replies.length === SCRIPT.length * 2) stats.finished += 1;
      } catch (error) {
        stats.unfinished += 1;
        countError(stats, v.failed ?? (error as Error).message);
      } finally {
        v.close();
      }
    }
  }
  await Promise.all(Array.from({ length: conversations }, (_, i) => slot(i)));
  const seconds = durationS;
  const result = summarise(stats, 'open', conversations, seconds, sentInWindow, process.cpuUsage(cpu));
  return { ...result, mode: `open ${rate}/s` };
}

function runOnce(base: string): Promise<LoadResult> {
  const warmup = Number(args.warmup);
  if (args.mode === 'open') return runOpen(base, Number(args.rate), Number(args.conversations), Number(args.duration ?? '30'), warmup);
  if (args.mode !== 'closed') throw new Error(`--mode must be closed or open, got ${args.mode}`);
  return runClosed(base, Number(args.visitors), Number(args.duration ?? '10'), warmup);
}

// ---------------------------------------------------------------------------
// Servers, each in a child process of its own (the load generator keeps this one)

const SERVER_ENV: Record<string, string> = {
  WEBCHAT_ALLOWED_ORIGINS: ORIGIN,
  WEBCHAT_SECRET: 'bench-only-webchat-secret-0123456789',
  // Every visitor comes from 127.0.0.1: the per-address and per-visitor limits would refuse a load test.
  WEBCHAT_MESSAGE_RATE: '999999/1s',
  WEBCHAT_ADDRESS_MESSAGE_RATE: '999999/1s',
  WEBCHAT_CONNECTION_RATE: '999999/1s',
  WEBCHAT_RECONNECT_RATE: '999999/1s',
  MAX_SOCKETS_PER_ADDRESS: '1000000',
  // startTestApp polls every 200 ms for tests; run the production default.
  OUTBOX_POLL_INTERVAL: '1s',
};

/** Runs in the child: starts one server, prints its URL, stops when stdin closes. */
async function serve(kind: string): Promise<void> {
  const cleanups: Array<() => Promise<void>> = [];
  let url: string;
  if (kind === 'echo') {
    const { startEchoServer } = await import('./echo-server.js');
    const server = await startEchoServer();
    cleanups.push(() => server.close());
    url = server.url;
  } else {
    const { baseOf, makeTempDir, startTestApp } = await import('../test/support/app.js');
    const tmp = await makeTempDir('relaydesk-webchat-bench-');
    cleanups.push(() => tmp.remove());
    let databaseUrl: string | null = null;
    let redisUrl: string | null = null;
    if (kind === 'postgres') {
      if (!process.env.DATABASE_URL || !process.env.REDIS_URL) throw new Error('set DATABASE_URL and REDIS_URL for the PostgreSQL + Redis gateway');
      const { createScratchDatabase } = await import('../test/support/services.js');
      const db = await createScratchDatabase();
      cleanups.unshift(() => db.drop());
      databaseUrl = db.url;
      redisUrl = process.env.REDIS_URL;
    } else if (kind !== 'embedded') {
      throw new Error(`unknown server ${kind}`);
    }
    const app = await startTestApp({ dataDir: tmp.dir, databaseUrl, redisUrl, env: SERVER_ENV });
    cleanups.unshift(() => app.stop());
    url = baseOf(app);
  }
  console.log(`BENCH_READY ${JSON.stringify({ url })}`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    for (const cleanup of cleanups) await cleanup().catch((error: unknown) => console.error('cleanup failed', error));
    process.exit(0);
  };
  process.stdin.on('end', () => void stop());
  process.stdin.on('close', () => void stop());
  process.stdin.resume();
}

/** CPU time (ms) a process has used so far, from /proc. */
function cpuMsOf(pid: number): number | null {
  const file = `/proc/${pid}/stat`;
  if (!existsSync(file)) return null;
  const stat = readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Running {
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function startServer(kind: string): Promise<Running> {
  const nodeArgs = ['--import', 'tsx'];
  if (args.profile && kind !== 'echo') nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${args.profile}`, `--cpu-prof-name=${kind}-${Date.now()}.cpuprofile`);
  const child = spawn(process.execPath, [...nodeArgs, fileURLToPath(import.meta.url), '--serve', kind], {
    stdio: ['pipe', 'pipe', 'inherit'],
    env: { ...process.env, TEST_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent' },
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('BENCH_READY ')) resolve((JSON.parse(line.slice('BENCH_READY '.length)) as { url: string }).url);
      else process.stdout.write(`[${kind}] ${line}\n`);
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited (${code}) before listening`)));
  });
  return {
    url,
    child,
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

const LABEL: Record<string, string> = { echo: 'echo (bare socket.io)', postgres: 'gateway, PostgreSQL + Redis', embedded: 'gateway, embedded' };

async function drive(): Promise<void> {
  const backends = (args.backends ?? (process.env.DATABASE_URL && process.env.REDIS_URL ? 'echo,postgres,embedded' : 'echo,embedded')).split(',');
  if (!backends.includes('echo')) backends.unshift('echo');
  const rounds = Number(args.rounds);
  const rows: Array<Record<string, unknown>> = [];
  for (let round = 1; round <= rounds; round++) {
    // Alternate the order from round to round, so drift in the machine's load falls on both sides.
    const order = round % 2 === 1 ? backends : [...backends].reverse();
    const echo: { value: LoadResult | null } = { value: null };
    const results: Array<{ kind: string; result: LoadResult; serverCpuMs: number | null }> = [];
    for (const kind of order) {
      const server = await startServer(kind);
      try {
        const cpuBefore = cpuMsOf(server.child.pid!);
        const result = await runOnce(server.url);
        const cpuAfter = cpuMsOf(server.child.pid!);
        results.push({ kind, result, serverCpuMs: cpuBefore === null || cpuAfter === null ? null : cpuAfter - cpuBefore });
        if (kind === 'echo') echo.value = result;
        console.error(`round ${round} ${kind}: ${result['messages/s']} messages/s, p50 ${result['p50 ms']} ms, p99 ${result['p99 ms']} ms, unfinished ${result.unfinished}`);
      } finally {
        await server.stop();
      }
    }
    for (const { kind, result, serverCpuMs } of results) {
      const { errors, ...rest } = result;
      rows.push({
        round,
        server: LABEL[kind] ?? kind,
        ...rest,
        'server CPU µs/message': serverCpuMs === null || result.finished === 0 ? null : Math.round((serverCpuMs * 1000) / Math.max(1, result['messages/s'] * result.seconds)),
        'ratio to echo': echo.value ? +(result['messages/s'] / echo.value['messages/s']).toFixed(2) : null,
        errors: Object.keys(errors).length ? JSON.stringify(errors) : '',
      });
    }
  }
  console.table(rows);
  if (args.json) console.log(JSON.stringify(rows));
}

if (args.serve) await serve(args.serve);
else if (args.target) {
  const result = await runOnce(args.target);
  console.table([result]);
  if (args.json) console.log(JSON.stringify(result));
  process.exit(0);
} else {
  await drive();
  process.exit(0);
}

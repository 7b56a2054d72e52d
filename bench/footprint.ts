/**
 * `npm run bench:footprint`: what the embedded default costs at rest. Starts
 * the gateway the way `npm start` does (no DATABASE_URL, no REDIS_URL: PGlite
 * under a fresh temporary DATA_DIR, in-memory state) on a free port, once to
 * apply the migrations and then --rounds more times on the same folder, and
 * prints for each start the time from spawning `npm start` to the
 * "listening" log line, and the RSS and VmHWM (peak RSS) of the node process
 * that serves (the one holding the listening socket, not npm's) after --idle
 * seconds of rest, plus what the rest of the process tree (npm) holds.
 *
 * Baselines measured in the same run give the figures a scale on any machine:
 * an empty node process, a fastify "hello" server, and PGlite alone (its
 * defaults) opened on the same data folder.
 *
 *   npm run bench:footprint
 *   npm run bench:footprint -- --rounds 3 --idle 10
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: { rounds: { type: 'string', default: '2' }, idle: { type: 'string', default: '5' } },
});
const ROUNDS = Number(args.rounds);
const IDLE_MS = Number(args.idle) * 1000;
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** What selects services or channels: unset, so the gateway runs on its embedded default. */
const NON_DEFAULT = /^(DATABASE_URL|REDIS_URL|TELEGRAM_\w+|WHATSAPP_\w+|CHROMIUM_PATH)$/;
const START_TIMEOUT_MS = 120_000;

interface Footprint {
  label: string;
  /** From spawn to the ready line. */
  readyMs: number;
  /** From spawn to the serving process's exec (10 ms resolution), when it is not the spawned one. */
  execMs: number | null;
  rssKiB: number;
  anonKiB: number;
  hwmKiB: number;
  /** RSS of the other processes of the tree (npm, sh, helpers). */
  restKiB: number;
}

interface Subject {
  label: string;
  command: string[];
  env?: NodeJS.ProcessEnv;
  ready: RegExp;
  /** Port the server listens on: its owner is the process measured. */
  port?: number;
}

async function measure(subject: Subject): Promise<Footprint> {
  const [file, ...argv] = subject.command as [string, ...string[]];
  const started = performance.now();
  const startedTicks = uptimeTicks();
  const child = spawn(file, argv, { cwd: ROOT, env: subject.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let log = '';
  const readyMs = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${subject.label}: not ready after ${START_TIMEOUT_MS} ms:\n${log}`)), START_TIMEOUT_MS);
    const onLine = (line: string) => {
      log += `${line}\n`;
      if (!subject.ready.test(line)) return;
      clearTimeout(timer);
      resolve(performance.now() - started);
    };
    createInterface({ input: child.stdout! }).on('line', onLine);
    createInterface({ input: child.stderr! }).on('line', onLine);
    void exited.then((code) => reject(new Error(`${subject.label}: exited (${code}) before it was ready:\n${log}`)));
  });
  try {
    await sleep(IDLE_MS);
    const tree = descendants(child.pid!);
    const serving = subject.port ? socketOwner(tree, subject.port) : child.pid!;
    const status = readStatus(serving);
    const restKiB = tree.filter((pid) => pid !== serving).reduce((sum, pid) => sum + (readStatus(pid).VmRSS ?? 0), 0);
    const execMs = serving === child.pid ? null : (startTicks(serving) - startedTicks) * 10;
    return { label: subject.label, readyMs, execMs, rssKiB: status.VmRSS!, anonKiB: status.RssAnon!, hwmKiB: status.VmHWM!, restKiB };
  } finally {
    process.kill(-child.pid!, 'SIGTERM');
    const timeout = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 20_000);
    await exited;
    clearTimeout(timeout);
  }
}

/** The `kB` fields of /proc/<pid>/status (VmRSS, VmHWM, RssAnon...). */
function readStatus(pid: number): Record<string, number> {
  const fields: Record<string, number> = {};
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    const m = /^(\w+):\s+(\d+) kB$/.exec(line);
    if (m) fields[m[1]!] = Number(m[2]);
  }
  return fields;
}

/** Field `n` (1-based, as in proc_pid_stat(5)) of /proc/<pid>/stat; the command name may hold spaces. */
function statField(pid: number, n: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[n - 3]!;
}

/** When `pid` started, in clock ticks since boot (USER_HZ, 100 on Linux). */
const startTicks = (pid: number) => Number(statField(pid, 22));
const uptimeTicks = () => Math.round(Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]) * 100);

/** `pid` and every live process below it. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const ppid = Number(statField(Number(name), 4));
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
    } catch {
      // gone meanwhile
    }
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** The process of `pids` holding the socket that listens on `port` (/proc/net/tcp, then its fds). */
function socketOwner(pids: number[], port: number): number {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const row of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = row.trim().split(/\s+/);
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A') inodes.add(cols[9]!);
    }
  }
  for (const pid of pids) {
    const fds = readdirSync(`/proc/${pid}/fd`);
    if (fds.some((fd) => inodes.has(/^socket:\[(\d+)\]$/.exec(safeReadlink(`/proc/${pid}/fd/${fd}`))?.[1] ?? ''))) return pid;
  }
  throw new Error(`no process of ${pids.join(', ')} listens on port ${port}`);
}

function safeReadlink(file: string): string {
  try {
    return readlinkSync(file);
  } catch {
    return '';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const mib = (kib: number) => `${Math.round(kib / 1024)} MiB`.padStart(9);
const ms = (v: number | null) => (v === null ? '' : `${Math.round(v)} ms`).padStart(8);

function print(f: Footprint): void {
  const rest = f.restKiB ? `  + ${Math.round(f.restKiB / 1024)} MiB rest of tree` : '';
  console.log(`${f.label.padEnd(38)} ${ms(f.readyMs)} ${ms(f.execMs)} ${mib(f.rssKiB)} ${mib(f.anonKiB)} ${mib(f.hwmKiB)}${rest}`);
}

const dataDir = await mkdtemp(path.join(tmpdir(), 'relaydesk-footprint-'));
try {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !NON_DEFAULT.test(k)));
  Object.assign(env, { DATA_DIR: dataDir, HOST: '127.0.0.1', LOG_FORMAT: 'json', LOG_LEVEL: 'info', NODE_ENV: 'production' });
  const npm = process.env.npm_execpath ? [process.execPath, process.env.npm_execpath] : ['npm'];
  console.log(`embedded gateway (npm start) in ${dataDir}, idle ${IDLE_MS / 1000} s; Node ${process.version}`);
  console.log(`${''.padEnd(38)} ${'ready'.padStart(8)} ${'exec'.padStart(8)} ${'RSS'.padStart(9)} ${'anon'.padStart(9)} ${'VmHWM'.padStart(9)}`);
  for (let round = 0; round <= ROUNDS; round++) {
    const port = await freePort();
    const label = round === 0 ? 'gateway, first start (migrations)' : `gateway, start ${round + 1}`;
    print(await measure({ label, command: [...npm, 'start'], env: { ...env, PORT: String(port) }, ready: /RelayDesk listening on/, port }));
  }
  const port = await freePort();
  const node = process.execPath;
  const hello = `import Fastify from 'fastify'; const app = Fastify(); app.get('/', async () => 'hello'); await app.listen({ port: ${port}, host: '127.0.0.1' }); console.log('listening');`;
  const pglite = `import { PGlite } from '@electric-sql/pglite'; const db = new PGlite(${JSON.stringify(path.join(dataDir, 'pglite'))}); await db.query('SELECT 1'); console.log('ready'); setInterval(() => {}, 1e6);`;
  print(await measure({ label: 'baseline: node, empty', command: [node, '-e', "console.log('ready'); setInterval(() => {}, 1e6)"], ready: /^ready$/ }));
  print(await measure({ label: 'baseline: fastify hello', command: [node, '--input-type=module', '-e', hello], ready: /^listening$/, port }));
  print(await measure({ label: 'baseline: PGlite alone (its defaults)', command: [node, '--input-type=module', '-e', pglite], ready: /^ready$/ }));
  console.log('ready: spawn to the listening line; exec: spawn to the serving node process start (after npm and the build steps)');
} finally {
  await rm(dataDir, { recursive: true, force: true });
}

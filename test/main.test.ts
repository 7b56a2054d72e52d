/**
 * `npm start` as a user runs it: the real entry point in a child process, on
 * the embedded default, stopped with SIGTERM.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawnGateway, stopGateway, type GatewayProcess } from './deploy/gateway-process.js';
import { freePort, makeTempDir } from './support/app.js';

const root = new URL('..', import.meta.url).pathname;


function run(env: Record<string, string>) {
  return spawnGateway(process.execPath, ['--import', 'tsx', 'src/main.ts'], { PATH: process.env.PATH ?? '', ...env }, root);
}

describe('the gateway process', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    tmp = await makeTempDir();
  });
  afterAll(() => tmp?.remove());

  it('starts on the embedded default, serves, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const proc = run({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: tmp.dir });
    await proc.waitFor('RelayDesk listening on');
    const listening = proc.output().split('\n').filter((l) => l.includes('listening'));
    expect(listening).toHaveLength(1);
    expect(listening[0]).toContain(`http://127.0.0.1:${port}`);
    expect(listening[0]).toContain('embedded PGlite');

    expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    const ready = await fetch(`http://127.0.0.1:${port}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { database: 'ok' } });

    proc.child.kill('SIGTERM');
    expect((await proc.exited).code).toBe(0);
    expect(proc.output()).toContain('"msg":"stopped"');
    // A first start creates the embedded database: under the whole suite on 2 cores it has taken over 30 s.
  }, 120_000);

  it('refuses to start with an invalid variable, naming it', async () => {
    const proc = run({ PORT: 'eighty', DATA_DIR: tmp.dir });
    expect((await proc.exited).code).toBe(2);
    expect(proc.output()).toContain('PORT must be an integer');
  });
});

/** A process as /proc shows it; its start time tells it apart from a later process given the same pid. */
interface Proc {
  pid: number;
  ppid: number;
  start: string;
  state: string;
  command: string;
}

function readProc(pid: number): Proc | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
    return { pid, ppid: Number(fields[1]), start: fields[19]!, state: fields[0]!, command };
  } catch {
    return null; // gone between the listing and the read
  }
}

/** Every process below `pid`, children first. */
function descendantsOf(pid: number): Proc[] {
  const all = readdirSync('/proc').filter((name) => /^\d+$/.test(name)).map((name) => readProc(Number(name))).filter((p) => p !== null);
  const found: Proc[] = [];
  const parents = [pid];
  while (parents.length > 0) {
    const parent = parents.shift()!;
    for (const p of all.filter((q) => q.ppid === parent)) {
      found.push(p);
      parents.push(p.pid);
    }
  }
  return found;
}

/** Those of `procs` still running (a zombie has exited; the same pid with another start time is another process). */
function stillRunning(procs: Proc[]): string[] {
  return procs.filter((p) => {
    const now = readProc(p.pid);
    return now !== null && now.start === p.start && now.state !== 'Z';
  }).map((p) => `${p.pid} ${p.command}`);
}

function portRefuses(origin: string): Promise<boolean> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(true));
  });
}

// Process managers, and `docker stop` without an init, send SIGTERM to the one pid they started.
describe.skipIf(process.platform !== 'linux')('npm start', () => {
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  let npm: GatewayProcess | undefined;
  let tree: Proc[] = [];
  beforeAll(async () => {
    tmp = await makeTempDir();
  });
  afterAll(async () => {
    // Whatever outlived npm is stopped gracefully, so the embedded database is closed before its folder goes.
    for (const p of tree) if (stillRunning([p]).length > 0) process.kill(p.pid, 'SIGTERM');
    await stopGateway(npm);
    await vi.waitFor(() => expect(stillRunning(tree)).toEqual([]), { timeout: 30_000, interval: 100 });
    await tmp?.remove();
  });

  it('stops the whole gateway when the npm process gets SIGTERM: no process left, port closed, database unlocked', async () => {
    npm = spawnGateway('npm', ['start'], { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? tmp.dir, PORT: '0', HOST: '127.0.0.1', DATA_DIR: tmp.dir }, root);
    const origin = await npm.origin();
    expect((await fetch(`${origin}/health`)).status).toBe(200);
    tree = descendantsOf(npm.child.pid!);
    expect(tree.map((p) => p.command).join('\n')).toContain('dist/main.js');
    expect(existsSync(path.join(tmp.dir, 'pglite.pid'))).toBe(true);

    process.kill(npm.child.pid!, 'SIGTERM');
    const exit = await npm.exited;
    await expect.poll(() => stillRunning(tree), { timeout: 30_000 }).toEqual([]);
    expect(await portRefuses(origin)).toBe(true);
    expect(existsSync(path.join(tmp.dir, 'pglite.pid'))).toBe(false);
    expect(npm.output()).toContain('"msg":"stopped"');
    // npm exits as its script did: 0, after the gateway's graceful shutdown.
    expect(exit).toEqual({ code: 0, signal: null });
  }, 120_000);
});

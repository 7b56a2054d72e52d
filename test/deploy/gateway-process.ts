/**
 * The gateway as an operator starts it: a real command in a child process,
 * with exactly the environment given (nothing inherited but what is passed),
 * its output kept, and waits that end on events (a line printed, the process
 * exiting), never on a clock.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { Redis } from 'ioredis';
import { expect } from 'vitest';
import { makeTempDir } from '../support/app.js';
import { createScratchDatabase, redisUrl } from '../support/services.js';

export interface GatewayProcess {
  child: ChildProcess;
  /** Settles when the process exits, with its code (or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Everything printed so far, stdout and stderr interleaved. */
  output: () => string;
  /** Resolves when `text` has been printed; rejects, with the output, if the process exits first. */
  waitFor: (text: string) => Promise<void>;
  /** The origin from the "RelayDesk listening on …" line (which says where PORT=0 landed). */
  origin: () => Promise<string>;
}

const LISTENING = /RelayDesk listening on (http:\/\/[^\s]+?) \(/;

export function spawnGateway(command: string, args: string[], env: Record<string, string>, cwd: string): GatewayProcess {
  const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const waiters = new Set<() => void>();
  const append = (d: Buffer) => {
    output += d.toString();
    for (const check of waiters) check();
  };
  child.stdout!.on('data', append);
  child.stderr!.on('data', append);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  void exited.then((e) => {
    exit = e;
    for (const check of waiters) check();
  });

  const waitFor = (text: string) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (output.includes(text)) {
          waiters.delete(check);
          resolve();
        } else if (exit) {
          waiters.delete(check);
          reject(new Error(`"${command} ${args.join(' ')}" exited (${describeExit(exit)}) before printing "${text}"; it printed:\n${output}`));
        }
      };
      waiters.add(check);
      check();
    });

  const origin = async () => {
    await waitFor('RelayDesk listening on');
    const match = LISTENING.exec(output);
    if (!match) throw new Error(`no address in the listening line:\n${output}`);
    return match[1]!.replace('0.0.0.0', '127.0.0.1');
  };

  return { child, exited, output: () => output, waitFor, origin };
}

export function describeExit(exit: { code: number | null; signal: NodeJS.Signals | null }): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/** Stops a gateway that is still running (SIGTERM, its graceful shutdown) and waits for it. */
export async function stopGateway(proc: GatewayProcess | undefined): Promise<void> {
  if (!proc || proc.child.exitCode !== null || proc.child.signalCode !== null) return;
  proc.child.kill('SIGTERM');
  await proc.exited;
}

/** Where a deployment's service hosts are pointed in tests: a scratch database, the test Redis under a namespace of its own, a data folder. */
export interface TestServices {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  dataDir: string;
  remove: () => Promise<void>;
}

export async function createTestServices(): Promise<TestServices> {
  if (!redisUrl) throw new Error('REDIS_URL is not set');
  const database = await createScratchDatabase();
  const tmp = await makeTempDir();
  return {
    databaseUrl: database.url,
    redisUrl,
    redisPrefix: `t_${new URL(database.url).pathname.slice(1)}:`,
    dataDir: tmp.dir,
    remove: async () => {
      await database.drop();
      await tmp.remove();
    },
  };
}

/** Waits until the gateway listens and its `/ready` answers 200 (the database and Redis reached); fails with its output if it exits. */
export async function expectReady(proc: GatewayProcess): Promise<string> {
  const origin = await proc.origin();
  await expect.poll(() => fetch(`${origin}/ready`).then((r) => r.status, () => 0)).toBe(200);
  return origin;
}

/**
 * Waits until the gateway's socket.io adapter listens on Redis under `redisPrefix`: without its
 * subscriptions an instance silently misses every other instance's broadcasts.
 */
export async function expectAdapterSubscribed(redisPrefix: string): Promise<void> {
  const admin = new Redis(redisUrl!);
  try {
    await expect.poll(async () => (await admin.pubsub('CHANNELS', `${redisPrefix}socket.io*`)).length).toBeGreaterThan(0);
  } finally {
    admin.disconnect();
  }
}

import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseInUseError, lockDataDir, parseOwner, startOf } from '../../src/db/pglite-lock.js';
import { makeTempDir } from '../support/app.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const lockModule = pathToFileURL(path.join(root, 'src/db/pglite-lock.ts')).href;
const NO_PROC = '/nonexistent-proc';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function dir(): Promise<string> {
  const tmp = await makeTempDir('relaydesk-lock-');
  cleanups.push(tmp.remove);
  return tmp.dir;
}

function track(child: ChildProcess): ChildProcess {
  cleanups.push(() => void child.kill('SIGKILL'));
  return child;
}

/** A live process that is not a gateway and never wrote a lock: what a reused pid points at. */
async function sleeper(): Promise<number> {
  const child = track(spawn('sleep', ['60'], { stdio: 'ignore' }));
  await once(child, 'spawn');
  return child.pid!;
}

/** Another Node.js process that takes the lock of `d` and holds it until killed; resolves once it holds it. */
async function holder(d: string, procDir?: string): Promise<ChildProcess> {
  const script = path.join(d, 'holder.mts');
  await writeFile(
    script,
    `import { lockDataDir } from ${JSON.stringify(lockModule)};\n` +
      `await lockDataDir(${JSON.stringify(d)}${procDir ? `, { procDir: ${JSON.stringify(procDir)} }` : ''});\n` +
      `process.stdout.write('locked\\n');\nprocess.stdin.resume();\n`,
  );
  const child = track(spawn(process.execPath, ['--import', 'tsx', script], { cwd: root, stdio: ['pipe', 'pipe', 'inherit'] }));
  let out = '';
  child.stdout!.setEncoding('utf8');
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      if (out.includes('locked')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`the holder exited (${code}) before locking`)));
  });
  return child;
}

const lockFile = (d: string) => path.join(d, 'pglite.pid');
const bootId = async () => (await readFile('/proc/sys/kernel/random/boot_id', 'utf8')).trim();

describe('the embedded database folder lock', () => {
  it('refuses a second opener while the first holds it, and lets it in after release', async () => {
    const d = await dir();
    const release = await lockDataDir(d);
    await expect(lockDataDir(d)).rejects.toBeInstanceOf(DatabaseInUseError);
    await release();
    const again = await lockDataDir(d);
    await again();
  });

  it('records who holds it: pid, its start time, host and boot', async () => {
    const d = await dir();
    const release = await lockDataDir(d);
    const owner = parseOwner(await readFile(lockFile(d), 'utf8'));
    expect(owner).toEqual({ pid: process.pid, start: startOf(process.pid), host: hostname(), boot: await bootId() });
    expect(owner!.start).toMatch(/^proc:\d+$/);
    await release();
  });

  it('refuses while another live gateway process holds it, naming that process; takes it over once that process died', async () => {
    const d = await dir();
    const child = await holder(d);
    await expect(lockDataDir(d)).rejects.toThrow(`in use by process ${child.pid}`);
    child.kill('SIGKILL'); // a crash: the lock file stays
    await once(child, 'exit');
    const release = await lockDataDir(d);
    await release();
  });

  it('refuses a live Node.js process named by a lock file of an earlier version (the pid alone)', async () => {
    const d = await dir();
    const child = track(spawn(process.execPath, ['-e', 'process.stdin.resume()'], { stdio: ['pipe', 'ignore', 'ignore'] }));
    await once(child, 'spawn');
    await writeFile(lockFile(d), String(child.pid));
    await expect(lockDataDir(d)).rejects.toThrow(`in use by process ${child.pid}`);
  });

  it('takes over a lock whose pid now belongs to another live process, in the old and the new format', async () => {
    const pid = await sleeper();
    const old = await dir();
    await writeFile(lockFile(old), String(pid));
    await (await lockDataDir(old))();

    const current = await dir();
    // The gateway that wrote it had this pid, but started at another time than the `sleep` that has it now.
    await writeFile(lockFile(current), JSON.stringify({ pid, start: 'proc:1', host: hostname(), boot: await bootId() }));
    await (await lockDataDir(current))();
  });

  it('takes over a lock written before a reboot, whoever has its pid now', async () => {
    const d = await dir();
    await writeFile(lockFile(d), JSON.stringify({ pid: await sleeper(), start: startOf(process.pid), host: hostname(), boot: 'another-boot' }));
    await (await lockDataDir(d))();
  });

  it('takes over a lock left by a process that is gone, or by an earlier run with the same pid (pid 1 in Docker)', async () => {
    const d = await dir();
    await writeFile(lockFile(d), '2147483646');
    await (await lockDataDir(d))();
    await writeFile(lockFile(d), String(process.pid));
    await (await lockDataDir(d))();
    await writeFile(lockFile(d), JSON.stringify({ pid: process.pid, start: 'proc:1', host: hostname(), boot: await bootId() }));
    await (await lockDataDir(d))();
  });

  it('keeps a lock taken on another host (a shared volume), saying how to clear it', async () => {
    const d = await dir();
    await writeFile(lockFile(d), JSON.stringify({ pid: 4242, start: 'proc:77', host: 'other-host', boot: 'b' }));
    await expect(lockDataDir(d)).rejects.toThrow(/locked by process 4242 on host other-host.*delete .*pglite\.pid/);
  });

  it('without /proc, tells the owner apart by the start time ps reports', async () => {
    expect(startOf(process.pid, NO_PROC)).toMatch(/^ps:\w{3} \w{3} +\d+ [\d:]+ \d{4}$/);
    const d = await dir();
    const child = await holder(d, NO_PROC);
    expect(parseOwner(await readFile(lockFile(d), 'utf8'))).toMatchObject({ pid: child.pid, start: expect.stringMatching(/^ps:/), boot: null });
    await expect(lockDataDir(d, { procDir: NO_PROC })).rejects.toThrow(`in use by process ${child.pid}`);

    const reused = await dir();
    await writeFile(lockFile(reused), JSON.stringify({ pid: await sleeper(), start: 'ps:Thu Jan 1 00:00:00 1970', host: hostname() }));
    await (await lockDataDir(reused, { procDir: NO_PROC }))();
  });
});

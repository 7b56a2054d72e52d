import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DatabaseInUseError, lockDataDir } from '../../src/db/pglite-lock.js';
import { makeTempDir } from '../support/app.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function dir(): Promise<string> {
  const tmp = await makeTempDir('relaydesk-lock-');
  cleanups.push(tmp.remove);
  return tmp.dir;
}

describe('the embedded database folder lock', () => {
  it('refuses a second opener while the first holds it, and lets it in after release', async () => {
    const d = await dir();
    const release = await lockDataDir(d);
    await expect(lockDataDir(d)).rejects.toBeInstanceOf(DatabaseInUseError);
    await release();
    const again = await lockDataDir(d);
    await again();
  });

  it('refuses while another live process holds it, naming that process', async () => {
    const d = await dir();
    await writeFile(path.join(d, 'pglite.pid'), String(process.ppid));
    await expect(lockDataDir(d)).rejects.toThrow(`in use by process ${process.ppid}`);
  });

  it('takes over a lock left by a process that is gone, or by an earlier run with the same pid (pid 1 in Docker)', async () => {
    const d = await dir();
    await writeFile(path.join(d, 'pglite.pid'), '2147483646');
    const release = await lockDataDir(d);
    await release();
    await writeFile(path.join(d, 'pglite.pid'), String(process.pid));
    const again = await lockDataDir(d);
    await again();
  });
});

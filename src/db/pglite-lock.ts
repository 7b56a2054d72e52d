/**
 * PGlite runs PostgreSQL inside one process and has no lock of its own: two
 * processes opening the same folder corrupt it. This lock file (the owner's
 * pid) refuses a second opener while the first one lives; a stale file left
 * by a crash is taken over.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

const LOCK_FILE = 'pglite.pid';
/** Folders this process has locked: a file naming our own pid is stale unless it is in here (in Docker, node is pid 1 on every start). */
const heldHere = new Set<string>();

export class DatabaseInUseError extends Error {
  override readonly name = 'DatabaseInUseError';
  readonly code = 'database_in_use';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder's lock; returns its release. Throws DatabaseInUseError while another live process holds it. */
export async function lockDataDir(dir: string): Promise<() => Promise<void>> {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(file, String(process.pid), { flag: 'wx' });
      heldHere.add(file);
      return async () => {
        heldHere.delete(file);
        await rm(file, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const owner = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    const inUse = owner === process.pid ? heldHere.has(file) : owner > 0 && alive(owner);
    if (inUse) {
      throw new DatabaseInUseError(
        `the embedded database in ${path.join(dir, "pglite")} is in use by process ${owner}: stop that gateway first (or use DATABASE_URL to share PostgreSQL)`,
      );
    }
    await rm(file, { force: true }); // left by a process that is gone
  }
  throw new DatabaseInUseError(`could not lock the embedded database in ${dir}`);
}

/**
 * PGlite runs PostgreSQL inside one process and has no lock of its own: two
 * processes opening the same folder corrupt it. This lock file names its owner
 * (host, boot, pid and the pid's start time) and refuses a second opener while
 * that owner lives; one left by a crash is taken over, also when its pid now
 * belongs to another process (pid reuse: after a reboot, or pid 1 in Docker).
 *
 * The same idea as PostgreSQL's own postmaster.pid, which records more than
 * the pid for the same reason.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';

const LOCK_FILE = 'pglite.pid';
/** What link() fails with where the file system has no hard links. */
const NO_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV']);
/** Folders this process has locked: a file naming this very process is stale unless it is in here. */
const heldHere = new Set<string>();

export class DatabaseInUseError extends Error {
  override readonly name = 'DatabaseInUseError';
  readonly code = 'database_in_use';
}

/**
 * Who wrote a lock file. Files of earlier versions hold the pid alone: the
 * other fields are then null.
 */
export interface LockOwner {
  pid: number;
  /** When that pid started (see startOf), or null if unknown. */
  start: string | null;
  host: string | null;
  /** The kernel's boot id: a pid recorded before a reboot names nobody. */
  boot: string | null;
}

export interface LockOptions {
  /** Where the proc filesystem is mounted; tests point it elsewhere to exercise the fallback. */
  procDir?: string;
}

/** Takes the folder's lock; returns its release. Throws DatabaseInUseError while another live process holds it. */
export async function lockDataDir(dir: string, opts: LockOptions = {}): Promise<() => Promise<void>> {
  const file = path.join(dir, LOCK_FILE);
  const proc = opts.procDir ?? '/proc';
  const me: LockOwner = { pid: process.pid, start: startOf(process.pid, proc), host: hostname(), boot: bootId(proc) };
  for (let attempt = 0; attempt < 2; attempt++) {
    if (await createExclusive(file, JSON.stringify(me))) {
      heldHere.add(file);
      return async () => {
        heldHere.delete(file);
        await rm(file, { force: true });
      };
    }
    const owner = parseOwner(await readFile(file, 'utf8').catch(() => ''));
    const verdict = owner ? judgeOwner(owner, me, proc, heldHere.has(file)) : 'stale';
    if (verdict === 'elsewhere') {
      throw new DatabaseInUseError(
        `the embedded database in ${path.join(dir, 'pglite')} is locked by process ${owner!.pid} on host ${owner!.host}, ` +
          `which this host cannot check: stop that gateway first; if none runs there any more, delete ${file}`,
      );
    }
    if (verdict === 'live') {
      throw new DatabaseInUseError(
        `the embedded database in ${path.join(dir, 'pglite')} is in use by process ${owner!.pid}: stop that gateway first (or use DATABASE_URL to share PostgreSQL)`,
      );
    }
    await rm(file, { force: true }); // left by a process that is gone
  }
  throw new DatabaseInUseError(`could not lock the embedded database in ${dir}`);
}

/**
 * Creates `file` with `content` unless it exists. Through a hard link, which is
 * atomic: a reader never sees it empty or half written. Where the file system
 * has no hard links, an exclusive create does the same but for that window.
 */
async function createExclusive(file: string, content: string): Promise<boolean> {
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const existed = (error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  };
  await writeFile(draft, content);
  try {
    await link(draft, file);
    return true;
  } catch (error) {
    if (!NO_LINKS.has((error as NodeJS.ErrnoException).code ?? '')) return existed(error);
    return await writeFile(file, content, { flag: 'wx' }).then(() => true, existed);
  } finally {
    await rm(draft, { force: true });
  }
}

/** A lock file's content: this version's JSON, or an earlier version's bare pid. Null when unreadable. */
export function parseOwner(text: string): LockOwner | null {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return { pid: Number(trimmed), start: null, host: null, boot: null };
  try {
    const v = JSON.parse(trimmed) as Record<string, unknown>;
    if (!Number.isSafeInteger(v.pid) || (v.pid as number) <= 0) return null;
    const str = (x: unknown) => (typeof x === 'string' && x ? x : null);
    return { pid: v.pid as number, start: str(v.start), host: str(v.host), boot: str(v.boot) };
  } catch {
    return null;
  }
}

/**
 * Whether the lock's writer still runs: `live`, `stale` (gone, or its pid now
 * belongs to another process), or `elsewhere` (another host: its processes
 * cannot be seen from here, so the lock is kept).
 */
function judgeOwner(owner: LockOwner, me: LockOwner, proc: string, heldByMe: boolean): 'live' | 'stale' | 'elsewhere' {
  if (owner.host !== null && owner.host !== me.host) return 'elsewhere';
  if (owner.boot !== null && me.boot !== null && owner.boot !== me.boot) return 'stale'; // nothing survives a reboot
  if (owner.pid === me.pid) return heldByMe && (owner.start === null || owner.start === me.start) ? 'live' : 'stale';
  if (!alive(owner.pid)) return 'stale';
  if (owner.start !== null) {
    const now = startOf(owner.pid, proc);
    // Unknown (no /proc and no ps, or another kind of record): keep the lock rather than risk two openers.
    if (now === null || kindOf(now) !== kindOf(owner.start)) return 'live';
    return now === owner.start ? 'live' : 'stale';
  }
  // An earlier version's file: its writer was a Node.js process, so a live pid running another program is a reuse.
  return runsNode(owner.pid, proc) === false ? 'stale' : 'live';
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const kindOf = (start: string) => start.slice(0, start.indexOf(':'));

/**
 * When `pid` started: `proc:<ticks since boot>` from /proc/<pid>/stat (field
 * 22, counted after the command name, which may hold spaces and parentheses;
 * see proc_pid_stat(5)), or `ps:<date>` from `ps -o lstart=` where there is no
 * /proc (macOS, the BSDs). Null when neither answers.
 */
export function startOf(pid: number, proc = '/proc'): string | null {
  try {
    const stat = readFileSync(path.join(proc, String(pid), 'stat'), 'utf8');
    const ticks = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
    return ticks && /^\d+$/.test(ticks) ? `proc:${ticks}` : null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || procMounted(proc)) return null;
  }
  try {
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'ignore'] });
    return out.trim() ? `ps:${out.trim().replace(/\s+/g, ' ')}` : null;
  } catch {
    return null;
  }
}

function procMounted(proc: string): boolean {
  try {
    readFileSync(path.join(proc, 'self', 'stat'));
    return true;
  } catch {
    return false;
  }
}

function bootId(proc: string): string | null {
  try {
    return readFileSync(path.join(proc, 'sys', 'kernel', 'random', 'boot_id'), 'utf8').trim() || null;
  } catch {
    return null;
  }
}

/** Whether `pid` runs a Node.js executable; null when that cannot be seen (no /proc, another user's process). */
function runsNode(pid: number, proc: string): boolean | null {
  try {
    const exe = path.basename(readlinkSync(path.join(proc, String(pid), 'exe')));
    return exe === path.basename(process.execPath) || exe.startsWith('node');
  } catch {
    return null;
  }
}

import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PrunableStorage } from './attachment-storage.port.js';

const PREFIX = 'fs:';

/**
 * Stores attachments as files under `root`, named by their sha256
 * (`ab/abcdef…`). Writes go to a temporary name first, so a crash never
 * leaves a half-written file under a real name. Several gateway instances
 * need `root` on a shared volume.
 */
export function createFsAttachmentStorage(root: string): PrunableStorage {
  const fileFor = (sha256: string) => path.join(root, sha256.slice(0, 2), sha256);
  const fileOf = (storageKey: string) => {
    if (!storageKey.startsWith(PREFIX)) throw new Error(`not a file storage key: ${storageKey}`);
    const sha256 = storageKey.slice(PREFIX.length);
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`bad file storage key: ${storageKey}`);
    return fileFor(sha256);
  };
  return {
    async put(sha256, data) {
      if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256 hex digest: ${sha256}`);
      const file = fileFor(sha256);
      await mkdir(path.dirname(file), { recursive: true });
      const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
      await writeFile(tmp, data);
      await rename(tmp, file);
      return PREFIX + sha256;
    },
    async get(storageKey) {
      return readFile(fileOf(storageKey));
    },
    async remove(storageKey, before) {
      const file = fileOf(storageKey);
      // Moved aside first: a put renaming fresh bytes into place meanwhile is then
      // either found in the trash (and moved back) or lands after the move, untouched.
      const trash = `${file}.${process.pid}.${Date.now()}.deleting`;
      try {
        await rename(file, trash);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
        throw error;
      }
      if ((await stat(trash)).mtime >= before) {
        await rename(trash, file).catch(() => rm(trash, { force: true }));
        return false;
      }
      await rm(trash, { force: true });
      return true;
    },
  };
}

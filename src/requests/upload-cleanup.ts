/**
 * Deletes uploads that were never sent in a message (a visitor who attached a
 * screenshot and left, an agent who uploaded and did not reply) once they are
 * older than UPLOAD_ORPHAN_TTL: their rows, and their stored bytes when no
 * other row shares them. Every instance may run it; rows another instance is
 * deleting are skipped.
 */
import type { Logger } from 'pino';
import type { PrunableStorage } from './attachment-storage.port.js';
import { PeriodicJob } from '../periodic-job.js';
import type { RequestStore } from './request-store.port.js';

const BATCH = 200;

export interface UploadCleanerDeps {
  store: RequestStore;
  storage: PrunableStorage;
  clock: () => Date;
  logger: Logger;
  ttlMs: number;
}

export class UploadCleaner {
  private readonly job: PeriodicJob<number>;

  constructor(private readonly deps: UploadCleanerDeps) {
    this.job = new PeriodicJob(() => this.cleanDue(), (error: unknown) => this.deps.logger.warn({ err: error }, 'unsent uploads not cleaned up; trying again later'));
  }

  /** Runs every min(TTL / 4, 1 h), and once now. */
  start(): void {
    this.job.start(Math.max(15_000, Math.min(this.deps.ttlMs / 4, 3_600_000)), { now: true });
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** Deletes what is due now; returns how many uploads it deleted. A pass already running is joined. */
  runOnce(): Promise<number> {
    return this.job.runOnce();
  }

  private async cleanDue(): Promise<number> {
    const before = new Date(this.deps.clock().getTime() - this.deps.ttlMs);
    let deleted = 0;
    for (;;) {
      const batch = await this.deps.store.deleteOrphanAttachments(before, BATCH);
      deleted += batch.length;
      const files = [...new Set(batch.filter((a) => a.lastReference).map((a) => a.storageKey))];
      for (const key of files) {
        // A row is gone already; a file left behind costs disk only, never correctness.
        await this.deps.storage.remove(key, before).catch((error: unknown) => this.deps.logger.warn({ err: error, key }, 'could not delete an unsent upload file'));
      }
      if (batch.length < BATCH) break;
    }
    if (deleted > 0) this.deps.logger.info({ deleted }, 'deleted uploads that were never sent');
    return deleted;
  }
}

/**
 * Uploads never sent are deleted after UPLOAD_ORPHAN_TTL: rows and files, on the
 * embedded database with real files.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createAttachmentService } from '../../src/requests/attachments.js';
import { createFsAttachmentStorage } from '../../src/requests/fs.attachment-storage.js';
import { createPostgresRequestStore } from '../../src/requests/postgres.request-store.js';
import type { RequestStore } from '../../src/requests/request-store.port.js';
import { UploadCleaner } from '../../src/requests/upload-cleanup.js';
import { makeTempDir } from '../support/app.js';
import { makePng } from '../widget/png.js';

const pngOf = (seed: number) => makePng(4, 4, seed);

const HOUR = 3_600_000;

describe('unsent uploads', () => {
  let db: Database;
  let store: RequestStore;
  let root: string;
  let removeDir: () => Promise<void>;
  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    store = createPostgresRequestStore(db, { requestPrefix: 'SR' });
    const tmp = await makeTempDir();
    root = tmp.dir;
    removeDir = tmp.remove;
  });
  afterAll(async () => {
    await db?.close();
    await removeDir?.();
  });

  it('deletes rows and files of uploads never sent once they are older than the TTL, and nothing else', async () => {
    const storage = createFsAttachmentStorage(root);
    const attachments = createAttachmentService({ store, storage, maxBytes: 1024 * 1024 });
    const customer = await store.upsertCustomer({ channel: 'webchat', externalId: 'v_cleanup', locale: 'ru' });
    const ingest = async (seed: number) => {
      const result = await attachments.ingest({ customerId: customer.id, data: pngOf(seed) });
      if (!result.ok) throw new Error(`not stored: ${result.reason}`);
      return result.attachment;
    };
    const [sent, orphan, sharedSent, sharedOrphan] = [await ingest(1), await ingest(2), await ingest(3), await ingest(3)];
    await store.recordInbound({ customerId: customer.id, channel: 'webchat', channelMessageId: 'm1', attachmentId: sent.id, receivedAt: new Date() });
    await store.recordInbound({ customerId: customer.id, channel: 'webchat', channelMessageId: 'm2', attachmentId: sharedSent.id, receivedAt: new Date() });
    const fileOf = (key: string) => path.join(root, key.slice(3, 5), key.slice(3));

    let now = Date.now();
    const cleaner = new UploadCleaner({ store, storage, clock: () => new Date(now), logger: pino({ level: 'silent' }), ttlMs: 24 * HOUR });
    expect(await cleaner.runOnce()).toBe(0);
    now += 24 * HOUR + 60_000;
    expect(await cleaner.runOnce()).toBe(2);

    expect(await store.getAttachment(orphan.id)).toBeNull();
    expect(existsSync(fileOf(orphan.storageKey))).toBe(false);
    expect(await store.getAttachment(sharedOrphan.id)).toBeNull();
    // Its bytes are also a sent message's: the file stays.
    expect(existsSync(fileOf(sharedOrphan.storageKey))).toBe(true);
    expect(await attachments.read((await store.getAttachment(sent.id))!)).toEqual(pngOf(1));
    expect(await attachments.read((await store.getAttachment(sharedSent.id))!)).toEqual(pngOf(3));
  });

  it('keeps a file that an upload of the same bytes renewed while it was being deleted', async () => {
    const storage = createFsAttachmentStorage(root);
    const key = await storage.put('e'.repeat(64), Buffer.from('bytes'));
    const before = new Date(Date.now() - 60_000);
    expect(await storage.remove(key, before)).toBe(false);
    expect(await storage.get(key)).toEqual(Buffer.from('bytes'));
    expect(await storage.remove(key, new Date(Date.now() + 60_000))).toBe(true);
    await expect(storage.get(key)).rejects.toThrow();
    expect(await storage.remove(key, new Date())).toBe(true);
  });
});

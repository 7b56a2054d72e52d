/**
 * The desk a channel gets (ChannelDesk, implemented in src/gateway/channel-desk.ts)
 * on the embedded database with real files: bound to its channel, it finds only
 * that channel's customers and files, keeps only images, and says a store outage
 * as a retryable ChannelError.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError } from '../../src/channels/channel.port.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { createChannelDesk } from '../../src/gateway/channel-desk.js';
import { createAttachmentService, type AttachmentService } from '../../src/requests/attachments.js';
import { createFsAttachmentStorage } from '../../src/requests/fs.attachment-storage.js';
import { createPostgresRequestStore } from '../../src/requests/postgres.request-store.js';
import { StoreError, type RequestStore } from '../../src/requests/request-store.port.js';
import { makeTempDir } from '../support/app.js';
import { makePng } from '../widget/png.js';

describe('the desk a channel gets', () => {
  let db: Database;
  let store: RequestStore;
  let attachments: AttachmentService;
  let removeDir: () => Promise<void>;
  const settings = { prechat: false };
  const deskOf = (channel: string, s: RequestStore = store) => createChannelDesk(channel, { store: s, attachments, settings: { get: async () => ({ ...settings, agentNameInReplies: true }) } });

  beforeAll(async () => {
    db = await openDatabase({ dataDir: 'memory://' });
    store = createPostgresRequestStore(db, { requestPrefix: 'SR' });
    const tmp = await makeTempDir();
    removeDir = tmp.remove;
    attachments = createAttachmentService({ store, storage: createFsAttachmentStorage(tmp.dir), maxBytes: 64 * 1024 });
  });
  afterAll(async () => {
    await db?.close();
    await removeDir?.();
  });

  it("finds and creates only its own channel's customers", async () => {
    const web = deskOf('webchat');
    expect(await web.findCustomer('v_desk')).toBeNull();
    const created = await web.ensureCustomer('v_desk', 'en');
    expect(created).toEqual({ id: expect.any(String), locale: 'en', tokensValidAfter: null });
    expect(await web.ensureCustomer('v_desk', 'ru')).toEqual(created);
    expect(await deskOf('telegram').findCustomer('v_desk')).toBeNull();
  });

  it("keeps an image, refuses what is not one, and opens a file only for its channel's customer", async () => {
    const web = deskOf('webchat');
    const visitor = await web.ensureCustomer('v_files', 'ru');
    const stored = await web.storeFile(visitor.id, { data: makePng(4, 4, 7), fileName: 'shot.png' });
    if (!stored.ok) throw new Error(`not stored: ${stored.refusal.message}`);
    expect(stored.file).toMatchObject({ mimeType: 'image/png', fileName: 'shot.png' });
    expect(await web.unsentFileBytes(visitor.id)).toBe(stored.file.size);

    const opened = await web.openFile(stored.file.id);
    expect(opened).toMatchObject({ id: stored.file.id, ownerExternalId: 'v_files' });
    expect((await opened!.read()).equals(makePng(4, 4, 7))).toBe(true);
    expect(await deskOf('telegram').openFile(stored.file.id)).toBeNull();
    expect(await web.openFile('01900000-0000-7000-8000-000000000000')).toBeNull();

    expect(await web.storeFile(visitor.id, { data: Buffer.from('%PDF-1.7 not an image'), fileName: 'a.pdf' })).toEqual({
      ok: false,
      refusal: { reason: 'unsupported_type', message: expect.stringContaining('only PNG, JPEG, WebP or GIF') },
    });
    expect(await web.storeFile(visitor.id, { data: Buffer.alloc(65 * 1024, 1) })).toEqual({
      ok: false,
      refusal: { reason: 'too_large', message: 'the file is larger than 64 KB' },
    });
  });

  it('keeps one shared secret per channel and name, and reads the pre-chat setting', async () => {
    const first = await deskOf('webchat').sharedSecret('secret');
    expect(first).toMatch(/^[\w-]{40,}$/);
    expect(await deskOf('webchat').sharedSecret('secret')).toBe(first);
    expect(await deskOf('mail').sharedSecret('secret')).not.toBe(first);
    expect(await deskOf('webchat').asksContact()).toBe(false);
    settings.prechat = true;
    expect(await deskOf('webchat').asksContact()).toBe(true);
  });

  it('says a store outage as a retryable ChannelError, and a refusal as a final one', async () => {
    const failing = (code: 'unavailable' | 'invalid_input') =>
      new Proxy(store, { get: (target, name) => (name === 'findCustomer' ? async () => Promise.reject(new StoreError(code, 'down')) : Reflect.get(target, name)) });
    const outage = await deskOf('webchat', failing('unavailable')).findCustomer('v_x').catch((e: unknown) => e);
    expect(outage).toBeInstanceOf(ChannelError);
    expect(outage).toMatchObject({ code: 'transient', retryable: true });
    expect(await deskOf('webchat', failing('invalid_input')).findCustomer('v_x').catch((e: unknown) => e)).toMatchObject({ code: 'rejected', retryable: false });
  });
});

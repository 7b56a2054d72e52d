import { describe, expect, it } from 'vitest';
import type { AttachmentStorage } from '../../src/requests/attachment-storage.port.js';
import { createAttachmentService, DEFAULT_IMAGE_LIMITS, toRejectedFile, type IngestResult } from '../../src/requests/attachments.js';
import type { RequestStore } from '../../src/requests/request-store.port.js';
import type { AttachmentRecord } from '../../src/requests/request.types.js';
import { makePng } from '../widget/png.js';
import { gifHeader, jpegHeader, pngHeader, webpHeader } from './images.js';

/** The service over a store and storage that keep what they are given. */
function service(imageLimits?: Parameters<typeof createAttachmentService>[0]['imageLimits']) {
  const stored: AttachmentRecord[] = [];
  const storage: AttachmentStorage = { put: async (sha) => `mem:${sha}`, get: async () => Buffer.alloc(0) };
  const store = {
    createAttachment: async (input: Omit<AttachmentRecord, 'id' | 'requestId' | 'messageId' | 'createdAt'>) => {
      const record: AttachmentRecord = { ...input, id: `a${stored.length + 1}`, requestId: null, messageId: null, createdAt: new Date(0) };
      stored.push(record);
      return record;
    },
  } as unknown as RequestStore;
  const attachments = createAttachmentService({ store, storage, maxBytes: 10 * 1024 * 1024, ...(imageLimits ? { imageLimits } : {}) });
  return { attachments, stored, ingest: (data: Buffer) => attachments.ingest({ customerId: 'c1', data, fileName: 'shot.png' }) };
}

const refusal = (result: IngestResult) => (result.ok ? null : { reason: result.reason, dimensions: result.dimensions });

describe('image dimensions at ingest', () => {
  it('refuses a pixel flood: a 20000×20000 PNG of a few hundred bytes', async () => {
    const { ingest, stored } = service();
    const flood = pngHeader(20_000, 20_000);
    expect(flood.length).toBeLessThan(1024);
    expect(refusal(await ingest(flood))).toEqual({ reason: 'too_many_pixels', dimensions: { width: 20_000, height: 20_000 } });
    expect(stored).toEqual([]);
  });

  it.each([
    ['JPEG', jpegHeader(30_000, 30_000)],
    ['GIF', gifHeader(30_000, 30_000)],
    ['WebP', webpHeader(30_000, 30_000)],
  ])('refuses a %s of 30000×30000', async (_type, data) => {
    expect(refusal(await service().ingest(data))).toEqual({ reason: 'too_many_pixels', dimensions: { width: 30_000, height: 30_000 } });
  });

  it('accepts real screenshots up to the limits, and refuses one pixel more on a side or in total', async () => {
    const { ingest, stored } = service();
    expect((await ingest(makePng(40, 30))).ok).toBe(true);
    expect((await ingest(pngHeader(7680, 4320))).ok).toBe(true); // an 8K screen
    expect((await ingest(pngHeader(20_000, 2_500))).ok).toBe(true); // exactly 50 MP and 20000 px
    expect(stored).toHaveLength(3);
    expect(refusal(await ingest(pngHeader(20_001, 1)))?.reason).toBe('too_many_pixels');
    expect(refusal(await ingest(pngHeader(10_000, 5_001)))?.reason).toBe('too_many_pixels');
    expect(DEFAULT_IMAGE_LIMITS).toEqual({ maxPixels: 50_000_000, maxSide: 20_000 });
  });

  it('takes other limits when configured', async () => {
    const { ingest, attachments } = service({ maxPixels: 1_000_000 });
    expect(attachments.imageLimits).toEqual({ maxPixels: 1_000_000, maxSide: 20_000 });
    expect((await ingest(pngHeader(1000, 1000))).ok).toBe(true);
    expect(refusal(await ingest(pngHeader(1001, 1000)))?.reason).toBe('too_many_pixels');
  });

  it('refuses an image whose dimensions cannot be read as unsupported', async () => {
    const { ingest } = service();
    expect(refusal(await ingest(pngHeader(0, 0)))?.reason).toBe('unsupported_type');
    const truncated = jpegHeader(100, 100).subarray(0, 8); // a JPEG start with no frame header
    expect(refusal(await ingest(truncated))?.reason).toBe('unsupported_type');
  });

  it('tells the conversation the dimensions and the limits', async () => {
    const result = await service().ingest(pngHeader(20_000, 20_000));
    if (result.ok) throw new Error('accepted');
    expect(toRejectedFile(result)).toEqual({ reason: 'too_many_pixels', width: 20_000, height: 20_000, maxPixels: 50_000_000, maxSide: 20_000, limitBytes: 10 * 1024 * 1024 });
    const empty = await service().ingest(Buffer.alloc(0));
    if (empty.ok) throw new Error('accepted');
    expect(toRejectedFile(empty)).toEqual({ reason: 'unsupported_type', limitBytes: 10 * 1024 * 1024 });
  });
});

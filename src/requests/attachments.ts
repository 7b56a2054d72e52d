import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import type { AttachmentStorage } from './attachment-storage.port.js';
import type { RequestStore } from './request-store.port.js';
import type { AttachmentRecord } from './request.types.js';

/** Image types accepted as screenshots, decided by the bytes, never by name or header. */
export const ACCEPTED_IMAGE_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

export type IngestResult =
  | { ok: true; attachment: AttachmentRecord }
  | { ok: false; reason: 'unsupported_type' | 'too_large' | 'empty'; detectedType: string | null; limitBytes: number };

export interface AttachmentService {
  /** The largest file accepted (UPLOAD_MAX_BYTES). */
  readonly maxBytes: number;
  /** Checks a file by content and size, stores it and records it for `customerId`. */
  ingest(input: { customerId: string | null; data: Buffer; fileName?: string }): Promise<IngestResult>;
  read(attachment: AttachmentRecord): Promise<Buffer>;
}

export function createAttachmentService(deps: {
  store: RequestStore;
  storage: AttachmentStorage;
  maxBytes: number;
}): AttachmentService {
  const { store, storage, maxBytes } = deps;
  return {
    maxBytes,
    async ingest({ customerId, data, fileName }) {
      if (data.length === 0) return { ok: false, reason: 'empty', detectedType: null, limitBytes: maxBytes };
      if (data.length > maxBytes) return { ok: false, reason: 'too_large', detectedType: null, limitBytes: maxBytes };
      const detected = await fileTypeFromBuffer(data);
      const mimeType = detected?.mime ?? null;
      if (!mimeType || !ACCEPTED_IMAGE_TYPES.includes(mimeType)) {
        return { ok: false, reason: 'unsupported_type', detectedType: mimeType, limitBytes: maxBytes };
      }
      const sha256 = createHash('sha256').update(data).digest('hex');
      const storageKey = await storage.put(sha256, data);
      const attachment = await store.createAttachment({
        customerId,
        mimeType,
        size: data.length,
        sha256,
        storageKey,
        fileName: sanitizeFileName(fileName, detected?.ext ?? 'bin'),
      });
      return { ok: true, attachment };
    },
    read(attachment) {
      return storage.get(attachment.storageKey);
    },
  };
}

/** Keeps a readable base name, drops paths and control characters, and fixes the extension to the real type. */
function sanitizeFileName(name: string | undefined, ext: string): string {
  const unsafe = new Set(['"', '<', '>', '|', ':', '*', '?']);
  const last = (name ?? 'screenshot').split(/[\\/]/).pop() ?? '';
  const cleaned = [...last].filter((ch) => ch.charCodeAt(0) > 0x1f && ch.charCodeAt(0) !== 0x7f && !unsafe.has(ch)).join('');
  const base = cleaned.replace(/\.[^.]*$/, '').slice(0, 100);
  return `${base || 'screenshot'}.${ext}`;
}

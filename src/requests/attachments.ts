import { createHash } from 'node:crypto';
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import type { RejectedFile } from '../conversation/conversation.types.js';
import { formatSize } from '../formats/size.js';
import type { AttachmentStorage } from './attachment-storage.port.js';
import type { RequestStore } from './request-store.port.js';
import type { AttachmentRecord } from './request.types.js';

/** Image types accepted as screenshots, decided by the bytes, never by name or header. */
export const ACCEPTED_IMAGE_TYPES: readonly string[] = ['image/png', 'image/jpeg', 'image/webp', 'image/gif'];

/** How large an accepted image may be once decoded. */
export interface ImageLimits {
  /** The most pixels (width × height). */
  maxPixels: number;
  /** The longest side, in pixels. */
  maxSide: number;
}

/**
 * A file of a few KB can declare a bitmap of gigabytes (a "pixel flood":
 * 20000×20000 compresses to almost nothing), which an agent's browser or any
 * later processing would then decode. 50 megapixels is 200 MB as RGBA and
 * takes every real screenshot: an 8K screen is 33 MP, four 4K screens side by
 * side 33 MP. The side limit refuses degenerate strips that stay under the
 * pixel count (1×50,000,000) yet exceed what browsers and canvases handle,
 * while a long full-page capture (1920×20000, 38 MP) still passes.
 */
export const DEFAULT_IMAGE_LIMITS: Readonly<ImageLimits> = { maxPixels: 50_000_000, maxSide: 20_000 };

export type IngestRefusal = 'unsupported_type' | 'too_large' | 'too_many_pixels' | 'empty';

export type IngestResult =
  | { ok: true; attachment: AttachmentRecord }
  | {
      ok: false;
      reason: IngestRefusal;
      detectedType: string | null;
      limitBytes: number;
      /** With `too_many_pixels`: the image's size and the limits it exceeds. */
      dimensions?: { width: number; height: number };
      imageLimits?: ImageLimits;
    };

export interface AttachmentService {
  /** The largest file accepted (UPLOAD_MAX_BYTES). */
  readonly maxBytes: number;
  /** The largest image accepted, in pixels. */
  readonly imageLimits: Readonly<ImageLimits>;
  /** Checks a file by content, size and image dimensions, stores it and records it for `customerId`. */
  ingest(input: { customerId: string | null; data: Buffer; fileName?: string }): Promise<IngestResult>;
  read(attachment: AttachmentRecord): Promise<Buffer>;
}

export function createAttachmentService(deps: {
  store: RequestStore;
  storage: AttachmentStorage;
  maxBytes: number;
  /** Defaults to DEFAULT_IMAGE_LIMITS. */
  imageLimits?: Partial<ImageLimits>;
}): AttachmentService {
  const { store, storage, maxBytes } = deps;
  const imageLimits: ImageLimits = { ...DEFAULT_IMAGE_LIMITS, ...deps.imageLimits };
  return {
    maxBytes,
    imageLimits,
    async ingest({ customerId, data, fileName }) {
      const refuse = (reason: IngestRefusal, detectedType: string | null = null): IngestResult => ({ ok: false, reason, detectedType, limitBytes: maxBytes });
      if (data.length === 0) return refuse('empty');
      if (data.length > maxBytes) return refuse('too_large');
      const detected = await fileTypeFromBuffer(data);
      const mimeType = detected?.mime ?? null;
      if (!mimeType || !ACCEPTED_IMAGE_TYPES.includes(mimeType)) return refuse('unsupported_type', mimeType);
      const dimensions = readDimensions(data);
      if (!dimensions) return refuse('unsupported_type', mimeType); // an image whose size cannot be read is no image we can show
      if (!withinLimits(dimensions, imageLimits)) return { ...refuse('too_many_pixels', mimeType), dimensions, imageLimits };
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

/** What the conversation is told about a refused file (see RejectedFile). */
export function toRejectedFile(result: Extract<IngestResult, { ok: false }>): RejectedFile {
  if (result.reason === 'too_many_pixels' && result.dimensions && result.imageLimits) {
    return { reason: 'too_many_pixels', ...result.dimensions, ...result.imageLimits, limitBytes: result.limitBytes };
  }
  return { reason: result.reason === 'too_large' ? 'too_large' : 'unsupported_type', limitBytes: result.limitBytes };
}

/** Why a file was refused, in words its sender can act on: too large (an HTTP answer's 413) or not an image (415). */
export interface FileRefusal {
  reason: 'too_large' | 'unsupported_type';
  message: string;
}

/** The refusal an answer states for a file `ingest` refused. */
export function describeRefusal(result: Extract<IngestResult, { ok: false }>, imageLimits: Readonly<ImageLimits>): FileRefusal {
  if (result.reason === 'too_large') return { reason: 'too_large', message: `the file is larger than ${formatSize(result.limitBytes)}` };
  if (result.reason === 'too_many_pixels' && result.dimensions) {
    const { maxPixels, maxSide } = imageLimits;
    const message = `the image is ${describeDimensions(result.dimensions)}: images may have at most ${formatMegapixels(maxPixels)} megapixels and ${maxSide} pixels on a side`;
    return { reason: 'too_large', message };
  }
  if (result.detectedType && ACCEPTED_IMAGE_TYPES.includes(result.detectedType)) {
    return { reason: 'unsupported_type', message: `the file looks like ${result.detectedType} but its dimensions cannot be read` };
  }
  const seen = result.detectedType ? ` (it looks like ${result.detectedType})` : '';
  return { reason: 'unsupported_type', message: `only PNG, JPEG, WebP or GIF images are accepted${seen}` };
}

/** `20000×20000 pixels (400 megapixels)`: how an answer names an image's size. */
export function describeDimensions({ width, height }: { width: number; height: number }): string {
  return `${width}×${height} pixels (${formatMegapixels(width * height)} megapixels)`;
}

export function formatMegapixels(pixels: number): string {
  return String(Number((pixels / 1e6).toFixed(1)));
}

/** Width and height from the image's header (image-size reads headers only, never decodes); null if unreadable. */
function readDimensions(data: Buffer): { width: number; height: number } | null {
  try {
    const { width, height } = imageSize(data);
    return width > 0 && height > 0 ? { width, height } : null;
  } catch {
    return null;
  }
}

function withinLimits({ width, height }: { width: number; height: number }, limits: ImageLimits): boolean {
  return width <= limits.maxSide && height <= limits.maxSide && width * height <= limits.maxPixels;
}

/** Keeps a readable base name, drops paths and control characters, and fixes the extension to the real type. */
function sanitizeFileName(name: string | undefined, ext: string): string {
  const unsafe = new Set(['"', '<', '>', '|', ':', '*', '?']);
  const last = (name ?? 'screenshot').split(/[\\/]/).pop() ?? '';
  const cleaned = [...last].filter((ch) => ch.charCodeAt(0) > 0x1f && ch.charCodeAt(0) !== 0x7f && !unsafe.has(ch)).join('');
  const base = cleaned.replace(/\.[^.]*$/, '').slice(0, 100);
  return `${base || 'screenshot'}.${ext}`;
}

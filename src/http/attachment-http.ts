/**
 * Files over HTTP, shared by the web chat's and the agents' routes: reading
 * an upload, storing it as an image checked by content, and sending one back.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACCEPTED_IMAGE_TYPES, describeDimensions, formatMegapixels, type AttachmentService } from '../requests/attachments.js';
import type { AttachmentRecord } from '../requests/request.types.js';
import { HttpError } from './errors.js';

/** The one file of a multipart/form-data request, in a field named `file` (needs @fastify/multipart). */
export async function readUploadedFile(request: FastifyRequest, maxBytes: number): Promise<{ data: Buffer; fileName: string }> {
  if (!request.isMultipart()) throw new HttpError('bad_request', 'send the file as multipart/form-data in a field named "file"');
  const file = await request.file();
  if (!file || file.fieldname !== 'file') throw new HttpError('bad_request', 'no file field named "file"');
  const data = await file.toBuffer().catch((error: unknown) => {
    if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(maxBytes);
    throw error;
  });
  return { data, fileName: file.filename };
}

/**
 * Stores an uploaded image for a customer, or throws the HTTP error that says
 * why not: 413 for a file or an image too large (the widget tells the visitor
 * "the file is too large" for any 413), 415 for anything but an image.
 */
export async function ingestImage(
  attachments: AttachmentService,
  input: { customerId: string; data: Buffer; fileName: string },
): Promise<AttachmentRecord> {
  const result = await attachments.ingest(input);
  if (result.ok) return result.attachment;
  if (result.reason === 'too_large') throw tooLarge(result.limitBytes);
  if (result.reason === 'too_many_pixels' && result.dimensions) {
    const { maxPixels, maxSide } = attachments.imageLimits;
    throw new HttpError(
      'payload_too_large',
      `the image is ${describeDimensions(result.dimensions)}: images may have at most ${formatMegapixels(maxPixels)} megapixels and ${maxSide} pixels on a side`,
    );
  }
  if (result.detectedType && ACCEPTED_IMAGE_TYPES.includes(result.detectedType)) {
    throw new HttpError('unsupported_media_type', `the file looks like ${result.detectedType} but its dimensions cannot be read`);
  }
  const seen = result.detectedType ? ` (it looks like ${result.detectedType})` : '';
  throw new HttpError('unsupported_media_type', `only PNG, JPEG, WebP or GIF images are accepted${seen}`);
}

/**
 * Sends a stored file inline with headers that keep a browser from treating it
 * as anything but its checked type (uploads are checked by content, see
 * src/requests/attachments.ts). The widget shows web chat images on the
 * customer's site, another origin: Cross-Origin-Resource-Policy lets it embed
 * them (the signed link or the agent's session is what guards them).
 */
export function sendAttachment(reply: FastifyReply, mimeType: string, data: Buffer): FastifyReply {
  return reply
    .type(mimeType)
    .header('content-disposition', 'inline')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cross-origin-resource-policy', 'cross-origin')
    .header('cache-control', 'private, max-age=3600')
    .send(data);
}

function tooLarge(limit: number): HttpError {
  return new HttpError('payload_too_large', `the file is larger than ${formatSize(limit)}`);
}

/** `10 MB`, `1.5 MB`, `64 KB`. */
export function formatSize(bytes: number): string {
  const mb = bytes / 1048576;
  if (mb >= 1) return `${Number(mb.toFixed(1))} MB`;
  return `${Math.max(1, Math.round(bytes / 1024))} KB`;
}

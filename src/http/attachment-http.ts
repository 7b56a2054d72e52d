/**
 * Files over HTTP, shared by the web chat's and the agents' routes: reading
 * an upload, answering a refused one, and sending a stored one back.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { formatSize } from '../formats/size.js';
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

/** The HTTP answer to a refused file: 413 when too large (the widget says "the file is too large" for any 413), else 415. */
export function refusalToHttpError(refusal: { reason: 'too_large' | 'unsupported_type'; message: string }): HttpError {
  return new HttpError(refusal.reason === 'too_large' ? 'payload_too_large' : 'unsupported_media_type', refusal.message);
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

import type { FastifyReply } from 'fastify';

/**
 * Sends a stored file inline with headers that keep a browser from treating it
 * as anything but its checked type (uploads are checked by content, see
 * src/requests/attachments.ts).
 */
export function sendAttachment(reply: FastifyReply, mimeType: string, data: Buffer): FastifyReply {
  return reply
    .type(mimeType)
    .header('content-disposition', 'inline')
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; sandbox")
    .header('cache-control', 'private, max-age=3600')
    .send(data);
}

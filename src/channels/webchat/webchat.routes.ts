import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { handleError, HttpError } from '../../http/errors.js';
import { formatSize } from '../../formats/size.js';
import { readUploadedFile, refusalToHttpError, sendAttachment } from '../../http/attachment-http.js';
import { ChannelError } from '../channel.port.js';
import type { WebchatDeps, WebchatLimits, WebchatOptions } from './webchat.types.js';
import type { LinkFor } from './webchat.mapper.js';
import { verifyAttachmentLink, verifyVisitorToken, type VerifiedToken } from './visitor-token.js';

interface RoutesOptions {
  options: WebchatOptions;
  deps: WebchatDeps;
  limits: Pick<WebchatLimits, 'uploads' | 'addressUploads'>;
  originAllowed: (origin: string | undefined) => boolean;
  linkFor: (visitorId: string) => LinkFor;
}

/**
 * HTTP side of the web chat: screenshot uploads (authorised by the visitor
 * token, type decided by content) and signed attachment downloads. Both answer
 * cross-origin requests from allowed sites only.
 */
export async function webchatRoutes(app: FastifyInstance, opts: RoutesOptions): Promise<void> {
  const { options, deps } = opts;
  app.setErrorHandler((error: Error, request, reply) => {
    const mapped = toHttpError(error);
    if (mapped) request.log.warn({ err: error }, 'web chat request failed');
    handleError(mapped ?? error, request, reply);
  });
  await app.register(multipart, { limits: { fileSize: options.uploadMaxBytes, files: 1, fields: 4, parts: 5 } });

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/webchat/')) return;
    const origin = request.headers.origin;
    if (origin === undefined) return;
    if (!opts.originAllowed(origin)) throw new HttpError('forbidden', `origin ${origin} may not use this chat`);
    void reply.header('access-control-allow-origin', origin).header('vary', 'Origin');
  });

  app.options('/webchat/uploads', async (_request, reply) =>
    reply
      .header('access-control-allow-methods', 'POST')
      .header('access-control-allow-headers', 'authorization, content-type')
      .header('access-control-max-age', '600')
      .status(204)
      .send(),
  );

  app.post('/webchat/uploads', async (request, reply) => {
    const token = verifiedToken(request, options, deps.clock().getTime());
    const { visitorId } = token;
    const waits = await Promise.all([opts.limits.uploads.take(visitorId), opts.limits.addressUploads.take(request.ip)]);
    if (waits.some((w) => w !== null)) {
      void reply.header('retry-after', Math.ceil(Math.max(...waits.map((w) => w ?? 0)) / 1000));
      throw new HttpError('rate_limited', 'too many uploads, try again later');
    }
    const customerId = await uploaderOf(token);
    const file = await readUploadedFile(request, options.uploadMaxBytes);
    const unsent = await deps.desk.unsentFileBytes(customerId);
    if (unsent + file.data.length > options.unsentUploadsMaxBytes) {
      throw new HttpError('payload_too_large', `files uploaded and not sent yet would exceed ${formatSize(options.unsentUploadsMaxBytes)}: send or drop them first`);
    }
    const stored = await deps.desk.storeFile(customerId, file);
    if (!stored.ok) throw refusalToHttpError(stored.refusal);
    const a = stored.file;
    return reply.status(201).send({ id: a.id, mimeType: a.mimeType, size: a.size, fileName: a.fileName, url: opts.linkFor(visitorId)(a.id) });
  });

  /** The uploading visitor's customer (an upload makes a visitor one), unless their tokens were revoked. */
  async function uploaderOf(token: VerifiedToken): Promise<string> {
    const customer = await deps.desk.ensureCustomer(token.visitorId, options.defaultLocale);
    if (customer.tokensValidAfter && token.issuedAt < customer.tokensValidAfter.getTime()) {
      throw new HttpError('unauthorized', 'the visitor token was revoked');
    }
    return customer.id;
  }

  app.get<{ Params: { id: string }; Querystring: Record<string, string> }>('/webchat/attachments/:id', async (request, reply) => {
    const visitorId = verifyAttachmentLink(options.secret, request.params.id, request.query, deps.clock().getTime());
    if (!visitorId) throw new HttpError('forbidden', 'this link is not valid or has expired');
    const file = await deps.desk.openFile(request.params.id);
    if (!file || file.ownerExternalId !== visitorId) throw new HttpError('not_found', 'no such attachment');
    return sendAttachment(reply, file.mimeType, await file.read());
  });
}

function verifiedToken(request: FastifyRequest, options: WebchatOptions, now: number): VerifiedToken {
  const header = request.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  const verified = token ? verifyVisitorToken(options.secret, token, now, options.tokenTtlMs) : null;
  if (!verified) throw new HttpError('unauthorized', 'a valid visitor token is required (Authorization: Bearer <token>)');
  return verified;
}

/** A desk failure in words a visitor's client can act on; the details go to the log with the cause. */
function toHttpError(error: Error): HttpError | null {
  if (!(error instanceof ChannelError)) return null;
  if (error.retryable) return new HttpError('unavailable', 'the chat cannot take files right now; try again shortly', { cause: error });
  return new HttpError('unprocessable', 'the file cannot be stored', { cause: error });
}

import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError } from '../../http/errors.js';
import { ingestImage, readUploadedFile, sendAttachment } from '../../http/attachment-http.js';
import type { WebchatDeps, WebchatOptions } from './webchat.adapter.js';
import type { Limiter } from './webchat.limits.js';
import type { LinkFor } from './webchat.mapper.js';
import { WEBCHAT_CHANNEL } from './webchat.protocol.js';
import { verifyAttachmentLink, verifyVisitorToken } from './visitor-token.js';

interface RoutesOptions {
  options: WebchatOptions;
  deps: WebchatDeps;
  limiter: Limiter;
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
    const visitorId = visitorOf(request, options.secret);
    const wait = await opts.limiter.take(visitorId);
    if (wait !== null) {
      void reply.header('retry-after', Math.ceil(wait / 1000));
      throw new HttpError('rate_limited', 'too many uploads, try again later');
    }
    const file = await readUploadedFile(request, options.uploadMaxBytes);
    const customer = await deps.store.upsertCustomer({ channel: WEBCHAT_CHANNEL, externalId: visitorId, locale: options.defaultLocale });
    const a = await ingestImage(deps.attachments, { customerId: customer.id, ...file });
    return reply.status(201).send({ id: a.id, mimeType: a.mimeType, size: a.size, fileName: a.fileName, url: opts.linkFor(visitorId)(a.id) });
  });

  app.get<{ Params: { id: string }; Querystring: Record<string, string> }>('/webchat/attachments/:id', async (request, reply) => {
    const visitorId = verifyAttachmentLink(options.secret, request.params.id, request.query, deps.clock().getTime());
    if (!visitorId) throw new HttpError('forbidden', 'this link is not valid or has expired');
    const attachment = await deps.store.getAttachment(request.params.id);
    const owner = attachment?.customerId ? await deps.store.getCustomer(attachment.customerId) : null;
    if (!attachment || !owner || owner.channel !== WEBCHAT_CHANNEL || owner.externalId !== visitorId) {
      throw new HttpError('not_found', 'no such attachment');
    }
    return sendAttachment(reply, attachment.mimeType, await deps.attachments.read(attachment));
  });
}

function visitorOf(request: FastifyRequest, secret: string): string {
  const header = request.headers.authorization ?? '';
  const token = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
  const visitorId = token ? verifyVisitorToken(secret, token) : null;
  if (!visitorId) throw new HttpError('unauthorized', 'a valid visitor token is required (Authorization: Bearer <token>)');
  return visitorId;
}

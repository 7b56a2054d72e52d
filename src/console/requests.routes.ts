import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { readUploadedFile, refusalToHttpError, sendAttachment } from '../http/attachment-http.js';
import { describeRefusal } from '../requests/attachments.js';
import { HttpError } from '../http/errors.js';
import type { RequestStatus } from '../requests/request.types.js';
import type { ConsoleDeps } from './console.deps.js';
import { agentOf } from './console.http.js';
import { decodeCursor } from './console.queries.js';
import { toAttachmentView } from './console.views.js';
import {
  assignBodySchema,
  attachmentViewSchema,
  errorResponses as errors,
  errorSchema,
  idParamsSchema,
  messageBodySchema,
  messageViewSchema,
  noContentSchema,
  numberParamsSchema,
  requestPageSchema,
  requestQuerySchema,
  requestViewSchema,
  statusBodySchema,
} from './console.schemas.js';


/** Requests as agents work them: list, read, reply, change status, assign, fetch files. */
export async function requestsRoutes(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['requests'];

  const view = async (number: string, agentId: string) => {
    const found = await deps.queries.getRequestView(number, agentId);
    if (!found) throw new HttpError('not_found', `request ${number} does not exist`);
    return found;
  };

  r.get('/api/requests', {
    schema: { tags, summary: 'A page of requests, newest activity first', querystring: requestQuerySchema, response: { 200: requestPageSchema, ...errors } },
  }, async (request) => {
    const agent = agentOf(request);
    const { status, type, channel, assignee, q, cursor, limit } = request.query;
    if (cursor && !decodeCursor(cursor)) throw new HttpError('bad_request', 'cursor is not one this server gave out');
    return deps.queries.listRequests({
      limit,
      ...(status ? { statuses: status } : {}),
      ...(type ? { types: type } : {}),
      ...(channel ? { channel } : {}),
      ...(assignee ? { assigneeId: assignee === 'me' ? agent.id : assignee === 'none' ? null : assignee } : {}),
      ...(q ? { q } : {}),
      ...(cursor ? { cursor } : {}),
    }, agent.id);
  });

  r.get('/api/requests/:number', {
    schema: { tags, summary: 'A request with its customer, conversation, files and status history', params: numberParamsSchema, response: { 200: requestViewSchema, ...errors } },
  }, async (request) => view(request.params.number, agentOf(request).id));

  r.post('/api/requests/:number/read', {
    schema: { tags, summary: 'Marks the request read up to its newest message (unread markers)', params: numberParamsSchema, response: { 204: noContentSchema, ...errors } },
  }, async (request, reply) => {
    const agent = agentOf(request);
    const found = await deps.queries.requestRef(request.params.number);
    if (!found) throw new HttpError('not_found', `request ${request.params.number} does not exist`);
    if (found.lastMessageId !== null) await deps.agents.markRead(agent.id, found.id, found.lastMessageId, deps.clock());
    return reply.status(204).send(null);
  });

  r.post('/api/requests/:number/messages', {
    schema: {
      tags,
      summary: 'Replies to the customer on their channel, or adds an internal note (`internal: true`) only agents see',
      params: numberParamsSchema,
      body: messageBodySchema,
      response: { 201: messageViewSchema, ...errors },
    },
  }, async (request, reply) => {
    const agent = agentOf(request);
    const { text, internal, attachmentIds } = request.body;
    const message = internal
      ? await deps.relay.addNote(request.params.number, agent.id, text ?? '')
      : await deps.relay.reply(request.params.number, agent.id, text ?? null, attachmentIds);
    return reply.status(201).send(message);
  });

  r.post('/api/requests/:number/attachments', {
    schema: {
      tags,
      summary: 'Uploads an image (PNG, JPEG, WebP or GIF, checked by content) to send in a reply',
      description: 'multipart/form-data with one field named `file`. Send it with POST /api/requests/{number}/messages `{ attachmentIds: [id] }`.',
      params: numberParamsSchema,
      response: { 201: attachmentViewSchema, ...errors, 413: errorSchema, 415: errorSchema },
    },
  }, async (request, reply) => {
    const found = await deps.store.getRequest(request.params.number);
    if (!found) throw new HttpError('not_found', `request ${request.params.number} does not exist`);
    const file = await readUploadedFile(request, deps.uploadMaxBytes);
    const stored = await deps.attachments.ingest({ customerId: found.customer.id, ...file });
    if (!stored.ok) throw refusalToHttpError(describeRefusal(stored, deps.attachments.imageLimits));
    return reply.status(201).send(toAttachmentView(stored.attachment));
  });

  r.post('/api/requests/:number/status', {
    schema: {
      tags,
      summary: 'Moves the request along its status graph and tells the customer',
      description: [
        '`awaiting_customer`: `comment` is the question sent to the customer; their next message answers it and moves the request back to `in_progress`.',
        '`solution_provided`: the customer gets `comment` and two choices, solved (closes it) or not solved (back to `in_progress`). Unanswered, it closes after AUTO_CLOSE_AFTER.',
        '`in_progress` (also to reopen) and `closed`: the customer is told in their language.',
      ].join('\n\n'),
      params: numberParamsSchema,
      body: statusBodySchema,
      response: { 200: requestViewSchema, ...errors },
    },
  }, async (request) => {
    const agent = agentOf(request);
    await deps.gateway.changeStatus({
      number: request.params.number,
      to: request.body.status as RequestStatus,
      comment: request.body.comment || null,
      actor: { kind: 'agent', agentId: agent.id },
    });
    return view(request.params.number, agent.id);
  });

  r.post('/api/requests/:number/assign', {
    schema: { tags, summary: 'Assigns the request to an agent, or unassigns it (`agentId: null`)', params: numberParamsSchema, body: assignBodySchema, response: { 200: requestViewSchema, ...errors } },
  }, async (request) => {
    const agent = agentOf(request);
    await deps.relay.assign(request.params.number, request.body.agentId, agent.id);
    return view(request.params.number, agent.id);
  });

  r.get('/api/attachments/:id', {
    schema: { tags, summary: 'A file a customer or an agent sent (images inline)', params: idParamsSchema, response: { 401: errorSchema, 404: errorSchema } },
  }, async (request, reply) => {
    const attachment = await deps.store.getAttachment(request.params.id);
    if (!attachment) throw new HttpError('not_found', 'no such attachment');
    return sendAttachment(reply, attachment.mimeType, await deps.attachments.read(attachment));
  });
}

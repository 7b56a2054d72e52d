/**
 * The console's Drafts: intakes still in progress, read-only, and the take-over
 * that turns one into a request assigned to the agent (see Gateway.takeOver).
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ConversationState, Locale } from '../conversation/conversation.types.js';
import type { Gateway } from '../gateway/gateway.js';
import { HttpError } from '../http/errors.js';
import type { IntakeRecord, RequestStore } from '../requests/request-store.port.js';
import type { ConsoleQueries } from './console.queries.js';
import { agentOf } from './console.http.js';
import { draftViewSchema, errorResponses as errors, requestListItemSchema } from './console.schemas.js';
import type { DraftView } from './console.api.js';
import { toAttachmentView, toCustomerView, toMessageView, type AgentLookup } from './console.views.js';
import type { AgentRelay } from './relay.js';

export interface DraftsRoutesDeps {
  store: RequestStore;
  gateway: Gateway;
  relay: AgentRelay;
  queries: ConsoleQueries;
  /** An intake untouched this long has expired (INTAKE_TTL): it is no draft any more. */
  intakeTtlMs: number;
  clock: () => Date;
}

/** The most drafts listed: the latest ones. */
const MAX_DRAFTS = 100;
/** The most messages shown per draft: the latest ones. */
const MAX_DRAFT_MESSAGES = 100;

const customerParamsSchema = z.object({ customerId: z.string().max(64) });

export async function draftsRoutes(app: FastifyInstance, deps: DraftsRoutesDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['drafts'];

  r.get('/api/drafts', {
    schema: {
      tags,
      summary: 'Intakes in progress: what each customer has given so far and the conversation, the latest first (read-only)',
      response: { 200: z.object({ drafts: z.array(draftViewSchema) }), ...errors },
    },
  }, async () => {
    const since = new Date(deps.clock().getTime() - deps.intakeTtlMs);
    const intakes = await deps.store.listIntakes({ updatedAfter: since, limit: MAX_DRAFTS });
    const agents = await deps.queries.lookup();
    return { drafts: await Promise.all(intakes.map((intake) => toDraftView(intake, agents, deps.store))) };
  });

  r.post('/api/drafts/:customerId/take-over', {
    schema: {
      tags,
      summary: "Takes over a customer's intake: creates the request from what was collected so far, assigns it to the calling agent and tells the customer an agent joined",
      params: customerParamsSchema,
      response: { 201: z.object({ request: requestListItemSchema }), ...errors },
    },
  }, async (request, reply) => {
    const agent = agentOf(request);
    const created = await deps.gateway.takeOver({ customerId: request.params.customerId, agent: { id: agent.id, name: agent.name } });
    await deps.relay.assign(created.number, agent.id, agent.id);
    request.log.info({ request: created.number, customer: created.customerId, by: agent.id }, 'intake taken over');
    const item = await deps.queries.listItem(created.id, 'none');
    if (!item) throw new HttpError('not_found', `request ${created.number} does not exist`);
    return reply.status(201).send({ request: item });
  });
}

async function toDraftView(intake: IntakeRecord, agents: AgentLookup, store: RequestStore): Promise<DraftView> {
  const state = intake.state as ConversationState;
  const draft = state.draft ?? {};
  const [messages, screenshot] = await Promise.all([
    store.listIntakeMessages(intake.customer.id, { limit: MAX_DRAFT_MESSAGES }),
    draft.screenshot ? store.getAttachment(draft.screenshot.id) : Promise.resolve(null),
  ]);
  return {
    customer: toCustomerView(intake.customer),
    step: state.step.kind,
    draft: {
      type: draft.type ?? null,
      subject: draft.subject ?? null,
      description: draft.description ?? null,
      screenshot: screenshot ? toAttachmentView(screenshot) : null,
    },
    messages: messages.map((m) => toMessageView(m, m.attachments, agents, null, intake.customer.locale as Locale)),
    startedAt: (messages[0]?.createdAt ?? intake.updatedAt).toISOString(),
    updatedAt: intake.updatedAt.toISOString(),
  };
}

import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import { transition } from '../conversation/index.js';
import type { ConversationEvent, ConversationState, Effect } from '../conversation/conversation.types.js';
import type { Metrics } from '../observability/metrics.js';
import { canTransition } from '../requests/request-status.js';
import type { RequestTx, StepLink, StepReply } from '../requests/request-store.port.js';
import type { Customer, StoredMessage } from '../requests/request.types.js';
import type { GatewayEventMap, GatewayEventName } from './gateway-events.js';

/** Follow-up events feed back into the machine; this bounds a runaway loop. */
const MAX_FOLLOW_UPS = 8;

/** Everything one conversation step needs while its transaction is open. */
export interface StepContext {
  tx: RequestTx;
  /** The customer as the step leaves it (a new object when an effect changed it). */
  customer: Customer;
  now: Date;
  /** The inbound message being applied, if the step was caused by one. */
  message: StoredMessage | null;
  /** Number of the request the step last touched: bot replies in the same step are filed under it. */
  requestNumber: string | null;
  /** The agent behind the step, when an agent caused it. */
  agentId: string | null;
  metrics: Metrics;
  logger: Logger;
  /**
   * Replies of the step, in order, and customer messages it files under a request.
   * They are written by the step's commit (one statement with the snapshot), so a
   * step with no other effect costs one write.
   */
  replies: StepReply[];
  links: StepLink[];
  /** Announcements to make once the transaction has committed, in the order of the effects. */
  announcements: PendingAnnouncement[];
  /** The open mass incidents this step's policy offered, with their ids (a "yes" links to one of them). */
  knownIncidents?: ReadonlyArray<{ id: string; number: string }>;
}

export type Announcement = { [E in GatewayEventName]: { event: E; payload: GatewayEventMap[E] } }[GatewayEventName];

/**
 * An announcement, or the place of one that needs what the commit stores:
 * `replies[reply]` as queued, or a message as filed under its request.
 */
export type PendingAnnouncement =
  | Announcement
  | { event: 'reply_stored'; reply: number }
  | { event: 'message_filed'; requestNumber: string; message: StoredMessage };

/**
 * Applies an event to the state and carries out the resulting effects inside
 * the step's transaction. Effects that produce an answer (the new request's
 * number, a status look-up) feed it back to the machine as the next event.
 */
export async function applyEvent(ctx: StepContext, state: ConversationState, event: ConversationEvent): Promise<ConversationState> {
  let current = state;
  let pending: ConversationEvent[] = [event];
  for (let round = 0; pending.length > 0; round++) {
    if (round > MAX_FOLLOW_UPS) throw new Error(`conversation produced more than ${MAX_FOLLOW_UPS} follow-up events`);
    const next: ConversationEvent[] = [];
    for (const e of pending) {
      const result = timedTransition(ctx, current, e);
      current = result.state;
      for (const effect of result.effects) {
        const followUp = await runEffect(ctx, effect);
        if (followUp) next.push(followUp);
      }
    }
    pending = next;
  }
  return current;
}

function timedTransition(ctx: StepContext, state: ConversationState, event: ConversationEvent) {
  const started = performance.now();
  const result = transition(state, event);
  ctx.metrics.transitionSeconds.observe({ channel: ctx.customer.channel }, (performance.now() - started) / 1000);
  return result;
}

async function runEffect(ctx: StepContext, effect: Effect): Promise<ConversationEvent | null> {
  const { tx, customer, now } = ctx;
  const at = now.getTime();
  switch (effect.type) {
    case 'reply': {
      // Filed under the request the step has touched so far, as if written now.
      ctx.replies.push({
        requestNumber: ctx.requestNumber,
        author: 'bot',
        text: effect.text,
        ...(effect.choices ? { payload: { choices: effect.choices } } : {}),
      });
      ctx.announcements.push({ event: 'reply_stored', reply: ctx.replies.length - 1 });
      return null;
    }
    case 'create_request': {
      const request = await tx.prepareRequest({
        customerId: customer.id,
        channel: customer.channel,
        type: effect.draft.type,
        subject: effect.draft.subject,
        description: effect.draft.description,
        screenshotAttachmentId: effect.draft.screenshot?.id ?? null,
        sourceMessageId: effect.sourceMessageId,
        // Only an incident this step offered: the engine never names another.
        incidentId: effect.incidentNumber ? (ctx.knownIncidents?.find((i) => i.number === effect.incidentNumber)?.id ?? null) : null,
        at: now,
      });
      ctx.requestNumber = request.number;
      ctx.metrics.requestsCreated.inc({ channel: customer.channel, type: request.type });
      ctx.announcements.push({ event: 'request_created', payload: { request } });
      // The customer said an open incident is theirs: the incident changed too.
      if (request.incidentId && effect.incidentNumber) {
        ctx.announcements.push({ event: 'incident_linked', payload: { incidentNumber: effect.incidentNumber, requestNumbers: [request.number] } });
        ctx.announcements.push({ event: 'incident_changed', payload: { incidentNumber: effect.incidentNumber } });
      }
      return { type: 'request_created', at, number: request.number };
    }
    case 'forward_to_request': {
      // Written by the commit, which refuses the step if the request is not the customer's.
      ctx.links.push({ messageId: effect.messageId, requestNumber: effect.number });
      ctx.requestNumber = effect.number;
      if (ctx.message) ctx.announcements.push({ event: 'message_filed', requestNumber: effect.number, message: ctx.message });
      return null;
    }
    case 'query_status': {
      const requests = effect.number
        ? [await tx.findCustomerRequest(customer.id, effect.number)].filter((r) => r !== null)
        : await tx.listOpenRequests(customer.id);
      return { type: 'status_result', at, query: effect.number, requests };
    }
    case 'change_status':
      await changeStatusFromConversation(ctx, effect);
      return null;
    case 'set_locale':
      await tx.setCustomerLocale(customer.id, effect.locale);
      ctx.customer = { ...customer, locale: effect.locale };
      return null;
    case 'set_contact':
      await tx.setCustomerContact(customer.id, effect);
      ctx.customer = { ...customer, displayName: effect.name, email: effect.email, phone: effect.phone };
      return null;
    default:
      return assertNever(effect);
  }
}

/**
 * The customer moved their request (answered a clarification, said solved or
 * not solved). A move the graph refuses is logged and skipped, never thrown:
 * the request may have been changed by an agent a moment earlier.
 */
async function changeStatusFromConversation(ctx: StepContext, effect: Extract<Effect, { type: 'change_status' }>): Promise<void> {
  const summary = await ctx.tx.findCustomerRequest(ctx.customer.id, effect.number);
  if (!summary || summary.status === effect.status || !canTransition(summary.status, effect.status)) {
    ctx.logger.info({ request: effect.number, from: summary?.status, to: effect.status }, 'customer status change skipped');
    return;
  }
  const { request, change } = await ctx.tx.changeStatus({
    number: summary.number,
    to: effect.status,
    comment: effect.comment,
    actor: { kind: 'customer' },
    at: ctx.now,
  });
  ctx.requestNumber = request.number;
  ctx.announcements.push({
    event: 'status_changed',
    payload: { request, change, from: change.from ?? summary.status, to: change.to, comment: change.comment },
  });
  // "Not solved" on a mass incident's solution: this customer's problem is another one.
  if (summary.incident && summary.status === 'solution_provided' && effect.status === 'in_progress') {
    const incidentNumber = await ctx.tx.leaveIncident(ctx.customer.id, summary.number, ctx.now);
    if (incidentNumber) {
      ctx.announcements.push({ event: 'incident_unlinked', payload: { incidentNumber, requestNumber: summary.number, reason: 'not_solved' } });
    }
  }
}

function assertNever(value: never): never {
  throw new Error(`unhandled effect: ${JSON.stringify(value)}`);
}

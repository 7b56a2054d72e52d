/**
 * Conversation steps: each loads the conversation's state, lets the machine
 * decide, carries out the effects and commits them with the new snapshot in one
 * transaction, then announces what happened. Callers hold the conversation lock.
 */
import { performance } from 'node:perf_hooks';
import { formatText, isIntakeStep } from '../conversation/index.js';
import type { ConversationEvent, ConversationState, KnownIncident, Locale, Policy, RejectedFile } from '../conversation/conversation.types.js';
import { ACCEPTED_IMAGE_TYPES } from '../requests/attachments.js';
import { StoreError, type StepCommitted } from '../requests/request-store.port.js';
import type { Customer, StoredMessage } from '../requests/request.types.js';
import { ConversationStates } from './conversation-states.js';
import type { CustomerCache } from './customer-cache.js';
import type { GatewayDeps } from './gateway.deps.js';
import type { GatewayEvents } from './gateway-events.js';
import type { CheckedFile } from './inbound-record.js';
import { GatewayError } from './gateway.errors.js';
import { isOutage } from './outage.js';
import { applyEvent, type PendingAnnouncement, type StepContext } from './step-effects.js';

export class ConversationSteps {
  private readonly states: ConversationStates;
  /** Failed attempts per message id, until it is applied or set aside. */
  private readonly failures = new Map<string, number>();
  private readonly maxAttempts: number;

  constructor(
    private readonly deps: GatewayDeps,
    private readonly customers: CustomerCache,
  ) {
    this.states = new ConversationStates(deps.states, deps.store, deps.intakeTtlMs);
    this.maxAttempts = deps.maxStepAttempts ?? 3;
  }

  /**
   * Applies one inbound message. Returns false if it failed and should be retried
   * later. An outage (database or Redis unreachable) is retried for as long as it
   * lasts; data the store can never keep is set aside at once; any other failure
   * sets the message aside after `maxStepAttempts` tries. Rejects only when the
   * setting aside itself fails (an outage began): the message then stays pending.
   */
  async applySafely(customer: Customer, message: StoredMessage, file: CheckedFile | null = null): Promise<boolean> {
    try {
      await this.applyMessage(customer, message, file);
      this.failures.delete(message.id);
      return true;
    } catch (error) {
      this.deps.metrics.stepFailures.inc({ channel: customer.channel });
      const log = this.deps.logger.child({ conversation: customer.id, message: message.id });
      if (isOutage(error)) {
        log.warn({ err: error }, 'applying a message failed: a service is unreachable; it stays pending');
        return false;
      }
      const permanent = error instanceof StoreError && error.code === 'invalid_input';
      const attempts = (this.failures.get(message.id) ?? 0) + 1;
      log.error({ err: error, attempts }, 'applying a message failed');
      if (!permanent && attempts < this.maxAttempts) {
        this.failures.set(message.id, attempts);
        return false;
      }
      await this.setAside(customer, message);
      this.failures.delete(message.id);
      return true;
    }
  }

  /**
   * A message that keeps failing is marked processed so the conversation is not
   * stuck behind it. It stays stored; the customer is told, and it is logged.
   */
  private async setAside(customer: Customer, message: StoredMessage): Promise<void> {
    const now = this.deps.clock();
    const apology = await this.deps.store.transaction(async (tx) => {
      await tx.markProcessed(message.id, now);
      return tx.enqueueOutbound({
        customerId: customer.id,
        requestId: message.requestId,
        channel: customer.channel,
        author: 'system',
        text: formatText(customer.locale as Locale, 'stepFailed'),
        at: now,
      });
    });
    this.deps.events.emit('message_enqueued', { message: apology });
    this.deps.logger.error({ conversation: customer.id, message: message.id }, 'message set aside after repeated failures');
  }

  private async applyMessage(customer: Customer, message: StoredMessage, file: CheckedFile | null): Promise<void> {
    const started = performance.now();
    const event = await this.toMessageEvent(message, file);
    await this.run(customer, message, null, async (ctx, state) => {
      let current = state;
      if (this.states.isExpired(current, event.at)) current = await applyEvent(ctx, current, { type: 'expired', at: event.at });
      current = await applyEvent(ctx, current, event);
      return { state: current, result: undefined };
    });
    this.deps.metrics.stepSeconds.observe({ channel: customer.channel }, (performance.now() - started) / 1000);
  }

  /**
   * One conversation step: load the state, run `body` in a transaction that ends
   * with the step's commit (its replies, the message marked processed and the new
   * snapshot, unless `body` returned the state it was given: an agent's reply
   * leaves the conversation as it was), then refresh the hot copy and announce
   * what happened. The caller holds the conversation lock.
   */
  async run<T>(
    customer: Customer,
    message: StoredMessage | null,
    agentId: string | null,
    body: (ctx: StepContext, state: ConversationState) => Promise<{ state: ConversationState; result: T }>,
  ): Promise<T> {
    const { store, clock, metrics, logger, events } = this.deps;
    const now = clock();
    // The hot copy is taken out of the store: a crash before the commit leaves none, never a stale one.
    const loaded = await this.states.take(customer, now.getTime());
    const knownIncidents = (await this.deps.knownIncidents?.()) ?? [];
    const version = loaded.version + 1;
    const log = logger.child({ conversation: customer.id });
    let ctx!: StepContext;
    let unchanged = false;
    const { out, committed } = await store.transaction(async (tx) => {
      ctx = { tx, customer, now, message, requestNumber: null, agentId, metrics, logger: log, replies: [], links: [], announcements: [], knownIncidents };
      const given: ConversationState = { ...loaded.state, policy: this.policyFor(customer, message, knownIncidents) };
      const result = await body(ctx, given);
      unchanged = result.state === given;
      const stored = await tx.commitStep({
        customerId: customer.id,
        channel: customer.channel,
        at: now,
        messageId: message?.id ?? null,
        replies: ctx.replies,
        sentAtOnce: this.deps.sendAtOnce?.accepts(customer.channel) ?? false,
        links: ctx.links,
        snapshot: unchanged ? null : { state: result.state, version },
      });
      return { out: result, committed: stored };
    });
    // The step changed the customer (its locale): keep the cached copy current.
    if (ctx.customer !== customer) this.customers.set(ctx.customer);
    await this.states.saveHot(customer.id, out.state, unchanged ? loaded.version : version).catch((error: unknown) => {
      log.warn({ err: error }, 'could not refresh the hot conversation state; the database copy will be used');
    });
    for (const a of ctx.announcements) announce(events, a, committed);
    // Written as sent: sent now, in order, after their announcement (agents see the reply, then nothing more).
    for (const reply of committed.replies) if (reply.deliveryState === 'sent') this.deps.sendAtOnce?.send(ctx.customer, reply);
    if (isIntakeStep(loaded.state.step) || isIntakeStep(out.state.step)) events.emit('intake_changed', { customerId: customer.id });
    return out.result;
  }

  /**
   * An agent takes over the customer's intake (see onTakenOver): the request is
   * created from what was collected, with the customer's newest message in the
   * intake as its source. Resolves to its number. `not_found` with no intake in
   * progress (or one that expired), `conflict` while its request is being created.
   * The caller holds the conversation lock.
   */
  async takeOver(customer: Customer, agent: { id: string; name: string }): Promise<string> {
    const now = this.deps.clock().getTime();
    const messages = await this.deps.store.listIntakeMessages(customer.id, { limit: 50 });
    const source = messages.findLast((m) => m.direction === 'inbound');
    return this.run(customer, null, agent.id, async (ctx, state) => {
      if (!isIntakeStep(state.step) || this.states.isExpired(state, now)) throw new GatewayError('not_found', 'the customer has no intake in progress');
      if (state.step.kind === 'creating') throw new GatewayError('conflict', "the customer's request is being created");
      if (!source) throw new GatewayError('not_found', 'the intake has no message of the customer');
      const next = await applyEvent(ctx, state, { type: 'taken_over', at: now, agentName: agent.name, sourceMessageId: source.id });
      if (!ctx.requestNumber) throw new Error('the take-over created no request');
      return { state: next, result: ctx.requestNumber };
    });
  }

  /**
   * How this step is to be run: the channel's menu, the follow-up window after
   * closing, and what the message says of the web chat's opening prompt and
   * pre-chat step (never for a customer whose e-mail or phone is known).
   */
  private policyFor(customer: Customer, message: StoredMessage | null, incidents: KnownIncident[]): Policy {
    return {
      // What the engine needs of each (not the ids, which stay with the step's context).
      knownIncidents: incidents.map(({ number, titles, latestUpdate }) => ({ number, titles, latestUpdate })),
      menu: this.deps.menuOf?.(customer.channel) ?? 'commands',
      closedFollowUpMs: this.deps.closedFollowUpMs ?? 0,
      askContact: Boolean(message?.payload?.askContact) && !customer.email && !customer.phone,
      greetsOnOpen: Boolean(message?.payload?.answersOpening),
    };
  }

  /** The engine's event for a stored message; its file is read only when the caller has not just checked it (`file`). */
  private async toMessageEvent(message: StoredMessage, file: CheckedFile | null): Promise<Extract<ConversationEvent, { type: 'message' }>> {
    const event: Extract<ConversationEvent, { type: 'message' }> = {
      type: 'message',
      messageId: message.id,
      at: message.createdAt.getTime(),
    };
    if (message.text !== null) event.text = message.text;
    if (message.payload?.choiceId) event.choiceId = message.payload.choiceId;
    const rejected: RejectedFile | undefined = message.payload?.rejectedFile;
    if (rejected) event.rejectedFile = rejected;
    const attachmentId = message.attachmentIds[0];
    if (attachmentId) {
      const attachment = file?.id === attachmentId ? file : await this.deps.store.getAttachment(attachmentId);
      if (attachment) {
        event.attachment = {
          id: attachment.id,
          mimeType: attachment.mimeType,
          isImage: ACCEPTED_IMAGE_TYPES.includes(attachment.mimeType),
        };
      }
    }
    return event;
  }
}

/** Makes an announcement of a committed step, completed with what the commit stored. */
function announce(events: GatewayEvents, a: PendingAnnouncement, committed: StepCommitted): void {
  switch (a.event) {
    case 'reply_stored': {
      const message = committed.replies[a.reply];
      if (message) events.emit('message_enqueued', { message });
      return;
    }
    case 'message_filed': {
      const requestId = committed.requestIds.get(a.requestNumber) ?? a.message.requestId;
      events.emit('customer_message', { requestNumber: a.requestNumber, message: { ...a.message, requestId } });
      return;
    }
    default:
      events.emit(a.event, a.payload as never);
  }
}

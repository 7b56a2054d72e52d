import { performance } from 'node:perf_hooks';
import type { Logger } from 'pino';
import type { InboundMessage } from '../channels/channel.port.js';
import { formatText } from '../conversation/index.js';
import type { ConversationEvent, ConversationState, Locale, RejectedFile } from '../conversation/conversation.types.js';
import type { Metrics } from '../observability/metrics.js';
import { ACCEPTED_IMAGE_TYPES, type AttachmentService } from '../requests/attachments.js';
import type { RequestStore } from '../requests/request-store.port.js';
import type { Actor, Customer, RequestRecord, RequestStatus, StoredMessage } from '../requests/request.types.js';
import { ConversationStates } from './conversation-states.js';
import { GatewayError } from './gateway.errors.js';
import type { GatewayEvents } from './gateway-events.js';
import { validateInbound } from './inbound-validation.js';
import type { LockManager, StateStore } from './state-store.port.js';
import { applyEvent, type StepContext } from './step-effects.js';

export interface GatewayDeps {
  store: RequestStore;
  states: StateStore;
  locks: LockManager;
  attachments: AttachmentService;
  events: GatewayEvents;
  metrics: Metrics;
  logger: Logger;
  clock: () => Date;
  intakeTtlMs: number;
  defaultLocale: Locale;
  /** A message that failed this many times is set aside so the conversation can go on. */
  maxStepAttempts?: number;
}

export interface ReceiveResult {
  /** `applied`: the conversation moved on; `duplicate`: seen before; `deferred`: stored, to be applied on retry. */
  status: 'applied' | 'duplicate' | 'deferred';
  messageId: string;
  customerId: string;
}

/**
 * The gateway: every channel hands customer messages to `receive`. A message
 * is recorded first (so it cannot be lost and a redelivery is recognised),
 * then applied under the conversation's lock, in the order messages were
 * recorded: whoever holds the lock applies every pending message of that
 * conversation, oldest first.
 */
export class Gateway {
  private accepting = true;
  private readonly states: ConversationStates;
  private readonly failures = new Map<string, number>();
  /** Customers with a message whose step failed; retried by `retryDeferred`. */
  private readonly deferred = new Set<string>();
  private readonly maxStepAttempts: number;

  constructor(private readonly deps: GatewayDeps) {
    this.states = new ConversationStates(deps.states, deps.store, deps.intakeTtlMs);
    this.maxStepAttempts = deps.maxStepAttempts ?? 3;
  }

  /** Stops taking new messages (graceful shutdown). */
  stopAccepting(): void {
    this.accepting = false;
  }

  async receive(input: InboundMessage): Promise<ReceiveResult> {
    if (!this.accepting) throw new GatewayError('shutting_down', 'the gateway is shutting down');
    validateInbound(input);
    const { store, metrics } = this.deps;
    const customer = await store.upsertCustomer({
      channel: input.channel,
      externalId: input.externalId,
      locale: input.locale ?? this.deps.defaultLocale,
      ...(input.displayName ? { displayName: input.displayName } : {}),
    });
    const { attachmentId, rejectedFile } = await this.resolveFile(customer, input);
    const { message, duplicate } = await store.recordInbound({
      customerId: customer.id,
      channel: input.channel,
      channelMessageId: input.channelMessageId,
      ...(input.text !== undefined ? { text: input.text } : {}),
      ...(input.choiceId || rejectedFile
        ? { payload: { ...(input.choiceId ? { choiceId: input.choiceId } : {}), ...(rejectedFile ? { rejectedFile } : {}) } }
        : {}),
      ...(attachmentId ? { attachmentId } : {}),
      receivedAt: input.receivedAt ?? this.deps.clock(),
    });
    const result = { messageId: message.id, customerId: customer.id };
    if (duplicate && message.processedAt) {
      metrics.duplicatesIgnored.inc({ channel: input.channel });
      return { status: 'duplicate', ...result };
    }
    if (!duplicate) metrics.messagesIn.inc({ channel: input.channel });
    const applied = await this.drain(customer);
    return { status: applied ? 'applied' : 'deferred', ...result };
  }

  /**
   * Applies every pending inbound message of a customer, oldest first, under
   * the conversation lock. Returns false if a message could not be applied
   * yet (it stays pending and is retried by `recover`).
   */
  async drain(customer: Customer): Promise<boolean> {
    const done = await this.deps.locks.withLock(lockKey(customer.id), async () => {
      const pending = await this.deps.store.listUnprocessedInbound(customer.id);
      for (const message of pending) {
        if (!(await this.applySafely(customer, message))) return false;
      }
      return true;
    });
    if (done) this.deferred.delete(customer.id);
    else this.deferred.add(customer.id);
    return done;
  }

  /** Retries the conversations whose last step failed (e.g. while the database was unreachable). */
  async retryDeferred(): Promise<void> {
    for (const id of [...this.deferred]) {
      const customer = await this.deps.store.getCustomer(id);
      if (!customer) {
        this.deferred.delete(id);
        continue;
      }
      await this.drain(customer).catch((error: unknown) => this.deps.logger.error({ err: error, conversation: id }, 'retry failed'));
    }
  }

  /**
   * Applies messages left pending by a crash (run at start-up; it scans the
   * message table). Returns how many conversations were drained.
   */
  async recover(): Promise<number> {
    const customerIds = await this.deps.store.listCustomersWithUnprocessed();
    let drained = 0;
    for (const id of customerIds) {
      const customer = await this.deps.store.getCustomer(id);
      if (!customer) continue;
      try {
        if (await this.drain(customer)) drained++;
      } catch (error) {
        this.deps.logger.error({ err: error, conversation: id }, 'recovery drain failed');
      }
    }
    return drained;
  }

  /**
   * Changes a request's status on behalf of an agent (or the system) and tells
   * the customer, in one transaction, under the customer's conversation lock.
   */
  async changeStatus(input: { number: string; to: RequestStatus; comment: string | null; actor: Actor }): Promise<RequestRecord> {
    const detail = await this.deps.store.getRequest(input.number);
    if (!detail) throw new GatewayError('not_found', `request ${input.number} does not exist`);
    const customer = detail.customer;
    return this.deps.locks.withLock(lockKey(customer.id), () =>
      this.runStep(customer, null, input.actor.agentId ?? null, async (ctx, state) => {
        const { request, change } = await ctx.tx.changeStatus({ ...input, number: detail.number, at: ctx.now });
        ctx.request = request;
        ctx.announcements.push({
          event: 'status_changed',
          payload: { request, from: change.from ?? detail.status, to: change.to, comment: change.comment },
        });
        const event: ConversationEvent = {
          type: 'status_changed',
          at: ctx.now.getTime(),
          number: request.number,
          status: request.status,
          comment: input.comment,
        };
        return { state: await applyEvent(ctx, state, event), result: request };
      }),
    );
  }

  private async applySafely(customer: Customer, message: StoredMessage): Promise<boolean> {
    try {
      await this.applyMessage(customer, message);
      this.failures.delete(message.id);
      return true;
    } catch (error) {
      const attempts = (this.failures.get(message.id) ?? 0) + 1;
      this.failures.set(message.id, attempts);
      this.deps.metrics.stepFailures.inc({ channel: customer.channel });
      this.deps.logger.error({ err: error, conversation: customer.id, message: message.id, attempts }, 'applying a message failed');
      if (attempts < this.maxStepAttempts) return false;
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

  private async applyMessage(customer: Customer, message: StoredMessage): Promise<void> {
    const started = performance.now();
    const event = await this.toMessageEvent(message);
    await this.runStep(customer, message, null, async (ctx, state) => {
      let current = state;
      if (this.states.isExpired(current, event.at)) current = await applyEvent(ctx, current, { type: 'expired', at: event.at });
      current = await applyEvent(ctx, current, event);
      await ctx.tx.markProcessed(message.id, ctx.now);
      return { state: current, result: undefined };
    });
    this.deps.metrics.stepSeconds.observe({ channel: customer.channel }, (performance.now() - started) / 1000);
  }

  /**
   * One conversation step: load the state, run `body` in a transaction that
   * also saves the new snapshot, then refresh the hot copy and announce what
   * happened. The caller holds the conversation lock.
   */
  private async runStep<T>(
    customer: Customer,
    message: StoredMessage | null,
    agentId: string | null,
    body: (ctx: StepContext, state: ConversationState) => Promise<{ state: ConversationState; result: T }>,
  ): Promise<T> {
    const { store, clock, metrics, logger, events } = this.deps;
    const now = clock();
    const loaded = await this.states.load(customer, now.getTime());
    if (loaded.source === 'hot') await this.states.invalidate(customer.id);
    const version = loaded.version + 1;
    const log = logger.child({ conversation: customer.id });
    let ctx!: StepContext;
    const outcome = await store.transaction(async (tx) => {
      ctx = { tx, customer, now, message, request: null, agentId, metrics, logger: log, announcements: [] };
      const out = await body(ctx, loaded.state);
      await tx.saveConversation(customer.id, out.state, version, now);
      return out;
    });
    await this.states.saveHot(customer.id, outcome.state, version).catch((error: unknown) => {
      log.warn({ err: error }, 'could not refresh the hot conversation state; the database copy will be used');
    });
    for (const a of ctx.announcements) events.emit(a.event, a.payload as never);
    return outcome.result;
  }

  private async toMessageEvent(message: StoredMessage): Promise<Extract<ConversationEvent, { type: 'message' }>> {
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
      const attachment = await this.deps.store.getAttachment(attachmentId);
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

  /** Checks and stores a file sent with the message, or verifies an uploaded attachment belongs to the customer. */
  private async resolveFile(
    customer: Customer,
    input: InboundMessage,
  ): Promise<{ attachmentId?: string; rejectedFile?: RejectedFile }> {
    if (input.attachmentId) {
      const attachment = await this.deps.store.getAttachment(input.attachmentId);
      if (!attachment || attachment.customerId !== customer.id) {
        throw new GatewayError('invalid_attachment', `attachment ${input.attachmentId} does not belong to this customer`);
      }
      return { attachmentId: attachment.id };
    }
    if (!input.file) return {};
    const result = await this.deps.attachments.ingest({
      customerId: customer.id,
      data: input.file.data,
      ...(input.file.fileName ? { fileName: input.file.fileName } : {}),
    });
    if (result.ok) return { attachmentId: result.attachment.id };
    const reason = result.reason === 'too_large' ? 'too_large' : 'unsupported_type';
    return { rejectedFile: { reason, limitBytes: result.limitBytes } };
  }
}

function lockKey(customerId: string): string {
  return `conversation:${customerId}`;
}

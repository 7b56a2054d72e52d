import type { InboundMessage, OnStored } from '../channels/channel.port.js';
import type { ConversationEvent } from '../conversation/conversation.types.js';
import { StoreError } from '../requests/request-store.port.js';
import type { Actor, Customer, RequestDetail, RequestRecord, RequestStatus, StoredMessage } from '../requests/request.types.js';
import { ConversationSteps } from './conversation-steps.js';
import { CustomerCache } from './customer-cache.js';
import { GatewayError } from './gateway.errors.js';
import { isOutage } from './outage.js';
import { normalizeInbound } from './inbound-validation.js';
import { toRecord, type CheckedFile } from './inbound-record.js';
import { ReceiveFailures } from './receive-failures.js';
import { applyEvent } from './step-effects.js';
import type { GatewayDeps } from './gateway.deps.js';

export type { GatewayDeps };


export interface ReceiveResult {
  /** `applied`: the conversation moved on; `duplicate`: seen before; `deferred`: stored, to be applied on retry. */
  status: 'applied' | 'duplicate' | 'deferred';
  messageId: string;
  customerId: string;
}

/**
 * The gateway: every channel hands customer messages to `receive`. Under the
 * conversation's lock, a message is recorded (so it cannot be lost and a
 * redelivery is recognised) together with a read of every pending message of
 * that conversation, which the lock holder then applies, oldest first. A message
 * that cannot be applied now stays recorded and pending, and is retried.
 */
export class Gateway {
  private accepting = true;
  /** Customers with a message whose step failed; retried by `retryDeferred`. */
  private readonly deferred = new Set<string>();
  private readonly customers = new CustomerCache();
  private readonly steps: ConversationSteps;
  private readonly failures = new ReceiveFailures();
  /** The running retryDeferred pass, so timer ticks never overlap. */
  private retrying: Promise<void> | null = null;

  constructor(private readonly deps: GatewayDeps) {
    this.steps = new ConversationSteps(deps, this.customers);
  }

  /** Stops taking new messages (graceful shutdown). */
  stopAccepting(): void {
    this.accepting = false;
  }

  /**
   * Takes a channel's message: stored once, then applied in order. Rejects only
   * with a GatewayError, whose code tells the channel whether sending the same
   * message again can succeed (see gateway.errors.ts); an acknowledged message
   * (resolved) is stored.
   */
  async receive(input: InboundMessage, onStored?: OnStored): Promise<ReceiveResult> {
    if (!this.accepting) throw new GatewayError('shutting_down', 'the gateway is shutting down');
    const message = normalizeInbound(input);
    try {
      const result = await this.take(message, onStored);
      this.failures.succeeded(message);
      return result;
    } catch (error) {
      const judged = this.failures.judge(message, error);
      // Logged once, here, with the cause: channels only pass the code on.
      if (judged !== error) {
        const context = { err: error, channel: message.channel, channelMessage: message.channelMessageId };
        // The outage itself is logged where it is noticed (readiness, the Redis connection); each message only at debug.
        if (judged.code === 'unavailable') this.deps.logger.debug(context, 'message not taken: a service is unreachable');
        else this.deps.logger.error(context, `message not taken: ${judged.message}`);
      }
      throw judged;
    }
  }

  private async take(input: InboundMessage, onStored: OnStored | undefined): Promise<ReceiveResult> {
    const cached = this.cachedCustomer(input);
    if (!cached) return this.receiveFrom(await this.identify(input), input, onStored);
    try {
      return await this.receiveFrom(cached, input, onStored);
    } catch (error) {
      // A customer removed since it was cached: look it up again, once.
      if (!(error instanceof StoreError && error.code === 'not_found')) throw error;
      this.customers.forget(cached);
      return this.receiveFrom(await this.identify(input), input, onStored);
    }
  }

  /**
   * Under the conversation lock, records the message and reads what is pending in
   * one statement, then applies it all in order. If the lock cannot be had (Redis
   * unreachable, or held too long), the message is recorded all the same and
   * applied by `retryDeferred`.
   */
  private async receiveFrom(customer: Customer, input: InboundMessage, onStored: OnStored | undefined): Promise<ReceiveResult> {
    const { record, file } = await toRecord(customer, input, this.deps);
    let locked = false;
    try {
      return await this.deps.locks.withLock(lockKey(customer.id), async () => {
        locked = true;
        const { message, duplicate, pending } = await this.deps.store.recordAndListPending(record);
        await this.stored(onStored, customer, message, duplicate);
        const seen = this.countIn(customer, message, duplicate);
        if (seen) return seen;
        const applied = await this.applyAll(customer, pending, file);
        return { status: applied ? 'applied' : 'deferred', messageId: message.id, customerId: customer.id };
      });
    } catch (error) {
      if (locked) throw error;
      this.deps.logger.warn({ err: error, conversation: customer.id }, 'no conversation lock: message recorded, to be applied later');
      const { message, duplicate } = await this.deps.store.recordInbound(record);
      await this.stored(onStored, customer, message, duplicate);
      const seen = this.countIn(customer, message, duplicate);
      if (seen) return seen;
      this.deferred.add(customer.id);
      return { status: 'deferred', messageId: message.id, customerId: customer.id };
    }
  }

  /** Tells the channel its message is stored (ReceiveFn's onStored); what the channel throws is only logged. */
  private async stored(onStored: OnStored | undefined, customer: Customer, message: StoredMessage, duplicate: boolean): Promise<void> {
    if (!onStored) return;
    try {
      await onStored({ messageId: message.id, customerId: customer.id, duplicate });
    } catch (error) {
      this.deps.logger.error({ err: error, conversation: customer.id, message: message.id }, 'the channel failed on a stored message');
    }
  }

  /** Counts a recorded message; returns the answer for a redelivery of one applied already. */
  private countIn(customer: Customer, message: StoredMessage, duplicate: boolean): ReceiveResult | null {
    if (duplicate && message.processedAt) {
      this.deps.metrics.duplicatesIgnored.inc({ channel: customer.channel });
      return { status: 'duplicate', messageId: message.id, customerId: customer.id };
    }
    if (!duplicate) this.deps.metrics.messagesIn.inc({ channel: customer.channel });
    return null;
  }

  /** The cached customer, unless the message brings a display name the cache does not know. */
  private cachedCustomer(input: InboundMessage): Customer | null {
    const cached = this.customers.get(input.channel, input.externalId);
    if (!cached || (input.displayName && input.displayName !== cached.displayName)) return null;
    return cached;
  }

  private async identify(input: InboundMessage): Promise<Customer> {
    const customer = await this.deps.store.upsertCustomer({
      channel: input.channel,
      externalId: input.externalId,
      locale: input.locale ?? this.deps.defaultLocale,
      ...(input.displayName ? { displayName: input.displayName } : {}),
    });
    this.customers.set(customer);
    return customer;
  }

  /**
   * Applies every pending inbound message of a customer, oldest first, under
   * the conversation lock. Returns false if a message could not be applied
   * yet (it stays pending and is retried by `retryDeferred`).
   */
  async drain(customer: Customer): Promise<boolean> {
    return this.deps.locks.withLock(lockKey(customer.id), async () =>
      this.applyAll(customer, await this.deps.store.listUnprocessedInbound(customer.id)),
    );
  }

  /**
   * Applies `pending` in order, stopping at a message that cannot be applied yet.
   * `file` is the one the message just recorded carries, if any. The caller holds the lock.
   */
  private async applyAll(customer: Customer, pending: StoredMessage[], file: CheckedFile | null = null): Promise<boolean> {
    for (const message of pending) {
      if (!(await this.steps.applySafely(customer, message, file))) {
        this.deferred.add(customer.id);
        return false;
      }
    }
    this.deferred.delete(customer.id);
    return true;
  }

  /**
   * Retries the conversations whose last step failed or could not be locked (the
   * database or Redis unreachable). Never rejects: a conversation that still
   * fails stays deferred for the next pass; a pass already running is joined.
   */
  retryDeferred(): Promise<void> {
    this.retrying ??= this.retryPass().finally(() => {
      this.retrying = null;
    });
    return this.retrying;
  }

  private async retryPass(): Promise<void> {
    for (const id of [...this.deferred]) {
      try {
        const customer = await this.deps.store.getCustomer(id);
        if (!customer) {
          this.deferred.delete(id);
          continue;
        }
        await this.drain(customer);
      } catch (error) {
        const log = this.deps.logger;
        if (isOutage(error)) log.warn({ err: error, conversation: id }, 'retry postponed: a service is unreachable');
        else log.error({ err: error, conversation: id }, 'retry failed');
      }
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
  async changeStatus(input: { number: string; to: RequestStatus; comment: string | null; actor: Actor; viaIncidentId?: string | null }): Promise<RequestRecord> {
    const detail = await this.deps.store.getRequest(input.number);
    if (!detail) throw new GatewayError('not_found', `request ${input.number} does not exist`);
    const customer = detail.customer;
    return this.deps.locks.withLock(lockKey(customer.id), () =>
      this.steps.run(customer, null, input.actor.agentId ?? null, async (ctx, state) => {
        const { request, change } = await ctx.tx.changeStatus({ ...input, number: detail.number, at: ctx.now });
        ctx.requestNumber = request.number;
        ctx.announcements.push({
          event: 'status_changed',
          payload: { request, change, from: change.from ?? detail.status, to: change.to, comment: change.comment },
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

  /**
   * An agent takes over a customer's intake still in progress (the console's
   * Drafts): the request is created from what was collected so far and the
   * customer is told a person joined. Resolves to the new request. `not_found`
   * when the customer has no intake in progress, `conflict` while its request is
   * being created.
   */
  async takeOver(input: { customerId: string; agent: { id: string; name: string } }): Promise<RequestRecord> {
    const customer = await this.deps.store.getCustomer(input.customerId);
    if (!customer) throw new GatewayError('not_found', `customer ${input.customerId} does not exist`);
    const number = await this.deps.locks.withLock(lockKey(customer.id), () => this.steps.takeOver(customer, input.agent));
    const created = await this.deps.store.getRequest(number);
    if (!created) throw new Error(`request ${number} was created but cannot be read`);
    return created;
  }

  /**
   * Sends an agent's reply to the customer of a request, on the customer's
   * channel, through the outbox. A request nobody has answered yet (`new`)
   * goes to `in_progress`: the reply itself tells the customer so.
   */
  async agentReply(input: {
    number: string;
    agentId: string;
    text: string | null;
    attachmentIds?: string[];
    /** The request, when the caller has just read it: not read again. */
    request?: RequestDetail;
  }): Promise<{ message: StoredMessage; request: RequestRecord }> {
    const detail = input.request ?? (await this.deps.store.getRequest(input.number));
    if (!detail) throw new GatewayError('not_found', `request ${input.number} does not exist`);
    const customer = detail.customer;
    const actor: Actor = { kind: 'agent', agentId: input.agentId };
    return this.deps.locks.withLock(lockKey(customer.id), () =>
      this.steps.run(customer, null, input.agentId, async (ctx, state) => {
        const message = await ctx.tx.enqueueOutbound({
          customerId: customer.id,
          requestId: detail.id,
          channel: customer.channel,
          author: 'agent',
          agentId: input.agentId,
          text: input.text,
          ...(input.attachmentIds?.length ? { attachmentIds: input.attachmentIds } : {}),
          at: ctx.now,
        });
        ctx.announcements.push({ event: 'message_enqueued', payload: { message } });
        let request: RequestRecord = detail;
        const current = await ctx.tx.findCustomerRequest(customer.id, detail.number);
        if (current?.status === 'new') {
          const { request: moved, change } = await ctx.tx.changeStatus({ number: detail.number, to: 'in_progress', comment: null, actor, at: ctx.now });
          ctx.announcements.push({ event: 'status_changed', payload: { request: moved, change, from: 'new', to: change.to, comment: null } });
          request = moved;
        }
        return { state, result: { message, request } };
      }),
    );
  }
}

export function lockKey(customerId: string): string {
  return `conversation:${customerId}`;
}

import type { Logger } from 'pino';
import { ChannelError, type ChannelPort, type OutboundMessage } from '../channels/channel.port.js';
import type { Locale } from '../conversation/conversation.types.js';
import type { Metrics } from '../observability/metrics.js';
import type { AttachmentService } from '../requests/attachments.js';
import type { RequestStore } from '../requests/request-store.port.js';
import { DEFAULT_DESK_SETTINGS, type DeskSettingsService } from '../requests/desk-settings.js';
import type { Customer, Delivery, StoredMessage } from '../requests/request.types.js';
import type { GatewayEvents } from './gateway-events.js';
import { isOutage } from './outage.js';

export interface OutboxWorkerOptions {
  store: RequestStore;
  channels: ReadonlyMap<string, ChannelPort>;
  attachments: AttachmentService;
  events: GatewayEvents;
  metrics: Metrics;
  logger: Logger;
  clock: () => Date;
  /** The desk's settings (agents' names in replies); without them, names are shown. */
  settings?: Pick<DeskSettingsService, 'get'>;
  /** How often to look for due deliveries when nobody wakes the worker. */
  pollIntervalMs: number;
  /** Attempts before a delivery is marked failed for good. */
  maxAttempts: number;
  /** Deliveries claimed per round; different customers are sent to in parallel. */
  batchSize?: number;
  /** How long a claimed delivery stays reserved for this instance. */
  leaseMs?: number;
  /** Delay before retry n (1-based). Defaults to exponential backoff with jitter, 1 s to 5 min. */
  backoff?: (attempt: number) => number;
}

/** Exponential backoff with full jitter on the upper half: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function defaultBackoff(attempt: number): number {
  const ceiling = Math.min(300_000, 1000 * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/**
 * Delivers outbox rows through their channel's port. Rows are claimed with a
 * lease, so several instances can run workers on one database; a customer's
 * messages go out in order. Failures are retried with backoff; a delivery that
 * keeps failing, or that the channel refuses for good, is marked failed,
 * counted and announced — never dropped silently.
 */
export class OutboxWorker {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** Rounds in flight on this worker, the timer's and flush()'s: each ends once its outcomes are recorded. */
  private readonly rounds = new Set<Promise<number>>();
  private wakeRequested = false;
  private stopped = true;
  /** The last round failed for an outage (logged once until a round succeeds again). */
  private outage = false;
  /** Stops listening for enqueued messages. */
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly opts: OutboxWorkerOptions) {}

  /** Starts delivering: at once, on every `message_enqueued`, and every `pollIntervalMs` (what another instance queued). */
  start(): void {
    this.stopped = false;
    // A reply written as sent went out with its step (sendNow): nothing to claim.
    this.unsubscribe ??= this.opts.events.on('message_enqueued', ({ message }) => {
      if (message.deliveryState !== 'sent') this.wake();
    });
    this.schedule(0);
  }

  /** Look for due deliveries now (a message was just queued). */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeRequested = true;
      return;
    }
    this.schedule(0);
  }

  /** Stops claiming new deliveries and waits for the ones in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = null;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
    await Promise.allSettled(this.rounds);
  }

  /**
   * Runs rounds until nothing is due, and waits for the rounds already in flight
   * on this worker (the timer's): on return, every delivery this worker claimed
   * has its outcome recorded. A delivery leased by a round still running is not
   * claimable, so finding nothing due is not enough. Exposed for tests and for
   * draining at shutdown.
   */
  async flush(): Promise<number> {
    let total = 0;
    for (;;) {
      const n = await this.round();
      total += n;
      if (n > 0) continue;
      if (this.rounds.size === 0) return total;
      await Promise.allSettled(this.rounds);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.tick(), delayMs);
    this.timer.unref();
  }

  /** An outage is logged when it begins, not on every poll while it lasts; anything else every time. */
  private roundFailed(error: unknown): void {
    if (!isOutage(error)) return this.opts.logger.error({ err: error }, 'outbox round failed');
    if (this.outage) return;
    this.outage = true;
    this.opts.logger.warn({ err: error }, 'outbox paused: a service is unreachable; deliveries wait');
  }

  private async tick(): Promise<void> {
    this.timer = null;
    if (this.running || this.stopped) return;
    this.running = (async () => {
      try {
        do {
          this.wakeRequested = false;
          while (!this.stopped && (await this.round()) > 0);
        } while (this.wakeRequested && !this.stopped);
      } catch (error) {
        this.roundFailed(error);
      }
    })();
    await this.running;
    this.running = null;
    this.schedule(this.opts.pollIntervalMs);
  }

  /** One round, tracked in `rounds` until its outcomes are recorded. */
  private round(): Promise<number> {
    const round: Promise<number> = this.claimAndDeliver().finally(() => this.rounds.delete(round));
    this.rounds.add(round);
    return round;
  }

  /** Claims one batch and delivers it. Returns how many deliveries were attempted. */
  private async claimAndDeliver(): Promise<number> {
    const { store, channels, clock } = this.opts;
    const deliveries = await store.claimDeliveries({
      limit: this.opts.batchSize ?? 32,
      leaseMs: this.opts.leaseMs ?? 60_000,
      now: clock(),
      channels: [...channels.values()].filter((p) => p.isAvailable?.() ?? true).map((p) => p.name),
    });
    if (this.outage) {
      this.outage = false;
      this.opts.logger.info('outbox resumed');
    }
    if (deliveries.length === 0) return 0;
    // Read once a round (cached); a failed read keeps the default rather than holding deliveries back.
    const settings = await (this.opts.settings?.get() ?? Promise.resolve(DEFAULT_DESK_SETTINGS)).catch(() => DEFAULT_DESK_SETTINGS);
    const sent = await Promise.all(deliveries.map((d) => this.deliver(d, settings.agentNameInReplies)));
    await this.complete(sent.filter((s) => s !== null));
    return deliveries.length;
  }

  /** Sends one delivery; returns what the channel accepted, or null after recording the failure. */
  private async deliver(delivery: Delivery, withAgentName: boolean): Promise<Sent | null> {
    const channelName = delivery.message.channel;
    try {
      const port = this.opts.channels.get(channelName);
      if (!port) throw new ChannelError('transient', `channel ${channelName} is not running on this instance`);
      const receipt = await port.send(delivery.customer.externalId, this.toOutbound(delivery, withAgentName));
      return { delivery, receipt };
    } catch (error) {
      await this.handleFailure(delivery, error);
      return null;
    }
  }

  /**
   * Sends a reply that its step wrote as sent (ChannelPort.sendsAtOnce), with no
   * claim or completion: the conversation's lock is still held, so its replies go
   * out in order. Never rejects: a failure is logged, and the customer's client
   * reads the reply from the history when it reconnects.
   */
  sendNow(customer: Customer, message: StoredMessage): void {
    const port = this.opts.channels.get(message.channel);
    const log = () => this.opts.logger.child({ conversation: customer.id, message: message.id });
    if (!port) return log().error('a reply written as sent has no channel on this instance');
    let sending: Promise<unknown>;
    try {
      sending = port.send(customer.externalId, this.toOutbound({ message, customer, attachments: [], agentName: null }, false));
    } catch (error) {
      sending = Promise.reject(error);
    }
    sending.then(
      () => this.opts.metrics.messagesOut.inc({ channel: message.channel }),
      (error: unknown) => log().warn({ err: error }, 'a reply written as sent could not be sent; the client reads it from its history'),
    );
  }

  /**
   * Marks a round's accepted deliveries sent, in one statement. If that fails, they
   * stay leased and are sent again once the lease expires (delivery is at least once).
   */
  private async complete(sent: Sent[]): Promise<void> {
    if (sent.length === 0) return;
    const { store, metrics, events, clock, logger } = this.opts;
    const results = sent.map(({ delivery, receipt }) => ({
      outboxId: delivery.outboxId,
      ...(receipt.channelMessageId ? { channelMessageId: receipt.channelMessageId } : {}),
    }));
    try {
      const missing = new Set(await store.completeDeliveries(results, clock()));
      for (const { delivery } of sent) {
        if (missing.has(delivery.outboxId)) {
          logger.error({ conversation: delivery.customer.id, outboxId: delivery.outboxId }, 'a delivered outbox row has vanished');
          continue;
        }
        metrics.messagesOut.inc({ channel: delivery.message.channel });
        events.emit('delivered', { message: { ...delivery.message, deliveryState: 'sent' } });
      }
    } catch (error) {
      logger.error({ err: error, deliveries: results.length }, 'could not mark deliveries sent; they will be sent again after their lease');
    }
  }

  private async handleFailure(delivery: Delivery, error: unknown): Promise<void> {
    const { store, metrics, events, clock, logger } = this.opts;
    const channel = delivery.message.channel;
    const channelError = error instanceof ChannelError ? error : null;
    const attempt = delivery.attempts + 1;
    const text = describe(error);
    const log = logger.child({ conversation: delivery.customer.id, message: delivery.message.id, attempt });
    if (channelError?.code === 'unreachable') await store.setCustomerReachable(delivery.customer.id, false);
    if (channelError?.code === 'rate_limited') {
      // The channel asked to wait (its rate limit, or our pacing): postponed, not an attempt used up.
      const delay = channelError.options.retryAfterMs ?? (this.opts.backoff ?? defaultBackoff)(attempt);
      await store.failDelivery(delivery.outboxId, { error: text, retryAt: new Date(clock().getTime() + delay), at: clock(), countAttempt: false });
      metrics.deliveryRetries.inc({ channel });
      log.info({ retryInMs: delay }, 'delivery postponed: the channel asked to wait');
      return;
    }
    const retryable = channelError ? channelError.retryable : true;
    if (retryable && attempt < this.opts.maxAttempts) {
      const delay = channelError?.options.retryAfterMs ?? (this.opts.backoff ?? defaultBackoff)(attempt);
      await store.failDelivery(delivery.outboxId, { error: text, retryAt: new Date(clock().getTime() + delay), at: clock() });
      metrics.deliveryRetries.inc({ channel });
      log.warn({ err: error, retryInMs: delay }, 'delivery failed, will retry');
      return;
    }
    await store.failDelivery(delivery.outboxId, { error: text, retryAt: null, at: clock() });
    metrics.deliveriesFailed.inc({ channel, reason: channelError?.code ?? 'error' });
    log.error({ err: error }, 'delivery failed for good');
    events.emit('delivery_failed', { message: { ...delivery.message, deliveryState: 'failed' }, error: text });
  }

  private toOutbound(delivery: Pick<Delivery, 'message' | 'customer' | 'attachments' | 'agentName' | 'bulk'>, withAgentName: boolean): OutboundMessage {
    const { message, customer, attachments, agentName } = delivery;
    return {
      messageId: message.id,
      text: message.text,
      ...(message.payload?.choices ? { choices: message.payload.choices } : {}),
      attachments: attachments.map((a) => ({
        id: a.id,
        mimeType: a.mimeType,
        fileName: a.fileName,
        read: () => this.opts.attachments.read(a),
      })),
      author: message.author === 'customer' ? 'system' : message.author,
      locale: customer.locale as Locale,
      ...(withAgentName && message.author === 'agent' && agentName ? { agentName } : {}),
      ...(delivery.bulk ? { bulk: true as const } : {}),
    };
  }
}

interface Sent {
  delivery: Delivery;
  receipt: { channelMessageId?: string };
}

function describe(error: unknown): string {
  if (error instanceof ChannelError) return `${error.code}: ${error.message}`;
  if (error instanceof Error) return error.message;
  return String(error);
}

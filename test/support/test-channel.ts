import { ChannelError, type ChannelModule, type ChannelPort, type InboundMessage, type OutboundMessage, type ReceiveFn } from '../../src/channels/channel.port.js';

export interface SentMessage {
  externalId: string;
  message: OutboundMessage;
}

/**
 * An in-memory channel for tests: `say` hands a customer message to the
 * gateway exactly as an adapter would, and everything the gateway delivers is
 * kept in `sent`. `failNext` makes deliveries fail to exercise the outbox.
 */
export class TestChannel implements ChannelModule {
  readonly sent: SentMessage[] = [];
  private receive: ReceiveFn | null = null;
  private failures: ChannelError[] = [];
  private seq = 0;
  /** Channel message ids differ between instances, as they would between real chats' messages. */
  private readonly tag = Math.random().toString(36).slice(2, 8);
  private waiters: Array<() => void> = [];
  readonly port: ChannelPort;

  /** `sendsAtOnce`: the port says it sends at once, as the web chat does (ChannelPort.sendsAtOnce). */
  constructor(readonly name = 'test', opts: { sendsAtOnce?: boolean } = {}) {
    this.port = { name, send: (externalId, message) => this.deliver(externalId, message), ...(opts.sendsAtOnce ? { sendsAtOnce: true } : {}) };
  }

  private async deliver(externalId: string, message: OutboundMessage) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    this.sent.push({ externalId, message });
    for (const w of this.waiters.splice(0)) w();
    return { channelMessageId: `out-${message.messageId}` };
  }

  async start(receive: ReceiveFn): Promise<void> {
    this.receive = receive;
  }

  async stop(): Promise<void> {
    this.receive = null;
  }

  /** A customer message; `id` defaults to a fresh channel message id. */
  say(externalId: string, content: Omit<InboundMessage, 'channel' | 'externalId' | 'channelMessageId'> & { id?: string }) {
    if (!this.receive) throw new Error('channel not started');
    const { id, ...rest } = content;
    return this.receive({ channel: this.name, externalId, channelMessageId: id ?? `in-${this.tag}-${++this.seq}`, ...rest });
  }

  failNext(...errors: ChannelError[]): void {
    this.failures.push(...errors);
  }

  failAlways(error: ChannelError, times = 1000): void {
    this.failures = Array.from({ length: times }, () => error);
  }

  clearFailures(): void {
    this.failures = [];
  }

  textsTo(externalId: string): string[] {
    return this.sent.filter((s) => s.externalId === externalId).map((s) => s.message.text ?? '');
  }

  /** Resolves once `count` messages in all have been delivered to `externalId`. */
  async waitFor(externalId: string, count: number, timeoutMs = 10_000): Promise<SentMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const got = this.sent.filter((s) => s.externalId === externalId);
      if (got.length >= count) return got;
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} messages to ${externalId}, got ${got.length}: ${JSON.stringify(got.map((g) => g.message.text))}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

export const transientError = () => new ChannelError('transient', 'simulated network failure');

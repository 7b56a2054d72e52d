/**
 * What a WhatsApp client receives, handed to the gateway: each chat's messages
 * in order, the media downloaded, and tried again when the gateway cannot take
 * them now, since WhatsApp never sends a message again.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import { GatewayError } from '../../gateway/gateway.errors.js';
import type { InboundMessage, ReceiveFn } from '../channel.port.js';
import type { WaMessage } from './whatsapp.client.port.js';
import { mapWhatsappMessage } from './whatsapp.mapper.js';

/**
 * A message is tried again through an outage of the database or Redis for up to
 * OUTAGE_PATIENCE_MS, after any other failure RECEIVE_ATTEMPTS times in all; a
 * message the gateway refuses for good is not tried again.
 */
const RECEIVE_ATTEMPTS = 5;
const OUTAGE_PATIENCE_MS = 10 * 60_000;

export interface WhatsappInboundDeps {
  log: Logger;
  maxBytes: number;
  /** The gateway while the channel runs, null once it stopped. */
  receiver: () => ReceiveFn | null;
  /** Wait before handing a message over again after `attempt` failures. */
  retryDelayMs?: (attempt: number, outage: boolean) => number;
}

const defaultRetryDelay = (attempt: number, outage: boolean) => Math.min(outage ? 5000 : 30_000, 500 * 2 ** attempt);

export class WhatsappInbound {
  /** Per chat, the last message being handed over: a chat's messages reach the gateway in order. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly retryDelay: (attempt: number, outage: boolean) => number;

  constructor(private readonly deps: WhatsappInboundDeps) {
    this.retryDelay = deps.retryDelayMs ?? defaultRetryDelay;
  }

  /** Queues a message the client received behind its chat's earlier ones; never rejects. */
  take(m: WaMessage): void {
    const previous = this.chains.get(m.from) ?? Promise.resolve();
    // What the gateway never took is logged whole, so support can still read it.
    const next = previous.then(() => this.handle(m)).catch((error: unknown) =>
      this.deps.log.error({ err: error, message: m.id._serialized, from: m.from, body: m.body }, 'WhatsApp message not taken'),
    );
    this.chains.set(m.from, next);
    void next.then(() => {
      if (this.chains.get(m.from) === next) this.chains.delete(m.from);
    });
  }

  /** Resolves once every message taken so far was handed over or given up. */
  async drained(): Promise<void> {
    await Promise.allSettled([...this.chains.values()]);
  }

  private async handle(m: WaMessage): Promise<void> {
    const mapped = mapWhatsappMessage(m, { maxBytes: this.deps.maxBytes });
    if (mapped.kind === 'ignored') {
      this.deps.log.debug({ message: m.id._serialized, reason: mapped.reason }, 'message ignored');
      return;
    }
    const message: InboundMessage = { ...mapped.message };
    if (mapped.download) Object.assign(message, await this.download(m));
    await this.handOver(message);
  }

  private async handOver(message: InboundMessage): Promise<void> {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        const receive = this.deps.receiver();
        if (!receive) throw new Error('the WhatsApp channel is stopped');
        await receive(message);
        return;
      } catch (error) {
        if (error instanceof GatewayError && !error.retryable) throw error;
        const outage = error instanceof GatewayError && (error.code === 'unavailable' || error.code === 'shutting_down');
        if (outage ? Date.now() - started > OUTAGE_PATIENCE_MS : attempt >= RECEIVE_ATTEMPTS) throw error;
        this.deps.log.warn({ err: error, attempt }, 'could not hand a WhatsApp message over: trying again');
        await sleep(this.retryDelay(attempt, outage));
      }
    }
  }

  private async download(m: WaMessage): Promise<Pick<InboundMessage, 'file' | 'refusedFile'>> {
    const media = await m.downloadMedia().catch((error: unknown) => {
      this.deps.log.warn({ err: error, message: m.id._serialized }, 'media download failed');
      return undefined;
    });
    // The library gives nothing back for media the phone no longer has.
    if (!media) return { refusedFile: { reason: 'unsupported_type' } };
    const data = Buffer.from(media.data, 'base64');
    if (data.length > this.deps.maxBytes) return { refusedFile: { reason: 'too_large' } };
    return { file: { data, ...(media.filename ? { fileName: media.filename } : {}) } };
  }
}

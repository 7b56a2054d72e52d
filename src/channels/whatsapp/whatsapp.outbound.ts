/**
 * The WhatsApp channel's sending side: a message as the client's sendMessage
 * calls it needs (whatsapp.mapper.ts plans them), paced as the desk configured.
 */
import { ChannelError, type DeliveryReceipt, type OutboundMessage } from '../channel.port.js';
import type { PacerOptions, SendPacer } from '../send-pacer.js';
import type { WaClient, WaDriver } from './whatsapp.client.port.js';
import { planWhatsappSends } from './whatsapp.mapper.js';

/** One message per chat every `chatGapMs`, one in all every `sendGapMs` (WHATSAPP_CHAT_GAP, WHATSAPP_SEND_GAP). */
export function whatsappPace(gaps: { chatGapMs: number; sendGapMs: number }): PacerOptions {
  return {
    perChat: { points: 1, durationMs: gaps.chatGapMs },
    overall: { points: 1, durationMs: gaps.sendGapMs },
    maxWaitMs: 5000,
  };
}

export class WhatsappSender {
  /** Parts of a message sent before a later part failed: the retry resumes after them (per instance). */
  private readonly partsSent = new Map<string, number>();

  constructor(
    private readonly driver: WaDriver,
    private readonly pacer: SendPacer,
  ) {}

  /** Sends through `client`, the one ready on this instance; without one, a transient failure (retried). */
  async send(client: WaClient | null, chatId: string, message: OutboundMessage): Promise<DeliveryReceipt> {
    if (!client) throw new ChannelError('transient', 'WhatsApp is not connected on this instance');
    try {
      return await this.sendWith(client, chatId, message);
    } catch (error) {
      if (this.partsSent.size > 10_000) this.partsSent.clear();
      throw toChannelError(error);
    }
  }

  private async sendWith(client: WaClient, chatId: string, message: OutboundMessage): Promise<DeliveryReceipt> {
    const sends = planWhatsappSends(message);
    const done = this.partsSent.get(message.messageId) ?? 0;
    await this.pacer.wait(chatId, sends.length - done, { bulk: message.bulk === true });
    let lastId: string | undefined;
    for (const [i, send] of sends.entries()) {
      if (i < done) continue;
      const sent = send.kind === 'text'
        ? await client.sendMessage(chatId, send.text, { linkPreview: false })
        : await client.sendMessage(chatId, this.driver.createMedia(send.attachment.mimeType, await send.attachment.read(), send.attachment.fileName), send.caption ? { caption: send.caption } : {});
      if (!sent) throw new ChannelError('unreachable', `WhatsApp did not take the message for ${chatId} (no such chat)`);
      lastId = sent.id._serialized;
      this.partsSent.set(message.messageId, i + 1);
    }
    this.partsSent.delete(message.messageId);
    return lastId ? { channelMessageId: lastId } : {};
  }
}

function toChannelError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // whatsapp-web.js rejects an unknown number with "invalid wid" / "No LID for user".
  if (/invalid wid|no lid|not a whatsapp user/i.test(message)) return new ChannelError('unreachable', message, { cause: error });
  return new ChannelError('transient', message, { cause: error });
}

/**
 * The Telegram channel's sending side: a message as the Bot API calls it
 * needs (telegram.mapper.ts plans them), paced within Telegram's limits.
 */
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { TelegramError, type Telegram } from 'telegraf';
import type { ChannelPort, DeliveryReceipt, OutboundMessage } from '../channel.port.js';
import { SendPacer, type PacerOptions } from '../send-pacer.js';
import { toChannelError } from './telegram.errors.js';
import { planTelegramSends, TELEGRAM_CHANNEL, type TelegramSend } from './telegram.mapper.js';

/** Telegram's limits: about one message a second per chat, 30 a second in all (https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this). */
export const TELEGRAM_PACE: PacerOptions = {
  perChat: { points: 3, durationMs: 3000 },
  overall: { points: 30, durationMs: 1000 },
  maxWaitMs: 3000,
};

/** The channel's port: `send` and `setTyping` through the given bot's Bot API client, paced by `pace`. */
export function createTelegramPort(telegram: Telegram, redis: Redis | null, log: Logger, pace: PacerOptions = TELEGRAM_PACE): ChannelPort {
  const sender = new TelegramSender(telegram, new SendPacer(TELEGRAM_CHANNEL, pace, redis));
  return {
    name: TELEGRAM_CHANNEL,
    send: (externalId, message) => sender.send(externalId, message),
    setTyping(externalId, typing) {
      if (!typing) return;
      telegram.sendChatAction(externalId, 'typing').catch((e: unknown) => log.debug({ err: e }, 'typing not shown'));
    },
  };
}

class TelegramSender {
  /**
   * Parts of a message already sent when a later part failed: the outbox's retry
   * resumes after them instead of sending them twice (per instance).
   */
  private readonly partsSent = new Map<string, number>();

  constructor(
    private readonly telegram: Telegram,
    private readonly pacer: SendPacer,
  ) {}

  async send(chatId: string, message: OutboundMessage): Promise<DeliveryReceipt> {
    const sends = planTelegramSends(message);
    const done = this.partsSent.get(message.messageId) ?? 0;
    let last: number | null = null;
    try {
      await this.pacer.wait(chatId, sends.length - done, { bulk: message.bulk === true });
      for (const [i, send] of sends.entries()) {
        if (i < done) continue;
        last = await this.callSend(chatId, send);
        this.partsSent.set(message.messageId, i + 1);
      }
    } catch (error) {
      if (this.partsSent.size > 10_000) this.partsSent.clear();
      throw toChannelError(error);
    }
    this.partsSent.delete(message.messageId);
    return last === null ? {} : { channelMessageId: `${chatId}:${last}` };
  }

  /** Sends one part; resolves with Telegram's message id. */
  private async callSend(chatId: string, send: TelegramSend): Promise<number> {
    const extra = send.keyboard ? { reply_markup: send.keyboard } : {};
    if (send.method === 'sendMessage') return (await this.telegram.sendMessage(chatId, send.text, extra)).message_id;
    const file = { source: await send.attachment.read(), filename: send.attachment.fileName ?? 'image' };
    const withCaption = { ...extra, ...(send.caption ? { caption: send.caption } : {}) };
    if (send.method === 'sendDocument') return (await this.telegram.sendDocument(chatId, file, withCaption)).message_id;
    try {
      return (await this.telegram.sendPhoto(chatId, file, withCaption)).message_id;
    } catch (error) {
      // Photos have limits files do not (10 MB, sides summing to 10000, a ratio up to 20:
      // https://core.telegram.org/bots/api#sendphoto): a long screenshot goes as a file instead.
      if (!(error instanceof TelegramError && error.code === 400 && /PHOTO_INVALID_DIMENSIONS|too big|IMAGE_PROCESS_FAILED|PHOTO_/i.test(error.description))) throw error;
      return (await this.telegram.sendDocument(chatId, file, withCaption)).message_id;
    }
  }
}

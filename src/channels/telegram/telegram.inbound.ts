/**
 * Turns a Telegram update into what the gateway takes: mapped, the button press
 * answered, the file downloaded; a group chat is told the bot works in private
 * chats. Updates reach it through telegraf's middleware (telegram.adapter.ts).
 */
import type { Logger } from 'pino';
import type { Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Locale } from '../../conversation/conversation.types.js';
import type { InboundMessage, ReceiveFn } from '../channel.port.js';
import { TELEGRAM_COPY } from './telegram.copy.js';
import { fromOf, localeOf, mapTelegramUpdate, privateChatOf } from './telegram.mapper.js';

export interface TelegramInboundDeps {
  telegram: Telegram;
  log: Logger;
  maxBytes: number;
  defaultLocale: Locale;
}

type Download = Pick<InboundMessage, 'file' | 'refusedFile'>;

export class TelegramInbound {
  /** Group chats told once (per process) that the bot works in private chats. */
  private readonly toldPrivateOnly = new Set<number>();

  constructor(private readonly deps: TelegramInboundDeps) {}

  /** Hands the update's message to `receive`; rejects (the update stays unconfirmed) when that or a download fails. */
  async handle(update: Update, receive: ReceiveFn): Promise<void> {
    const mapped = this.mapSafely(update);
    if (mapped.kind === 'ignored') {
      this.deps.log.debug({ update: update.update_id, reason: mapped.reason }, 'update ignored');
      return;
    }
    if (mapped.kind === 'not_private') return this.tellPrivateOnly(mapped.chatId, mapped.callbackId);
    if (mapped.callback) await this.settleCallback(mapped.callback);
    const message: InboundMessage = { ...mapped.message };
    if (mapped.download) Object.assign(message, await this.download(mapped.download.fileId, mapped.download.fileName));
    await receive(message);
  }

  /**
   * Gives up on an update that cannot be handled: logged whole (nothing is lost),
   * the customer told to send it again, and Telegram lets the next ones through.
   */
  async setAside(update: Update, error: unknown): Promise<void> {
    const { log, telegram } = this.deps;
    log.error({ err: error, update }, 'Telegram update set aside: it cannot be handled');
    const chatId = privateChatOf(update);
    if (chatId === null) return;
    const locale = localeOf(fromOf(update)?.language_code) ?? this.deps.defaultLocale;
    await telegram.sendMessage(chatId, TELEGRAM_COPY[locale].notTaken).catch((e: unknown) => log.warn({ err: e, chat: chatId }, 'could not tell the customer'));
  }

  /** An update shaped unlike any Telegram documents is ignored (and logged), never retried. */
  private mapSafely(update: Update): ReturnType<typeof mapTelegramUpdate> {
    try {
      return mapTelegramUpdate(update, { maxBytes: this.deps.maxBytes });
    } catch (error) {
      this.deps.log.warn({ err: error, update: update.update_id }, 'malformed Telegram update ignored');
      return { kind: 'ignored', reason: 'malformed' };
    }
  }

  /** Answers the button press (the spinner stops) and takes the keyboard off its message, best effort. */
  private async settleCallback(cb: { id: string; chatId: number; messageId: number | null }): Promise<void> {
    const { log, telegram } = this.deps;
    await telegram.answerCbQuery(cb.id).catch((e: unknown) => log.debug({ err: e }, 'callback not answered'));
    if (cb.messageId === null) return;
    await telegram
      .editMessageReplyMarkup(cb.chatId, cb.messageId, undefined, { inline_keyboard: [] })
      .catch((e: unknown) => log.debug({ err: e }, 'keyboard not removed'));
  }

  /** The file's bytes, or a refusal when Telegram will not hand it over (over the Bot API's 20 MB). */
  private async download(fileId: string, fileName?: string): Promise<Download> {
    let link: URL;
    try {
      link = await this.deps.telegram.getFileLink(fileId);
    } catch (error) {
      if (/file is too big/i.test(String((error as Error).message))) return { refusedFile: { reason: 'too_large' } };
      throw error;
    }
    const res = await fetch(link, { signal: AbortSignal.timeout(60_000) });
    if (!res.ok) throw new Error(`downloading a Telegram file failed: HTTP ${res.status}`);
    const data = Buffer.from(await res.arrayBuffer());
    if (data.length > this.deps.maxBytes) return { refusedFile: { reason: 'too_large' } };
    return { file: { data, ...(fileName ? { fileName } : {}) } };
  }

  /** Tells a group chat once, in both languages, that the bot works in private chats. */
  private async tellPrivateOnly(chatId: number, callbackId: string | null): Promise<void> {
    const { log, telegram, defaultLocale } = this.deps;
    if (callbackId) await telegram.answerCbQuery(callbackId).catch(() => undefined);
    if (this.toldPrivateOnly.has(chatId)) return;
    this.toldPrivateOnly.add(chatId);
    const other = defaultLocale === 'ru' ? 'en' : 'ru';
    await telegram.sendMessage(chatId, `${TELEGRAM_COPY[defaultLocale].privateOnly}\n\n${TELEGRAM_COPY[other].privateOnly}`)
      .catch((e: unknown) => log.warn({ err: e, chat: chatId }, 'could not answer a group chat'));
  }
}

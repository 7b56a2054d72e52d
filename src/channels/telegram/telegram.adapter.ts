import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Telegraf, TelegramError } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Locale } from '../../conversation/conversation.types.js';
import type { ChannelModule, InboundMessage, ReceiveFn } from '../channel.port.js';
import { LeaderLease } from '../leader-lease.js';
import { SendPacer } from '../send-pacer.js';
import { TELEGRAM_COPY } from './telegram.copy.js';
import { toChannelError } from './telegram.errors.js';
import { fromOf, localeOf, mapTelegramUpdate, planTelegramSends, privateChatOf, TELEGRAM_CHANNEL, type TelegramSend } from './telegram.mapper.js';
import { UpdateFailures, type UpdateFailuresOptions } from './telegram.failures.js';
import { pollUpdates } from './telegram.polling.js';
import { webhookRoute } from './telegram.webhook.js';

export interface TelegramOptions {
  token: string;
  /** Webhook mode when set; long polling otherwise. */
  webhookUrl: string | null;
  webhookSecret: string;
  apiRoot: string;
  maxBytes: number;
  defaultLocale: Locale;
  /** How failing updates are retried and when they are set aside (tests shorten the waits). */
  retries?: UpdateFailuresOptions;
}

export interface TelegramDeps {
  logger: Logger;
  /** Shares pacing between instances and elects the one that polls. */
  redis: Redis | null;
}

export { WEBHOOK_SECRET_HEADER } from './telegram.webhook.js';
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/**
 * The Telegram channel on telegraf. Updates come by long polling (one instance
 * polls, elected through Redis) or by webhook (any instance), go through
 * telegraf's `handleUpdate` and are handed to the gateway, which records them
 * before the update is confirmed: a crash makes Telegram deliver it again, and
 * the gateway recognises it by its message id.
 */
export function createTelegramChannel(options: TelegramOptions, deps: TelegramDeps): ChannelModule {
  const log = deps.logger.child({ channel: TELEGRAM_CHANNEL });
  const bot = new Telegraf(options.token, {
    telegram: { apiRoot: `${options.apiRoot}/`, webhookReply: false },
    handlerTimeout: 60_000,
  });
  const pacer = new SendPacer(TELEGRAM_CHANNEL, {
    perChat: { points: 3, durationMs: 3000 },
    overall: { points: 30, durationMs: 1000 },
    maxWaitMs: 3000,
  }, deps.redis);
  /**
   * Parts of a message already sent when a later part failed: the outbox's retry
   * resumes after them instead of sending them twice (per instance).
   */
  const partsSent = new Map<string, number>();
  const polling = new LeaderLease({ redis: deps.redis, name: 'telegram:polling', logger: log });
  /** Group chats told once (per process) that the bot works in private chats. */
  const toldPrivateOnly = new Set<number>();
  const failures = new UpdateFailures(options.retries);
  let receive: ReceiveFn | null = null;

  bot.use(async (ctx) => {
    if (!receive) throw new Error('the Telegram channel is not started');
    await handle(ctx.update, receive);
  });
  // telegraf's default error handler logs and rethrows; rethrowing keeps the update unconfirmed.
  bot.catch((error) => {
    throw error;
  });

  async function handle(update: Update, hand: ReceiveFn): Promise<void> {
    const mapped = mapSafely(update);
    switch (mapped.kind) {
      case 'ignored':
        log.debug({ update: update.update_id, reason: mapped.reason }, 'update ignored');
        return;
      case 'not_private':
        return tellPrivateOnly(mapped.chatId, mapped.callbackId);
      case 'message': {
        if (mapped.callback) await settleCallback(mapped.callback);
        const message: InboundMessage = { ...mapped.message };
        if (mapped.download) Object.assign(message, await download(mapped.download.fileId, mapped.download.fileName));
        await hand(message);
        return;
      }
    }
  }

  /** An update shaped unlike any Telegram documents is ignored (and logged), never retried. */
  function mapSafely(update: Update): ReturnType<typeof mapTelegramUpdate> {
    try {
      return mapTelegramUpdate(update, { maxBytes: options.maxBytes });
    } catch (error) {
      log.warn({ err: error, update: update.update_id }, 'malformed Telegram update ignored');
      return { kind: 'ignored', reason: 'malformed' };
    }
  }

  /**
   * Gives up on an update that cannot be handled: logged whole (nothing is lost),
   * the customer told to send it again, and Telegram lets the next ones through.
   */
  async function setAside(update: Update, error: unknown): Promise<void> {
    log.error({ err: error, update }, 'Telegram update set aside: it cannot be handled');
    const chatId = privateChatOf(update);
    if (chatId === null) return;
    const locale = localeOf(fromOf(update)?.language_code) ?? options.defaultLocale;
    await bot.telegram.sendMessage(chatId, TELEGRAM_COPY[locale].notTaken).catch((e: unknown) => log.warn({ err: e, chat: chatId }, 'could not tell the customer'));
  }

  /** Answers the button press (the spinner stops) and takes the keyboard off its message, best effort. */
  async function settleCallback(cb: { id: string; chatId: number; messageId: number | null }): Promise<void> {
    await bot.telegram.answerCbQuery(cb.id).catch((e: unknown) => log.debug({ err: e }, 'callback not answered'));
    if (cb.messageId === null) return;
    await bot.telegram
      .editMessageReplyMarkup(cb.chatId, cb.messageId, undefined, { inline_keyboard: [] })
      .catch((e: unknown) => log.debug({ err: e }, 'keyboard not removed'));
  }

  /** The file's bytes, or a refusal when Telegram will not hand it over (over the Bot API's 20 MB). */
  async function download(fileId: string, fileName?: string): Promise<Pick<InboundMessage, 'file' | 'refusedFile'>> {
    let link: URL;
    try {
      link = await bot.telegram.getFileLink(fileId);
    } catch (error) {
      if (/file is too big/i.test(String((error as Error).message))) return { refusedFile: { reason: 'too_large' } };
      throw error;
    }
    const res = await fetch(link, { signal: AbortSignal.timeout(60_000) });
    if (!res.ok) throw new Error(`downloading a Telegram file failed: HTTP ${res.status}`);
    const data = Buffer.from(await res.arrayBuffer());
    if (data.length > options.maxBytes) return { refusedFile: { reason: 'too_large' } };
    return { file: { data, ...(fileName ? { fileName } : {}) } };
  }

  async function tellPrivateOnly(chatId: number, callbackId: string | null): Promise<void> {
    if (callbackId) await bot.telegram.answerCbQuery(callbackId).catch(() => undefined);
    if (toldPrivateOnly.has(chatId)) return;
    toldPrivateOnly.add(chatId);
    const copy = TELEGRAM_COPY[options.defaultLocale];
    await bot.telegram.sendMessage(chatId, `${copy.privateOnly}\n\n${TELEGRAM_COPY[options.defaultLocale === 'ru' ? 'en' : 'ru'].privateOnly}`)
      .catch((e: unknown) => log.warn({ err: e, chat: chatId }, 'could not answer a group chat'));
  }

  async function callSend(chatId: string, send: TelegramSend): Promise<number> {
    const extra = send.keyboard ? { reply_markup: send.keyboard } : {};
    if (send.method === 'sendMessage') return (await bot.telegram.sendMessage(chatId, send.text, extra)).message_id;
    const file = { source: await send.attachment.read(), filename: send.attachment.fileName ?? 'image' };
    const withCaption = { ...extra, ...(send.caption ? { caption: send.caption } : {}) };
    if (send.method === 'sendDocument') return (await bot.telegram.sendDocument(chatId, file, withCaption)).message_id;
    try {
      return (await bot.telegram.sendPhoto(chatId, file, withCaption)).message_id;
    } catch (error) {
      // Photos have limits files do not (10 MB, sides summing to 10000, a ratio up to 20:
      // https://core.telegram.org/bots/api#sendphoto): a long screenshot goes as a file instead.
      if (!(error instanceof TelegramError && error.code === 400 && /PHOTO_INVALID_DIMENSIONS|too big|IMAGE_PROCESS_FAILED|PHOTO_/i.test(error.description))) throw error;
      return (await bot.telegram.sendDocument(chatId, file, withCaption)).message_id;
    }
  }

  /**
   * telegraf's handleUpdate fetches getMe once and caches the promise, a failed
   * one included, which would refuse every later update: the bot's identity is
   * fetched here instead, and again until it succeeds.
   */
  async function ensureBotInfo(): Promise<void> {
    if (bot.botInfo) return;
    bot.botInfo = await bot.telegram.getMe();
    log.info({ bot: bot.botInfo.username }, 'Telegram bot connected');
  }

  async function registerCommands(): Promise<void> {
    await ensureBotInfo();
    await bot.telegram.setMyCommands(TELEGRAM_COPY[options.defaultLocale].commands);
    for (const lang of ['ru', 'en'] as const) {
      await bot.telegram.setMyCommands(TELEGRAM_COPY[lang].commands, { language_code: lang });
    }
  }

  async function routes(app: FastifyInstance): Promise<void> {
    if (!options.webhookUrl) return;
    webhookRoute(app, {
      path: new URL(options.webhookUrl).pathname,
      secret: options.webhookSecret,
      logger: log,
      failures,
      accepting: () => receive !== null,
      ready: ensureBotInfo,
      handle: (u) => bot.handleUpdate(u),
      setAside,
    });
  }

  return {
    port: {
      name: TELEGRAM_CHANNEL,
      async send(externalId, message) {
        const sends = planTelegramSends(message);
        const done = partsSent.get(message.messageId) ?? 0;
        let last: number | null = null;
        try {
          await pacer.wait(externalId, sends.length - done);
          for (const [i, send] of sends.entries()) {
            if (i < done) continue;
            last = await callSend(externalId, send);
            partsSent.set(message.messageId, i + 1);
          }
        } catch (error) {
          if (partsSent.size > 10_000) partsSent.clear();
          throw toChannelError(error);
        }
        partsSent.delete(message.messageId);
        return last === null ? {} : { channelMessageId: `${externalId}:${last}` };
      },
      setTyping(externalId, typing) {
        if (!typing) return;
        bot.telegram.sendChatAction(externalId, 'typing').catch((e: unknown) => log.debug({ err: e }, 'typing not shown'));
      },
    },
    routes,
    async start(fn) {
      receive = fn;
      await registerCommands().catch((e: unknown) => log.error({ err: e }, 'could not reach the Telegram Bot API at start'));
      if (options.webhookUrl) {
        await bot.telegram.setWebhook(options.webhookUrl, { secret_token: options.webhookSecret, allowed_updates: [...ALLOWED_UPDATES] })
          .catch((e: unknown) => log.error({ err: e }, 'could not set the Telegram webhook'));
        return;
      }
      polling.start((signal) =>
        pollUpdates({
          telegram: bot.telegram, ready: ensureBotInfo, handle: (u) => bot.handleUpdate(u), failures, setAside, signal, logger: log,
          allowedUpdates: [...ALLOWED_UPDATES],
        }),
      );
    },
    async stop() {
      await polling.stop();
      receive = null;
    },
  };
}

/**
 * The telegraf bot the channel runs on: made by the composition root (src/main.ts)
 * and handed to the channel, which only adds its middleware and calls the Bot API
 * through it. Tests hand it one pointed at the fake Bot API.
 */
import type { Logger } from 'pino';
import { Telegraf } from 'telegraf';
import type { Locale } from '../../conversation/conversation.types.js';
import { TELEGRAM_COPY } from './telegram.copy.js';

/** Where the bot reaches the Bot API. */
export interface TelegrafConfig {
  token: string;
  /** The Bot API server's root without a trailing slash (https://api.telegram.org, a self-hosted one, a fake). */
  apiRoot: string;
}

/**
 * A bot as the channel expects it: every call a real Bot API request (no answer
 * inside a webhook's reply, https://telegraf.js.org/classes/Telegraf-1.html#webhookReply),
 * and a minute for an update to be handled.
 */
export function createTelegraf(config: TelegrafConfig): Telegraf {
  return new Telegraf(config.token, {
    telegram: { apiRoot: `${config.apiRoot}/`, webhookReply: false },
    handlerTimeout: 60_000,
  });
}

/**
 * Resolves once the bot knows its identity. telegraf's handleUpdate fetches
 * getMe once and caches the promise, a failed one included, which would refuse
 * every later update: the identity is fetched here instead, and again on each
 * call until it succeeds.
 */
export function botIdentity(bot: Telegraf, log: Logger): () => Promise<void> {
  return async () => {
    if (bot.botInfo) return;
    bot.botInfo = await bot.telegram.getMe();
    log.info({ bot: bot.botInfo.username }, 'Telegram bot connected');
  };
}

/** The command menu, in the desk's language by default and in each language the bot speaks. */
export async function registerCommands(bot: Telegraf, defaultLocale: Locale): Promise<void> {
  await bot.telegram.setMyCommands(TELEGRAM_COPY[defaultLocale].commands);
  for (const lang of ['ru', 'en'] as const) {
    await bot.telegram.setMyCommands(TELEGRAM_COPY[lang].commands, { language_code: lang });
  }
}

import type { Telegraf } from 'telegraf';
import type { ChannelContext, ChannelFactory } from '../channel.port.js';
import { createTelegramChannel } from './telegram.adapter.js';
import { createTelegraf } from './telegram.bot.js';

export { createTelegramChannel, type TelegramDeps, type TelegramOptions } from './telegram.adapter.js';
export { createTelegraf, type TelegrafConfig } from './telegram.bot.js';

/**
 * The Telegram channel on `bot` (the composition root makes it with
 * `createTelegraf`; tests point it at the fake Bot API), configured from the
 * environment (TELEGRAM_BOT_TOKEN must be set).
 */
export function telegramChannelWith(bot: Telegraf): ChannelFactory {
  return (ctx: ChannelContext) => {
    const telegram = ctx.config.telegram;
    if (!telegram) throw new Error('the Telegram channel needs TELEGRAM_BOT_TOKEN');
    return createTelegramChannel(
      { webhookUrl: telegram.webhookUrl, webhookSecret: telegram.webhookSecret, maxBytes: ctx.config.uploadMaxBytes, defaultLocale: ctx.config.defaultLocale },
      { bot, logger: ctx.logger, redis: ctx.redis },
    );
  };
}

/**
 * The Telegram channel on a bot made from the environment's TELEGRAM_BOT_TOKEN and
 * TELEGRAM_API_ROOT when the app is built: for tests and scripts that configure the
 * whole app through the environment. src/main.ts makes its bot itself (`telegramChannelWith`).
 */
export const telegramChannel: ChannelFactory = (ctx) => {
  if (!ctx.config.telegram) throw new Error('the Telegram channel needs TELEGRAM_BOT_TOKEN');
  return telegramChannelWith(createTelegraf(ctx.config.telegram))(ctx);
};

import type { ChannelFactory } from '../channel.port.js';
import { createTelegramChannel } from './telegram.adapter.js';

export { createTelegramChannel, type TelegramOptions } from './telegram.adapter.js';

/** The Telegram channel, configured from the environment (TELEGRAM_BOT_TOKEN must be set). */
export const telegramChannel: ChannelFactory = (ctx) => {
  const telegram = ctx.config.telegram;
  if (!telegram) throw new Error('the Telegram channel needs TELEGRAM_BOT_TOKEN');
  return createTelegramChannel(
    { ...telegram, maxBytes: ctx.config.uploadMaxBytes, defaultLocale: ctx.config.defaultLocale },
    { logger: ctx.logger, redis: ctx.redis },
  );
};

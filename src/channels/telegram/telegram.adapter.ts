import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Locale } from '../../conversation/conversation.types.js';
import type { ChannelModule, ReceiveFn } from '../channel.port.js';
import { LeaderLease } from '../leader-lease.js';
import { botIdentity, registerCommands } from './telegram.bot.js';
import { UpdateFailures, type UpdateFailuresOptions } from './telegram.failures.js';
import { TelegramInbound } from './telegram.inbound.js';
import { TELEGRAM_CHANNEL } from './telegram.mapper.js';
import type { PacerOptions } from '../send-pacer.js';
import { createTelegramPort } from './telegram.outbound.js';
import { pollUpdates } from './telegram.polling.js';
import { webhookRoute } from './telegram.webhook.js';

export interface TelegramOptions {
  /** Webhook mode when set; long polling otherwise. */
  webhookUrl: string | null;
  webhookSecret: string;
  maxBytes: number;
  defaultLocale: Locale;
  /** How failing updates are retried and when they are set aside (tests shorten the waits). */
  retries?: UpdateFailuresOptions;
  /**
   * How sends are paced: Telegram's limits (TELEGRAM_PACE) unless given. Only
   * `bench/telegram.ts` lifts them, to measure the gateway itself against a fake
   * Bot API that has no limits.
   */
  pace?: PacerOptions;
}

export interface TelegramDeps {
  /**
   * The bot, made by the composition root (`createTelegraf`): the channel adds its
   * middleware to it and makes every Bot API call through it.
   */
  bot: Telegraf;
  logger: Logger;
  /** Shares pacing between instances and elects the one that polls. */
  redis: Redis | null;
}

export { WEBHOOK_SECRET_HEADER } from './telegram.webhook.js';
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

/** What long polling and the webhook share: how an update is handled, retried or set aside. */
interface UpdateFlow {
  bot: Telegraf;
  log: Logger;
  failures: UpdateFailures;
  ready: () => Promise<void>;
  setAside: (update: Update, error: unknown) => Promise<void>;
}

/**
 * The Telegram channel on telegraf. Updates come by long polling (one instance
 * polls, elected through Redis) or by webhook (any instance), go through
 * telegraf's `handleUpdate` and are handed to the gateway, which records them
 * before the update is confirmed: a crash makes Telegram deliver it again, and
 * the gateway recognises it by its message id.
 */
export function createTelegramChannel(options: TelegramOptions, deps: TelegramDeps): ChannelModule {
  const { bot } = deps;
  const log = deps.logger.child({ channel: TELEGRAM_CHANNEL });
  const inbound = new TelegramInbound({ telegram: bot.telegram, log, maxBytes: options.maxBytes, defaultLocale: options.defaultLocale });
  const flow: UpdateFlow = {
    bot, log, failures: new UpdateFailures(options.retries), ready: botIdentity(bot, log), setAside: (u, e) => inbound.setAside(u, e),
  };
  const polling = new LeaderLease({ redis: deps.redis, name: 'telegram:polling', logger: log });
  let receive: ReceiveFn | null = null;
  routeUpdates(bot, (update) => {
    if (!receive) throw new Error('the Telegram channel is not started');
    return inbound.handle(update, receive);
  });

  return {
    port: createTelegramPort(bot.telegram, deps.redis, log, options.pace),
    async routes(app) {
      if (options.webhookUrl) serveWebhook(app, flow, { url: options.webhookUrl, secret: options.webhookSecret }, () => receive !== null);
    },
    async start(fn) {
      receive = fn;
      await flow.ready().then(() => registerCommands(bot, options.defaultLocale))
        .catch((e: unknown) => log.error({ err: e }, 'could not reach the Telegram Bot API at start'));
      if (options.webhookUrl) return setWebhook(flow, { url: options.webhookUrl, secret: options.webhookSecret });
      polling.start((signal) => poll(flow, signal));
    },
    async stop() {
      await polling.stop();
      receive = null;
    },
  };
}

/** Every update goes to `handle`; a failure is rethrown, which keeps the update unconfirmed. */
function routeUpdates(bot: Telegraf, handle: (update: Update) => Promise<void>): void {
  bot.use(async (ctx) => handle(ctx.update));
  // telegraf's default error handler logs and rethrows; rethrowing keeps the update unconfirmed.
  bot.catch((error) => {
    throw error;
  });
}

/** Long polling on this instance until `signal` aborts (telegram.polling.ts). */
function poll(flow: UpdateFlow, signal: AbortSignal): Promise<void> {
  const { bot, log } = flow;
  return pollUpdates({
    telegram: bot.telegram, ready: flow.ready, handle: (u) => bot.handleUpdate(u), failures: flow.failures, setAside: flow.setAside,
    signal, logger: log, allowedUpdates: [...ALLOWED_UPDATES],
  });
}

function serveWebhook(app: FastifyInstance, flow: UpdateFlow, hook: { url: string; secret: string }, accepting: () => boolean): void {
  webhookRoute(app, {
    path: new URL(hook.url).pathname,
    secret: hook.secret,
    logger: flow.log,
    failures: flow.failures,
    accepting,
    ready: flow.ready,
    handle: (u) => flow.bot.handleUpdate(u),
    setAside: flow.setAside,
  });
}

/** Asks Telegram to post updates to the webhook; a failure is logged (the webhook set before, if any, stays). */
async function setWebhook(flow: UpdateFlow, hook: { url: string; secret: string }): Promise<void> {
  await flow.bot.telegram.setWebhook(hook.url, { secret_token: hook.secret, allowed_updates: [...ALLOWED_UPDATES] })
    .catch((e: unknown) => flow.log.error({ err: e }, 'could not set the Telegram webhook'));
}

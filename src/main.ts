/**
 * Composition root: reads the configuration, wires RelayDesk's parts together
 * and runs them until SIGTERM or SIGINT.
 */
import { createApp, createLogger } from './app.js';
import type { ChannelFactory } from './channels/channel.port.js';
import { webchatChannel } from './channels/webchat/index.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { DatabaseInUseError } from './db/pglite-lock.js';
import { installProcessGuards } from './process-guards.js';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`RelayDesk cannot start, the configuration is invalid:\n${error.message}`);
      process.exit(2);
    }
    throw error;
  }
  const logger = createLogger(config);
  const guards = installProcessGuards(logger);
  const channels = [webchatChannel, ...(await optionalChannels(config))];
  const app = await createApp(config, { logger, channels });
  guards.countIn(app.metrics.unhandledRejections);
  // Handlers go in before start: a signal during start-up stops the app once it has started.
  let started: Promise<unknown> = Promise.resolve();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: config.shutdownTimeoutMs }, 'shutdown timed out, exiting');
      process.exit(1);
    }, config.shutdownTimeoutMs);
    deadline.unref();
    started.catch(() => undefined).then(() => app.stop()).then(
      () => {
        logger.info('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  started = app.start();
  await started;
}

/**
 * The channels' SDKs are made here: telegraf's bot, whatsapp-web.js on the system
 * Chromium. Each is loaded only when its channel is configured (they weigh
 * megabytes and half a second of start-up; `npm start`'s bundle keeps them in
 * chunks of their own).
 */
async function optionalChannels(config: Config): Promise<ChannelFactory[]> {
  const channels: ChannelFactory[] = [];
  if (config.telegram) {
    const { createTelegraf, telegramChannelWith } = await import('./channels/telegram/index.js');
    channels.push(telegramChannelWith(createTelegraf(config.telegram)));
  }
  if (config.whatsapp) {
    const { createWhatsappWebDriver, whatsappChannelWith } = await import('./channels/whatsapp/index.js');
    channels.push(whatsappChannelWith(createWhatsappWebDriver({ chromiumPath: config.whatsapp.chromiumPath })));
  }
  return channels;
}

main().catch((error: unknown) => {
  if (error instanceof DatabaseInUseError) {
    console.error(`RelayDesk cannot start: ${error.message}`);
    process.exit(2);
  }
  console.error('RelayDesk failed to start:', error);
  process.exit(1);
});

import type { Logger } from 'pino';
import { TelegramError, type Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import { GatewayError } from '../../gateway/gateway.errors.js';

/**
 * An update the gateway refuses as malformed, or whose file Telegram will not
 * give, is skipped after this many attempts, so one bad update cannot stop the
 * bot. Anything else (the database or the network down) is retried until it works.
 */
const MAX_POISON_ATTEMPTS = 5;
const POLL_TIMEOUT_S = 25;

export interface PollingDeps {
  telegram: Telegram;
  /** Resolves once the bot can handle updates (its getMe is known); retried with backoff. */
  ready: () => Promise<void>;
  handle: (update: Update) => Promise<void>;
  signal: AbortSignal;
  logger: Logger;
  allowedUpdates: string[];
  /** Waits between failed attempts; tests shorten it. */
  backoffMs?: (failures: number) => number;
}

/**
 * Long polling with getUpdates (https://core.telegram.org/bots/api#getupdates).
 * An update is confirmed (the next offset) only after it was handled, that is
 * recorded by the gateway: if the process dies first, Telegram sends it again.
 * A failing update is retried with backoff, then skipped and logged. Runs
 * until `signal` aborts.
 */
export async function pollUpdates(deps: PollingDeps): Promise<void> {
  const { telegram, signal, logger } = deps;
  const backoff = deps.backoffMs ?? ((n: number) => Math.min(30_000, 500 * 2 ** n));
  const attempts = new Map<number, number>();
  let offset = 0;
  let failures = 0;
  // A webhook left from webhook mode would make getUpdates fail with 409.
  await telegram.deleteWebhook().catch((e: unknown) => logger.warn({ err: e }, 'could not delete the webhook'));
  logger.info('Telegram long polling started');
  while (!signal.aborted) {
    let updates: Update[];
    try {
      await deps.ready();
      // telegraf types the signal with its own AbortSignal shim; node's is what node-fetch takes at run time.
      const options = { signal } as unknown as Parameters<Telegram['callApi']>[2];
      updates = await telegram.callApi('getUpdates', { offset, timeout: POLL_TIMEOUT_S, allowed_updates: deps.allowedUpdates as never }, options);
      failures = 0;
    } catch (error) {
      if (signal.aborted) break;
      failures++;
      logger.warn({ err: error, failures }, 'getUpdates failed');
      await sleep(backoff(failures), signal);
      continue;
    }
    for (const update of updates) {
      if (signal.aborted) break;
      try {
        await deps.handle(update);
      } catch (error) {
        const n = (attempts.get(update.update_id) ?? 0) + 1;
        attempts.set(update.update_id, n);
        if (!isPoison(error) || n < MAX_POISON_ATTEMPTS) {
          logger.warn({ err: error, update: update.update_id, attempt: n }, 'update not handled: will get it again');
          await sleep(backoff(n), signal);
          break; // offset stays: getUpdates returns this update again
        }
        logger.error({ err: error, update: update.update_id }, 'update skipped: it cannot be handled');
      }
      attempts.delete(update.update_id);
      offset = update.update_id + 1;
    }
  }
  logger.info('Telegram long polling stopped');
}

/** An error that retrying cannot cure: a malformed message, or a file Telegram refuses to give (4xx). */
function isPoison(error: unknown): boolean {
  if (error instanceof GatewayError) return error.code === 'invalid_message' || error.code === 'invalid_attachment';
  return error instanceof TelegramError && error.code >= 400 && error.code < 500 && error.code !== 429;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

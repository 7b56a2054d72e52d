import type { Logger } from 'pino';
import type { Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { UpdateFailures } from './telegram.failures.js';

const POLL_TIMEOUT_S = 25;

export interface PollingDeps {
  telegram: Telegram;
  /** Resolves once the bot can handle updates (its getMe is known); retried with backoff. */
  ready: () => Promise<void>;
  handle: (update: Update) => Promise<void>;
  /** Decides, for an update that failed, whether to try it again or set it aside. */
  failures: UpdateFailures;
  /** Confirms nothing by itself: logs the update, tells the customer; never rejects. */
  setAside: (update: Update, error: unknown) => Promise<void>;
  signal: AbortSignal;
  logger: Logger;
  allowedUpdates: string[];
  /** Waits after getUpdates failed n times in a row; tests shorten it. */
  backoffMs?: (failures: number) => number;
}

/**
 * Long polling with getUpdates (https://core.telegram.org/bots/api#getupdates).
 * An update is confirmed (the next offset) only after it was handled, that is
 * recorded by the gateway: if the process dies first, Telegram sends it again.
 * A failing update is retried as UpdateFailures decides: through an outage for
 * as long as it lasts, otherwise a few times, then set aside so the updates
 * behind it go on. Runs until `signal` aborts; never rejects.
 */
export async function pollUpdates(deps: PollingDeps): Promise<void> {
  const { telegram, signal, logger } = deps;
  const backoff = deps.backoffMs ?? ((n: number) => Math.min(30_000, 500 * 2 ** n));
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
      if (!(await handleOne(deps, update))) break; // offset stays: getUpdates returns this update again
      offset = update.update_id + 1;
    }
  }
  logger.info('Telegram long polling stopped');
}

/** Handles one update; false when it must be fetched and tried again. */
async function handleOne(deps: PollingDeps, update: Update): Promise<boolean> {
  try {
    await deps.handle(update);
    deps.failures.forget(update.update_id);
    return true;
  } catch (error) {
    const verdict = deps.failures.judge(update.update_id, error);
    if (verdict.action === 'set_aside') {
      await deps.setAside(update, error);
      return true;
    }
    const log = { err: error, update: update.update_id, attempt: verdict.attempt, retryInMs: verdict.delayMs };
    if (verdict.outage) deps.logger.warn(log, 'update not handled: the gateway cannot store it now; waiting');
    else deps.logger.warn(log, 'update not handled: will get it again');
    await sleep(verdict.delayMs, deps.signal);
    return false;
  }
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

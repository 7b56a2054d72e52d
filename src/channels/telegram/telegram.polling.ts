import type { Logger } from 'pino';
import type { Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { UpdateFailures } from './telegram.failures.js';
import { UpdateLanes } from './telegram.lanes.js';

const POLL_TIMEOUT_S = 25;
/**
 * While an update is in flight, getUpdates (whose offset stays before it)
 * answers at once with it again: the next poll waits for an update to finish,
 * or this long, so another chat's new message is still picked up quickly.
 */
const IN_FLIGHT_POLL_MS = 250;

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
  /** Wait between polls while updates are in flight and a poll brought nothing new; tests may change it. */
  inFlightPollMs?: number;
}

/**
 * Long polling with getUpdates (https://core.telegram.org/bots/api#getupdates).
 * Chats are handled in parallel, each chat's updates in order (UpdateLanes), so
 * one slow chat (a hanging download, a lock wait) holds up no other. The offset
 * confirms an update only once it and every earlier one were handled, that is
 * recorded by the gateway: if the process dies first, Telegram sends them again
 * and the gateway recognises what it already has. A failing update is retried
 * in its place as UpdateFailures decides (through an outage for as long as it
 * lasts, otherwise a few times, then set aside), holding back its own chat and
 * the offset only. getUpdates returns at most 100 updates from the offset, so
 * an update stuck in flight bounds how far the others can run ahead of it
 * (until telegraf's handlerTimeout ends it). Runs until `signal` aborts, then
 * lets the updates in flight finish; never rejects.
 */
export async function pollUpdates(deps: PollingDeps): Promise<void> {
  const { telegram, signal, logger } = deps;
  const backoff = deps.backoffMs ?? ((n: number) => Math.min(30_000, 500 * 2 ** n));
  const lanes = new UpdateLanes({ run: (update) => runUpdate(deps, update), signal });
  let failures = 0;
  // A webhook left from webhook mode would make getUpdates fail with 409.
  await telegram.deleteWebhook().catch((e: unknown) => logger.warn({ err: e }, 'could not delete the webhook'));
  logger.info('Telegram long polling started');
  while (!signal.aborted) {
    const offset = lanes.offset;
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
    lanes.confirmed(offset);
    const taken = lanes.take(updates);
    // Nothing new, only what is in flight again: do not ask again at once.
    if (taken === 0 && lanes.busy) await lanes.settled(deps.inFlightPollMs ?? IN_FLIGHT_POLL_MS, signal);
  }
  await lanes.drained();
  logger.info('Telegram long polling stopped');
}

/**
 * Handles one update, retrying it in place until it is handled or set aside
 * (true), or polling stops (false: it stays unconfirmed). Never rejects.
 */
async function runUpdate(deps: PollingDeps, update: Update): Promise<boolean> {
  while (!deps.signal.aborted) {
    try {
      await deps.handle(update);
      deps.failures.forget(update.update_id);
      return true;
    } catch (error) {
      const verdict = deps.failures.judge(update.update_id, error);
      if (verdict.action === 'set_aside') {
        await deps.setAside(update, error).catch((e: unknown) => deps.logger.error({ err: e, update: update.update_id }, 'setting an update aside failed'));
        return true;
      }
      const log = { err: error, update: update.update_id, attempt: verdict.attempt, retryInMs: verdict.delayMs };
      if (verdict.outage) deps.logger.warn(log, 'update not handled: the gateway cannot store it now; waiting');
      else deps.logger.warn(log, 'update not handled: will try it again');
      await sleep(verdict.delayMs, deps.signal);
    }
  }
  return false;
}

/** Resolves after `ms`, or at once when `signal` aborts; leaves no timer or listener behind. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    if (signal.aborted) done();
  });
}

/**
 * Driving a whatsapp-web.js client on the instance that holds the lease: start
 * it, follow its status, reconnect with backoff after a disconnect, ask for a
 * new scan after a logout from the phone (https://docs.wwebjs.dev/Client.html, events).
 */
import { mkdir } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { WaClient, WaDriver, WaMessage } from './whatsapp.client.port.js';
import type { WhatsappStatusBoard } from './whatsapp.status.js';

export interface WhatsappSessionDeps {
  driver: WaDriver;
  sessionDir: string;
  board: WhatsappStatusBoard;
  log: Logger;
  /** Waits before reconnecting after a disconnect (doubles up to the maximum). */
  backoff: { min: number; max: number };
  onMessage: (message: WaMessage) => void;
  /** The client once it is ready to send, null once it is gone. */
  onReady: (client: WaClient | null) => void;
}

/** Runs a client until `signal` aborts (the lease is lost or the channel stops), reconnecting after each disconnect. */
export async function runWhatsappSession(deps: WhatsappSessionDeps, signal: AbortSignal): Promise<void> {
  const { board, log, backoff } = deps;
  await mkdir(deps.sessionDir, { recursive: true });
  let failures = 0;
  while (!signal.aborted) {
    const reason = await runClient(deps, signal, () => (failures = 0));
    if (signal.aborted) break;
    if (reason === 'LOGOUT') {
      board.set('logged_out', { reason: 'the phone unlinked this device: scan a new QR code to link it again' });
      log.warn('WhatsApp logged out from the phone: a new QR scan is needed');
      continue;
    }
    failures++;
    const wait = Math.min(backoff.max, backoff.min * 2 ** (failures - 1));
    board.set('disconnected', { reason: `${reason}; reconnecting in ${Math.round(wait / 1000)} s` });
    log.warn({ reason, retryInMs: wait }, 'WhatsApp client disconnected');
    await sleep(wait, signal);
  }
}

/** One client from its start to its end; resolves with why it ended (`LOGOUT`, another WAState, a start failure, `stopping`). */
async function runClient(deps: WhatsappSessionDeps, signal: AbortSignal, onReady: () => void): Promise<string> {
  const { board, log } = deps;
  board.set('starting');
  const client = deps.driver.createClient(deps.sessionDir);
  const ended = endOf(client, signal);
  client.on('qr', (qr) => board.set('waiting_for_scan', { qr, reason: 'scan the QR code with WhatsApp on the phone: Linked devices → Link a device' }));
  client.on('authenticated', () => log.info('WhatsApp session authenticated'));
  client.on('ready', () => {
    deps.onReady(client);
    onReady();
    board.set('ready');
    log.info('WhatsApp client ready');
  });
  client.on('message', deps.onMessage);
  // initialize() can hang (whatsapp-web.js waits for the page without a timeout): a stop or a lost lease must not.
  const started = await Promise.race([client.initialize().then(() => null, describeStartFailure), ended]);
  const reason = started ?? (await ended);
  deps.onReady(null);
  client.removeAllListeners();
  await client.destroy().catch((e: unknown) => log.debug({ err: e }, 'client destroy failed'));
  return reason;
}

/** Resolves with the reason the client ended: a disconnect, a failed authentication, or `stopping`. */
function endOf(client: WaClient, signal: AbortSignal): Promise<string> {
  return new Promise<string>((resolve) => {
    client.on('disconnected', (reason) => resolve(String(reason)));
    client.on('auth_failure', (message) => resolve(`authentication failed: ${message}`));
    signal.addEventListener('abort', () => resolve('stopping'), { once: true });
  });
}

/** Why a client could not start, in words an admin can act on. */
export function describeStartFailure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/ERR_NAME_NOT_RESOLVED|ENOTFOUND|ERR_INTERNET_DISCONNECTED|ERR_CONNECTION/i.test(message)) {
    return `cannot reach web.whatsapp.com (offline?): ${message}`;
  }
  if (/Failed to launch|executable|ENOENT/i.test(message)) return `cannot start Chromium (check CHROMIUM_PATH): ${message}`;
  return `the WhatsApp client failed to start: ${message}`;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

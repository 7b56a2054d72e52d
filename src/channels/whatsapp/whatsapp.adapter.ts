import { mkdir } from 'node:fs/promises';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { GatewayError } from '../../gateway/gateway.errors.js';
import { ChannelError, type ChannelModule, type InboundMessage, type ReceiveFn } from '../channel.port.js';
import { LeaderLease } from '../leader-lease.js';
import { SendPacer } from '../send-pacer.js';
import type { WaClient, WaDriver, WaMessage } from './whatsapp.client.port.js';
import { mapWhatsappMessage, planWhatsappSends, WHATSAPP_CHANNEL } from './whatsapp.mapper.js';
import { WhatsappStatusBoard, type WhatsappStatus } from './whatsapp.status.js';

export interface WhatsappOptions {
  /** LocalAuth's folder: a restart reuses the linked session, no new scan. */
  sessionDir: string;
  maxBytes: number;
  chatGapMs: number;
  sendGapMs: number;
  /** Waits before reconnecting after a disconnect (doubles up to the maximum). */
  reconnectMs?: { min: number; max: number };
  /** Wait before handing a message over again after `attempt` failures (tests shorten it). */
  receiveRetryMs?: (attempt: number, outage: boolean) => number;
}

export interface WhatsappDeps {
  driver: WaDriver;
  logger: Logger;
  /** Elects the one instance that runs the client, and shares its status. */
  redis: Redis | null;
  /** Each status change (the console shows it to admins, the log prints the QR code). */
  onStatus?: (status: WhatsappStatus) => void;
}

export interface WhatsappChannel extends ChannelModule {
  status(): Promise<WhatsappStatus & Record<string, unknown>>;
}

/**
 * WhatsApp does not resend a message the gateway could not take, so it is tried
 * again here: through an outage of the database or Redis for up to
 * OUTAGE_PATIENCE_MS, after any other failure RECEIVE_ATTEMPTS times in all; a
 * message the gateway refuses for good is not tried again.
 */
const RECEIVE_ATTEMPTS = 5;
const OUTAGE_PATIENCE_MS = 10 * 60_000;

/**
 * The WhatsApp channel on whatsapp-web.js. One instance runs the client
 * (elected with a lease in Redis); the others leave WhatsApp deliveries in the
 * outbox for it (`isAvailable`), and one of them takes over if it stops. The
 * client reconnects with backoff; a logout from the phone asks for a new scan.
 */
export function createWhatsappChannel(options: WhatsappOptions, deps: WhatsappDeps): WhatsappChannel {
  const log = deps.logger.child({ channel: WHATSAPP_CHANNEL });
  const board = new WhatsappStatusBoard(deps.redis, (s) => deps.onStatus?.(s));
  const lease = new LeaderLease({ redis: deps.redis, name: 'whatsapp:client', logger: log });
  const pacer = new SendPacer(WHATSAPP_CHANNEL, {
    perChat: { points: 1, durationMs: options.chatGapMs },
    overall: { points: 1, durationMs: options.sendGapMs },
    maxWaitMs: 5000,
  }, deps.redis);
  const backoff = options.reconnectMs ?? { min: 2000, max: 60_000 };
  const retryDelay = options.receiveRetryMs ?? ((attempt: number, outage: boolean) => Math.min(outage ? 5000 : 30_000, 500 * 2 ** attempt));
  /** Per chat, the last message being handed over: a chat's messages reach the gateway in order. */
  const chains = new Map<string, Promise<void>>();
  let receive: ReceiveFn | null = null;
  let ready: WaClient | null = null;

  function onMessage(m: WaMessage): void {
    const previous = chains.get(m.from) ?? Promise.resolve();
    // What the gateway never took is logged whole, so support can still read it.
    const next = previous.then(() => handle(m)).catch((error: unknown) =>
      log.error({ err: error, message: m.id._serialized, from: m.from, body: m.body }, 'WhatsApp message not taken'),
    );
    chains.set(m.from, next);
    void next.then(() => {
      if (chains.get(m.from) === next) chains.delete(m.from);
    });
  }

  async function handle(m: WaMessage): Promise<void> {
    const mapped = mapWhatsappMessage(m, { maxBytes: options.maxBytes });
    if (mapped.kind === 'ignored') {
      log.debug({ message: m.id._serialized, reason: mapped.reason }, 'message ignored');
      return;
    }
    const message: InboundMessage = { ...mapped.message };
    if (mapped.download) Object.assign(message, await download(m));
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      try {
        if (!receive) throw new Error('the WhatsApp channel is stopped');
        await receive(message);
        return;
      } catch (error) {
        if (error instanceof GatewayError && !error.retryable) throw error;
        const outage = error instanceof GatewayError && (error.code === 'unavailable' || error.code === 'shutting_down');
        if (outage ? Date.now() - started > OUTAGE_PATIENCE_MS : attempt >= RECEIVE_ATTEMPTS) throw error;
        log.warn({ err: error, attempt }, 'could not hand a WhatsApp message over: trying again');
        await sleep(retryDelay(attempt, outage));
      }
    }
  }

  async function download(m: WaMessage): Promise<Pick<InboundMessage, 'file' | 'refusedFile'>> {
    const media = await m.downloadMedia().catch((error: unknown) => {
      log.warn({ err: error, message: m.id._serialized }, 'media download failed');
      return undefined;
    });
    // The library gives nothing back for media the phone no longer has.
    if (!media) return { refusedFile: { reason: 'unsupported_type' } };
    const data = Buffer.from(media.data, 'base64');
    if (data.length > options.maxBytes) return { refusedFile: { reason: 'too_large' } };
    return { file: { data, ...(media.filename ? { fileName: media.filename } : {}) } };
  }

  /** Runs a client until the lease is lost or the channel stops, reconnecting after each disconnect. */
  async function runClient(signal: AbortSignal): Promise<void> {
    await mkdir(options.sessionDir, { recursive: true });
    let failures = 0;
    while (!signal.aborted) {
      board.set('starting');
      const client = deps.driver.createClient(options.sessionDir);
      const ended = new Promise<string>((resolve) => {
        client.on('disconnected', (reason) => resolve(String(reason)));
        client.on('auth_failure', (message) => resolve(`authentication failed: ${message}`));
        signal.addEventListener('abort', () => resolve('stopping'), { once: true });
      });
      client.on('qr', (qr) => board.set('waiting_for_scan', { qr, reason: 'scan the QR code with WhatsApp on the phone: Linked devices → Link a device' }));
      client.on('authenticated', () => log.info('WhatsApp session authenticated'));
      client.on('ready', () => {
        ready = client;
        failures = 0;
        board.set('ready');
        log.info('WhatsApp client ready');
      });
      client.on('message', onMessage);
      // initialize() can hang (whatsapp-web.js waits for the page without a timeout): a stop or a lost lease must not.
      const started = await Promise.race([
        client.initialize().then(
          () => null,
          (error: unknown) => describeStartFailure(error),
        ),
        ended,
      ]);
      const reason = started ?? (await ended);
      ready = null;
      client.removeAllListeners();
      await client.destroy().catch((e: unknown) => log.debug({ err: e }, 'client destroy failed'));
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

  /** Parts of a message sent before a later part failed: the retry resumes after them (per instance). */
  const partsSent = new Map<string, number>();

  async function sendWith(client: WaClient, chatId: string, message: Parameters<ChannelModule['port']['send']>[1]) {
    const sends = planWhatsappSends(message);
    const done = partsSent.get(message.messageId) ?? 0;
    await pacer.wait(chatId, sends.length - done);
    let lastId: string | undefined;
    for (const [i, send] of sends.entries()) {
      if (i < done) continue;
      const sent = send.kind === 'text'
        ? await client.sendMessage(chatId, send.text, { linkPreview: false })
        : await client.sendMessage(chatId, deps.driver.createMedia(send.attachment.mimeType, await send.attachment.read(), send.attachment.fileName), send.caption ? { caption: send.caption } : {});
      if (!sent) throw new ChannelError('unreachable', `WhatsApp did not take the message for ${chatId} (no such chat)`);
      lastId = sent.id._serialized;
      partsSent.set(message.messageId, i + 1);
    }
    partsSent.delete(message.messageId);
    return lastId ? { channelMessageId: lastId } : {};
  }

  return {
    port: {
      name: WHATSAPP_CHANNEL,
      isAvailable: () => ready !== null,
      async send(externalId, message) {
        const client = ready;
        if (!client) throw new ChannelError('transient', 'WhatsApp is not connected on this instance');
        try {
          return await sendWith(client, externalId, message);
        } catch (error) {
          if (partsSent.size > 10_000) partsSent.clear();
          throw toChannelError(error);
        }
      },
    },
    async start(fn) {
      receive = fn;
      board.set('standby');
      lease.start(runClient);
    },
    async stop() {
      await lease.stop();
      // What the client handed over before it stopped still reaches the gateway.
      await Promise.allSettled([...chains.values()]);
      receive = null;
      board.set('off');
    },
    async status() {
      // `runsClient`: whether this instance is the one driving WhatsApp (the others stand by).
      return { ...(await board.read()), runsClient: lease.isLeader };
    },
  };
}

function toChannelError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  const message = error instanceof Error ? error.message : String(error);
  // whatsapp-web.js rejects an unknown number with "invalid wid" / "No LID for user".
  if (/invalid wid|no lid|not a whatsapp user/i.test(message)) return new ChannelError('unreachable', message, { cause: error });
  return new ChannelError('transient', message, { cause: error });
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

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

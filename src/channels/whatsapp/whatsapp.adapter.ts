import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChannelModule, ReceiveFn } from '../channel.port.js';
import { LeaderLease } from '../leader-lease.js';
import { SendPacer } from '../send-pacer.js';
import type { WaClient, WaDriver } from './whatsapp.client.port.js';
import { WhatsappInbound } from './whatsapp.inbound.js';
import { WHATSAPP_CHANNEL } from './whatsapp.mapper.js';
import { whatsappPace, WhatsappSender } from './whatsapp.outbound.js';
import { runWhatsappSession, type WhatsappSessionDeps } from './whatsapp.session.js';
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
  /** Makes the clients and media: the composition root chooses it (whatsapp-web.js, or a fake in tests). */
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

const DEFAULT_RECONNECT_MS = { min: 2000, max: 60_000 };

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
  const sender = new WhatsappSender(deps.driver, new SendPacer(WHATSAPP_CHANNEL, whatsappPace(options), deps.redis));
  let receive: ReceiveFn | null = null;
  let ready: WaClient | null = null;
  const inbound = new WhatsappInbound({ log, maxBytes: options.maxBytes, receiver: () => receive, retryDelayMs: options.receiveRetryMs });
  const session: WhatsappSessionDeps = {
    driver: deps.driver, sessionDir: options.sessionDir, board, log, backoff: options.reconnectMs ?? DEFAULT_RECONNECT_MS,
    onMessage: (m) => inbound.take(m),
    onReady: (client) => (ready = client),
  };

  return {
    port: {
      name: WHATSAPP_CHANNEL,
      isAvailable: () => ready !== null,
      send: (externalId, message) => sender.send(ready, externalId, message),
    },
    async start(fn) {
      receive = fn;
      board.set('standby');
      lease.start((signal) => runWhatsappSession(session, signal));
    },
    async stop() {
      await lease.stop();
      // What the client handed over before it stopped still reaches the gateway.
      await inbound.drained();
      receive = null;
      board.set('off');
    },
    async status() {
      // `runsClient`: whether this instance is the one driving WhatsApp (the others stand by).
      return { ...(await board.read()), runsClient: lease.isLeader };
    },
  };
}

import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { Config } from '../config.js';
import type { GatewayEvents } from '../gateway/gateway-events.js';
import type { Choice, Locale } from '../conversation/conversation.types.js';
import type { ChannelDesk } from './channel-desk.port.js';

/** Bytes a channel received from a customer, before the gateway checks and stores them. */
export interface InboundFile {
  data: Buffer;
  /** The name the customer's client gave, if any. Never trusted for the type. */
  fileName?: string;
}

/**
 * A customer's message as a channel adapter reports it. Adapters only translate
 * their SDK's payload into this shape; they never touch the store or the conversation.
 */
export interface InboundMessage {
  channel: string;
  /** The customer's identity on the channel (chat id, phone, visitor id). */
  externalId: string;
  /**
   * The channel's id for this message, unique within the channel: the gateway
   * records a message once per id and ignores redeliveries.
   */
  channelMessageId: string;
  displayName?: string;
  /** Language reported by the channel (e.g. Telegram's language_code), if any. */
  locale?: Locale;
  text?: string;
  /** The id of the choice when the customer pressed a button. */
  choiceId?: string;
  file?: InboundFile;
  /**
   * A file the customer sent that the channel did not download because its
   * declared size or type already rules it out (Telegram and WhatsApp report
   * both before the download); the customer is told why, as for a checked file.
   */
  refusedFile?: { reason: 'too_large' | 'unsupported_type' };
  /** An attachment already stored through the upload endpoint (web chat). */
  attachmentId?: string;
  receivedAt?: Date;
  /**
   * Ask the customer's name and an e-mail or phone when an intake starts (the web
   * chat's pre-chat step is on and the visitor was not identified). Skipped for a
   * customer whose e-mail or phone is already known.
   */
  askContact?: boolean;
  /**
   * The message answers the opening prompt the channel showed on its own (the web
   * chat greets on open): the bot does not greet again.
   */
  answersOpening?: boolean;
}

/** An attachment to deliver, with a way to read its bytes. */
export interface OutboundAttachment {
  id: string;
  mimeType: string;
  fileName: string | null;
  read(): Promise<Buffer>;
}

/** A message for a customer, in channel-neutral form. */
export interface OutboundMessage {
  /** Outbox message id; lets a channel make its own delivery idempotent. */
  messageId: string;
  text: string | null;
  choices?: Choice[];
  attachments?: OutboundAttachment[];
  author: 'bot' | 'agent' | 'system';
  locale: Locale;
  /**
   * An agent's reply: the agent's name, when the desk shows it
   * (DeskSettings.agentNameInReplies). Channels sign agents' replies either way
   * (see agentSignature), so that a customer tells a person from the bot.
   */
  agentName?: string;
  /**
   * A mass incident's update, one of many sent at once: a channel that paces its
   * sends gives these only part of its rate, so that ordinary replies keep theirs.
   */
  bulk?: true;
}

export interface DeliveryReceipt {
  /** The channel's id for the delivered message, if it gives one. */
  channelMessageId?: string;
}

/**
 * A channel's sending side. `send` resolves once the channel accepted the
 * message and rejects with a ChannelError saying whether to retry.
 */
export interface ChannelPort {
  readonly name: string;
  /**
   * How the bot offers actions on this channel: slash commands, which Telegram
   * and WhatsApp users know (the default), or buttons (the web chat).
   */
  readonly menu?: 'commands' | 'buttons';
  /**
   * Whether `send` only hands the message to a broadcast that cannot refuse it,
   * and the customer's client fetches what it missed when it reconnects (the
   * web chat: its history resumes after the last message seen). The bot's
   * replies on such a channel are then written as sent with the step that makes
   * them and sent as soon as it commits, without the outbox's claim and
   * completion, unless an earlier message to the customer is still queued. A
   * crash between the commit and the send loses nothing: the reply is in the
   * history the client reads on reconnecting. Default: false.
   */
  readonly sendsAtOnce?: boolean;
  send(externalId: string, message: OutboundMessage): Promise<DeliveryReceipt>;
  /** Shows the customer that an agent is typing, where the channel can; best effort, never throws. */
  setTyping?(externalId: string, typing: boolean): void;
  /**
   * Whether this instance can send on the channel now (default: always). An
   * instance that cannot (WhatsApp runs its client on one instance only) leaves
   * the channel's deliveries in the outbox for the instance that can.
   */
  isAvailable?(): boolean;
}

export type ChannelErrorCode =
  /** Try again later (network trouble, 5xx). */
  | 'transient'
  /** The channel asked us to slow down; `retryAfterMs` says for how long. */
  | 'rate_limited'
  /** The customer cannot be reached on this channel (blocked the bot, left); never retried. */
  | 'unreachable'
  /** The message itself was refused (too long, bad media); never retried. */
  | 'rejected';

/** The one error class of the channel boundary. */
export class ChannelError extends Error {
  override readonly name = 'ChannelError';
  constructor(
    readonly code: ChannelErrorCode,
    message: string,
    readonly options: { cause?: unknown; retryAfterMs?: number } = {},
  ) {
    super(message, { cause: options.cause });
  }

  get retryable(): boolean {
    return this.code === 'transient' || this.code === 'rate_limited';
  }
}

/** A message the gateway has stored: its id, its customer, and whether it was stored before (a redelivery). */
export interface StoredReceipt {
  messageId: string;
  customerId: string;
  duplicate: boolean;
}

/** Called with a message once it is stored (see ReceiveFn). */
export type OnStored = (stored: StoredReceipt) => void | Promise<void>;

/**
 * What a channel may do with an inbound message: hand it to the gateway.
 * `onStored`, if given, is called once the message is stored and before its
 * step runs, so before any reply to it goes out: a channel that acknowledges
 * there shows the customer their message before the bot's answer (the web chat,
 * whose replies are sent at once). It is awaited under the conversation's lock,
 * so keep it short; what it throws is logged and does not stop the step.
 */
export type ReceiveFn = (
  message: InboundMessage,
  onStored?: OnStored,
) => Promise<{ status: 'applied' | 'duplicate' | 'deferred'; messageId: string; customerId: string }>;

/**
 * A channel as the composition root sees it: its sending port, the routes it
 * serves (webhooks, sockets) and its lifecycle. Adding a channel means one
 * folder under src/channels/ exporting a factory of this, and one line in main.ts.
 */
export interface ChannelModule {
  port: ChannelPort;
  routes?: (app: FastifyInstance) => Promise<void>;
  /** Starts taking input (polling, client connection). */
  start?(receive: ReceiveFn): Promise<void>;
  /** Stops taking input and releases connections. */
  stop?(): Promise<void>;
  /** The channel's connection state, shown in /ready (without making it fail) and to admins. */
  status?(): Promise<Record<string, unknown>>;
}

/** What the composition root hands a channel factory. */
export interface ChannelContext {
  config: Config;
  /**
   * What the channel may ask of the desk beyond handing it messages (identity,
   * history, files, a shared secret, settings), bound to the channel's name.
   * Never the request store itself.
   */
  desk(channel: string): ChannelDesk;
  logger: Logger;
  clock: () => Date;
  /** Shared Redis, when several instances run; null otherwise. */
  redis: Redis | null;
  /** The instance's socket.io server, for channels that talk over sockets. */
  io: Server;
  /** Reports what the console shows live beyond messages (a customer typing). */
  events: GatewayEvents;
}

/** Builds a channel from the application's parts (it may read what it needs first); main.ts lists one per channel. */
export type ChannelFactory = (ctx: ChannelContext) => ChannelModule | Promise<ChannelModule>;

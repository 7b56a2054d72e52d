/**
 * What a channel may ask of the desk beyond handing it messages: who a customer
 * is, a page of their conversation, their files in and out, a secret shared by
 * every instance and the desk's settings a channel honours. The channel layer
 * owns this port and the gateway implements it (src/gateway/channel-desk.ts):
 * channels never reach the request store, so a new channel cannot reach past it.
 *
 * A desk is bound to one channel: it finds only that channel's customers and
 * files. Its methods reject with a ChannelError: `transient` when the desk
 * cannot answer now (the database is down: try again shortly), `rejected` when
 * the input is refused for good.
 */
import type { Choice, KnownIncident, Locale } from '../conversation/conversation.types.js';

/** A customer of the channel, as the channel needs to know them. */
export interface DeskCustomer {
  id: string;
  locale: Locale;
  /**
   * Sessions issued before this moment are revoked (the customer was signed out
   * everywhere); null when none is. The web chat checks its tokens against it.
   */
  tokensValidAfter: Date | null;
}

/** A file the desk keeps for a customer (a screenshot, an agent's image). */
export interface DeskFile {
  id: string;
  mimeType: string;
  fileName: string | null;
  size: number;
}

/** A stored file with its owner on this channel and a way to read it. */
export interface OpenedFile extends DeskFile {
  /** The owning customer's identity on this channel. */
  ownerExternalId: string;
  read(): Promise<Buffer>;
}

/** One message of a customer's conversation as they see it (internal notes are never included). */
export interface HistoryMessage {
  /** The message's id, a decimal string; ids grow with time. */
  id: string;
  author: 'customer' | 'bot' | 'agent' | 'system';
  text: string | null;
  /** The buttons the message offered, if any. */
  choices?: Choice[];
  /** The channel's own id of a customer's message (see InboundMessage.channelMessageId). */
  channelMessageId: string | null;
  createdAt: Date;
  files: DeskFile[];
}

export interface HistoryPage {
  /** Oldest first. */
  messages: HistoryMessage[];
  /** Older messages than the first exist (with `beforeId` or the newest page), or newer than the last (with `afterId`). */
  hasMore: boolean;
}

/** Which page: the newest `limit` messages, those before `beforeId`, or those after `afterId` (oldest first). */
export interface HistoryQuery {
  limit: number;
  beforeId?: string;
  afterId?: string;
}

/** A file the desk would not keep, and why, in words its sender can act on. */
export interface FileRefusal {
  /** `too_large` (bytes or pixels) or `unsupported_type` (not an image the desk shows). */
  reason: 'too_large' | 'unsupported_type';
  message: string;
}

export type FileOutcome = { ok: true; file: DeskFile } | { ok: false; refusal: FileRefusal };

/** See the file comment. */
export interface ChannelDesk {
  /** The customer with this identity on the channel, without creating one. */
  findCustomer(externalId: string): Promise<DeskCustomer | null>;
  /** The customer with this identity, created (in `locale`) when there is none. */
  ensureCustomer(externalId: string, locale: Locale): Promise<DeskCustomer>;
  /** A page of the customer's conversation. */
  history(customerId: string, query: HistoryQuery): Promise<HistoryPage>;
  /** Checks a file the customer sent (by content, size and image dimensions) and keeps it, or says why not. */
  storeFile(customerId: string, file: { data: Buffer; fileName?: string }): Promise<FileOutcome>;
  /** The file, if it belongs to a customer of this channel; null for any other (no matter why). */
  openFile(fileId: string): Promise<OpenedFile | null>;
  /** Bytes of the customer's stored files that no message carries yet. */
  unsentFileBytes(customerId: string): Promise<number>;
  /**
   * A secret of this channel shared by every instance on the database: the
   * first caller's random value is kept, so all sign alike and across restarts.
   */
  sharedSecret(name: string): Promise<string>;
  /** Whether the desk asks new customers for a name and a contact before the intake (set in the console). */
  asksContact(): Promise<boolean>;
  /** The open mass incidents an intake offers first, newest first; never rejects (none when unknown). */
  knownIncidents(): Promise<KnownIncident[]>;
}

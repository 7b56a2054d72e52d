import type { Locale, RequestSummary } from '../conversation/conversation.types.js';
import type {
  Actor,
  AttachmentRecord,
  AuthorKind,
  Customer,
  Delivery,
  MessagePayload,
  RequestDetail,
  RequestRecord,
  RequestStatus,
  RequestType,
  StatusChangeRecord,
  StoredMessage,
} from './request.types.js';

export interface CustomerIdentity {
  channel: string;
  externalId: string;
  displayName?: string;
  locale: Locale;
}

/** A customer as looked up by identity, with what only its channel's sign-in needs. */
export interface FoundCustomer extends Customer {
  /** Web chat: visitor tokens issued before this moment are revoked; null: none revoked. */
  tokensValidAfter: Date | null;
}

/** A stored file deleted as an orphan (never sent in a message). */
export interface DeletedAttachment {
  id: string;
  storageKey: string;
  /** No attachment row refers to these bytes any more: the stored file may go too. */
  lastReference: boolean;
}

export interface RecordInboundInput {
  customerId: string;
  channel: string;
  channelMessageId: string;
  text?: string;
  payload?: MessagePayload;
  attachmentId?: string;
  receivedAt: Date;
}

export interface ConversationSnapshot {
  /** The state as JSON; the gateway validates it before use. */
  state: unknown;
  version: number;
  updatedAt: Date;
}

export interface CreateRequestInput {
  customerId: string;
  channel: string;
  type: RequestType;
  subject: string;
  description: string;
  screenshotAttachmentId: string | null;
  /** Inbound message that confirmed it: a message has at most one request. */
  sourceMessageId: string;
  /** The open mass incident it is filed under (the customer said it is theirs), by id; recorded in its history. */
  incidentId?: string | null;
  at: Date;
}

export interface ChangeStatusInput {
  number: string;
  to: RequestStatus;
  comment: string | null;
  actor: Actor;
  at: Date;
  /** The mass incident whose status change this carries to a linked request (history: `incident_cascade`). */
  viaIncidentId?: string | null;
}

export interface EnqueueOutboundInput {
  customerId: string;
  requestId: string | null;
  channel: string;
  author: Exclude<AuthorKind, 'customer'>;
  agentId?: string | null;
  text: string | null;
  payload?: MessagePayload;
  attachmentIds?: string[];
  at: Date;
}

/** A message the bot sends in a conversation step. */
export interface StepReply {
  /** The request it is filed under, by its number (as stored): one of the customer's, or null. */
  requestNumber: string | null;
  author: 'bot' | 'system';
  text: string | null;
  payload?: MessagePayload;
}

/** A customer message (with its files) filed under one of the customer's requests, whose activity time moves on. */
export interface StepLink {
  messageId: string;
  requestNumber: string;
}

/** What a conversation step writes at its end (see RequestTx.commitStep). */
export interface StepCommit {
  customerId: string;
  /** The customer's channel: replies go out on it. */
  channel: string;
  at: Date;
  /** The inbound message the step applied, marked processed; null for a step no message caused. */
  messageId: string | null;
  /** Queued for delivery in this order, each with its outbox row. */
  replies: StepReply[];
  /**
   * The channel sends at once (ChannelPort.sendsAtOnce): the replies and their
   * outbox rows are written as sent, for the caller to send after the commit,
   * unless an earlier message to the customer is still queued (then they are
   * queued behind it). StepCommitted.replies carry the state written.
   */
  sentAtOnce?: boolean;
  links: StepLink[];
  /**
   * The new conversation snapshot, written as `version`, which must follow the stored
   * one (optimistic concurrency); null keeps the stored one.
   */
  snapshot: { state: unknown; version: number } | null;
}

export interface StepCommitted {
  /** The replies as stored, in order. */
  replies: StoredMessage[];
  /** Ids of the requests the step named (in replies and links), by number. */
  requestIds: ReadonlyMap<string, string>;
}

/** A delivery the channel accepted. */
export interface DeliveryResult {
  outboxId: string;
  channelMessageId?: string;
}

export interface ListCustomerMessagesOptions {
  limit: number;
  /**
   * What a client that has seen this message may have missed, oldest first: the
   * messages after it, and the older ones delivered since it was written (an id
   * is taken before its transaction commits, so a message can go out after a
   * newer one; a client that was offline then would never see it otherwise).
   */
  afterId?: string;
  /** Only messages before this id (earlier history). */
  beforeId?: string;
}

export interface CustomerMessagesPage {
  messages: Array<StoredMessage & { attachments: AttachmentRecord[] }>;
  /** More messages lie beyond this page in its direction. */
  hasMore: boolean;
}

export interface NewAttachmentInput {
  customerId: string | null;
  mimeType: string;
  size: number;
  sha256: string;
  storageKey: string;
  fileName: string | null;
}

/**
 * Operations that must commit together: the effects of one conversation step,
 * the outbound messages they produce and the conversation snapshot.
 */
export interface RequestTx {
  /**
   * Creates a request for a conversation step, with its first status change, its
   * screenshot and the intake transcript (the customer's messages, both directions,
   * filed under no request since their previous request, up to the source message).
   * Returns the request as it will be stored, its number already taken from the
   * database sequence, and writes it with commitStep (in the same statement when
   * the transaction wrote nothing else), or at once when the transaction goes on
   * with other statements. Refused, writing nothing, if the source message has a
   * request already (`conflict`) or the screenshot is not the customer's
   * (`not_found`); a refusal leaves a gap in the numbering, never a duplicate.
   */
  prepareRequest(input: CreateRequestInput): Promise<RequestRecord>;
  /** The customer's request with this number (case-insensitive), or null: never another customer's. */
  findCustomerRequest(customerId: string, number: string): Promise<RequestSummary | null>;
  /** The customer's requests that are not closed, newest first. */
  listOpenRequests(customerId: string): Promise<RequestSummary[]>;
  /**
   * Moves a request along the status graph and records the change.
   * Throws StoreError `not_found` or `invalid_transition`.
   */
  changeStatus(input: ChangeStatusInput): Promise<{ request: RequestRecord; change: StatusChangeRecord }>;
  /** Writes an outbound message and its outbox row (delivery pending). */
  enqueueOutbound(input: EnqueueOutboundInput): Promise<StoredMessage>;
  /** Throws StoreError `conflict` if the message was already applied (the step must not commit twice). */
  markProcessed(messageId: string, at: Date): Promise<void>;
  /**
   * Takes the customer's request out of its mass incident (they said its solution
   * did not help), with an entry in its history. Resolves to the incident's number,
   * or null when the request was linked to none.
   */
  leaveIncident(customerId: string, number: string, at: Date): Promise<string | null>;
  setCustomerLocale(customerId: string, locale: Locale): Promise<void>;
  /** The contact the customer gave: their name (as the display name) and an e-mail or a phone. Throws `not_found`. */
  setCustomerContact(customerId: string, contact: { name: string; email: string | null; phone: string | null }): Promise<void>;
  /**
   * Ends a conversation step and COMMITS the transaction: queues the replies, files
   * the linked messages, marks the message processed (as markProcessed) and saves
   * the snapshot — all of it, together with everything written
   * before in the transaction, or on a refusal none of it: StoreError `conflict`
   * (message already applied, snapshot version taken), `not_found` (unknown message,
   * a request or a linked message that is not the customer's). The transaction is
   * over afterwards: calling it again throws. A step that wrote nothing else is
   * committed as one statement, without an explicit transaction.
   */
  commitStep(step: StepCommit): Promise<StepCommitted>;
}

/** A conversation in an intake: its customer and stored state (a ConversationState, as JSON). */
export interface IntakeRecord {
  customer: Customer;
  state: unknown;
  updatedAt: Date;
}

export type MessageWithAttachments = StoredMessage & { attachments: AttachmentRecord[] };

/**
 * The request store: customers, requests, messages, attachments, status history
 * and the outbox. Implemented with Prisma on PostgreSQL and on embedded PGlite;
 * the same contract tests run against both.
 */
export interface RequestStore {
  upsertCustomer(identity: CustomerIdentity): Promise<Customer>;
  getCustomer(id: string): Promise<Customer | null>;
  /** The customer with this identity on the channel, without creating one. */
  findCustomer(channel: string, externalId: string): Promise<FoundCustomer | null>;
  /** Revokes every web chat visitor token of the customer issued before `at`. Throws `not_found`. */
  revokeVisitorTokens(customerId: string, at: Date): Promise<void>;
  /**
   * Records an inbound message once per (channel, channelMessageId). A redelivery
   * returns the stored message with `duplicate: true`. A customer who writes is
   * reachable again (see setCustomerReachable), as with upsertCustomer.
   */
  recordInbound(input: RecordInboundInput): Promise<{ message: StoredMessage; duplicate: boolean }>;
  /** The customer's inbound messages not yet applied, oldest first. */
  listUnprocessedInbound(customerId: string): Promise<StoredMessage[]>;
  /**
   * recordInbound and listUnprocessedInbound in one statement: also returns the
   * customer's pending inbound messages, this one included unless it was applied
   * already, oldest first. Meant for the holder of the conversation's lock.
   */
  recordAndListPending(input: RecordInboundInput): Promise<{ message: StoredMessage; duplicate: boolean; pending: StoredMessage[] }>;
  /** Customers with inbound messages not yet applied (recovery after a crash). */
  listCustomersWithUnprocessed(): Promise<string[]>;
  loadConversation(customerId: string): Promise<ConversationSnapshot | null>;
  /** The newest request of the customer that is not closed. */
  findActiveRequest(customerId: string): Promise<RequestSummary | null>;
  transaction<T>(fn: (tx: RequestTx) => Promise<T>): Promise<T>;

  getRequest(number: string): Promise<RequestDetail | null>;
  /** Conversations in an intake step (see isIntakeStep) that changed after `updatedAfter`, the latest first: the console's Drafts. */
  listIntakes(opts: { updatedAfter: Date; limit: number }): Promise<IntakeRecord[]>;
  /**
   * An intake's conversation: the customer's messages and the bot's replies filed
   * under no request yet (a new request's transcript takes them all), oldest first,
   * the latest `limit` of them.
   */
  listIntakeMessages(customerId: string, opts: { limit: number }): Promise<MessageWithAttachments[]>;
  /** A page of the customer's conversation as they see it (no internal notes), oldest first. */
  listCustomerMessages(customerId: string, opts: ListCustomerMessagesOptions): Promise<CustomerMessagesPage>;
  createAttachment(input: NewAttachmentInput): Promise<AttachmentRecord>;
  /** Writes an agent's internal note under a request: shown to agents, never delivered. Throws `not_found`. */
  addNote(input: { requestId: string; agentId: string; text: string; at: Date }): Promise<StoredMessage>;
  /** Sets or clears a request's assignee. Throws `not_found` for an unknown request or an unknown or inactive agent. */
  assignRequest(number: string, agentId: string | null, at: Date): Promise<RequestRecord>;
  /**
   * Numbers of requests in `solution_provided` with no status change and no
   * activity since before `before` (solutions the customer left unanswered), oldest first.
   */
  listStaleSolutions(before: Date, limit: number): Promise<string[]>;
  getAttachment(id: string): Promise<AttachmentRecord | null>;
  /** Bytes of the customer's uploads that no message carries yet. */
  unsentUploadBytes(customerId: string): Promise<number>;
  /**
   * Deletes up to `limit` attachments created before `before` that no message and
   * no request refers to (uploads never sent), oldest first, and says which of
   * their stored files nothing refers to any more. Safe on several instances at once.
   */
  deleteOrphanAttachments(before: Date, limit: number): Promise<DeletedAttachment[]>;

  /**
   * Claims up to `limit` due deliveries for `leaseMs`. At most one delivery per
   * customer is in flight, and a customer's messages are claimed in order.
   * Only deliveries for `channels` (those this instance can send on) are claimed.
   */
  claimDeliveries(opts: { limit: number; leaseMs: number; now: Date; channels: string[] }): Promise<Delivery[]>;
  /** Marks deliveries sent, keeping each one's channel message id; returns the outbox ids that do not exist. */
  completeDeliveries(results: DeliveryResult[], at: Date): Promise<string[]>;
  /**
   * Records a failed attempt; `retryAt` null marks the delivery failed for good.
   * `countAttempt: false` postpones it without using up an attempt (the channel
   * asked to wait: rate limits, pacing).
   */
  failDelivery(outboxId: string, result: { error: string; retryAt: Date | null; at: Date; countAttempt?: boolean }): Promise<void>;
  setCustomerReachable(customerId: string, reachable: boolean): Promise<void>;
  /** Counts outbox rows by status (for /metrics and operators). */
  countOutbox(): Promise<Record<'pending' | 'sent' | 'failed', number>>;

  /**
   * The deployment-wide value stored under `key`; the first caller's `value` is
   * stored when there is none, so every instance on the database gets the same.
   */
  ensureSetting(key: string, value: string): Promise<string>;
  /** The stored values of `keys` that have one. */
  readSettings(keys: readonly string[]): Promise<Record<string, string>>;
  /** Stores `value` under `key`, replacing any. */
  writeSetting(key: string, value: string): Promise<void>;

  /** Resolves when the database answers. */
  ping(): Promise<void>;
}

/**
 * `unavailable`: the database cannot be reached or refused for lack of resources
 * (retrying later can succeed). `invalid_input`: the data itself can never be
 * stored (a value out of range, a character PostgreSQL refuses). `failed`: the
 * statement failed for another reason, to be retried a bounded number of times.
 */
export type StoreErrorCode = 'not_found' | 'invalid_transition' | 'conflict' | 'unavailable' | 'invalid_input' | 'failed';

/** The one error class of the store boundary. */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  constructor(
    readonly code: StoreErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }
}

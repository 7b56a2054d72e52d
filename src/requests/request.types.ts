import type { Choice, Locale, RejectedFile, RequestStatus, RequestType } from '../conversation/conversation.types.js';

export type { RequestStatus, RequestType } from '../conversation/conversation.types.js';

export type AuthorKind = 'bot' | 'customer' | 'agent' | 'system';
export type Direction = 'inbound' | 'outbound';
export type DeliveryState = 'received' | 'pending' | 'sent' | 'failed' | 'internal';

/** Identifies who did something to a request. */
export interface Actor {
  kind: AuthorKind;
  agentId?: string | null;
}

export interface Customer {
  id: string;
  channel: string;
  externalId: string;
  displayName: string | null;
  /** Contact details the customer gave (validated), if any. */
  email: string | null;
  phone: string | null;
  locale: Locale;
  reachable: boolean;
}

/** Channel-neutral extras stored with a message. */
export interface MessagePayload {
  choices?: Choice[];
  choiceId?: string;
  /** A file the customer sent that was refused, and why. */
  rejectedFile?: RejectedFile;
  /** See InboundMessage.askContact. */
  askContact?: true;
  /** See InboundMessage.answersOpening. */
  answersOpening?: true;
}

export interface StoredMessage {
  /** Database sequence, as a decimal string (it is a bigint). */
  id: string;
  customerId: string;
  requestId: string | null;
  channel: string;
  direction: Direction;
  author: AuthorKind;
  agentId: string | null;
  text: string | null;
  payload: MessagePayload | null;
  channelMessageId: string | null;
  deliveryState: DeliveryState;
  processedAt: Date | null;
  createdAt: Date;
  attachmentIds: string[];
}

export interface RequestRecord {
  id: string;
  number: string;
  type: RequestType;
  subject: string;
  description: string;
  status: RequestStatus;
  channel: string;
  customerId: string;
  assigneeId: string | null;
  /** The mass incident it is linked to, by id, or null. */
  incidentId: string | null;
  createdAt: Date;
  updatedAt: Date;
  lastActivityAt: Date;
  closedAt: Date | null;
}

export interface AttachmentRecord {
  id: string;
  customerId: string | null;
  requestId: string | null;
  messageId: string | null;
  mimeType: string;
  size: number;
  sha256: string;
  storageKey: string;
  fileName: string | null;
  createdAt: Date;
}

export interface StatusChangeRecord {
  id: string;
  requestId: string;
  from: RequestStatus | null;
  to: RequestStatus;
  comment: string | null;
  actorKind: AuthorKind;
  agentId: string | null;
  /** What happened: a status move, or a mass incident's link, unlink, update or cascade. */
  event: StatusEvent;
  /** The mass incident an `incident_*` event concerns, by number. */
  incidentNumber: string | null;
  createdAt: Date;
}

/** Kinds of entries in a request's history (StatusChangeRecord.event). */
export type StatusEvent = 'status' | 'incident_linked' | 'incident_unlinked' | 'incident_update' | 'incident_cascade';
export const STATUS_EVENTS: readonly StatusEvent[] = ['status', 'incident_linked', 'incident_unlinked', 'incident_update', 'incident_cascade'];

/** A request with everything an agent needs to read it. */
export interface RequestDetail extends RequestRecord {
  customer: Customer;
  messages: StoredMessage[];
  attachments: AttachmentRecord[];
  statusChanges: StatusChangeRecord[];
}

/** One claimed outbound delivery. */
export interface Delivery {
  outboxId: string;
  /** Attempts made before this one. */
  attempts: number;
  /** A mass incident's fan-out copy: paced behind the channel's own messages (OutboundMessage.bulk). */
  bulk?: boolean;
  message: StoredMessage;
  customer: Customer;
  attachments: AttachmentRecord[];
  /** The name of the agent who wrote it (an agent's reply), else null. */
  agentName: string | null;
}

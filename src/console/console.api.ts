/**
 * The agent API's shapes as the console and other clients see them: the bodies
 * of the REST routes under /api and the events of the `/agents` socket.io
 * namespace. Types only, so the browser console imports them too. Dates are
 * ISO-8601 strings; ids of messages and status changes are decimal strings.
 * The routes validate against the zod schemas in console.schemas.ts, which
 * also produce the OpenAPI document served at /docs.
 */
import type { Locale, RequestStatus, RequestType } from '../conversation/conversation.types.js';

export type { Locale, RequestStatus, RequestType };

export type AgentRole = 'admin' | 'agent';
export type AuthorKind = 'customer' | 'bot' | 'agent' | 'system';
/** `internal`: a note only agents see. `pending` → `sent` | `failed` for outbound messages. */
export type DeliveryState = 'received' | 'pending' | 'sent' | 'failed' | 'internal';

export interface AgentView {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  active: boolean;
  createdAt: string;
}

/** An agent as others see them on a request or a message. */
export interface AgentRef {
  id: string;
  name: string;
}

/** `POST /api/auth/login` and `GET /api/auth/me`. */
export interface SessionView {
  /** Bearer token for API clients (`Authorization: Bearer <token>`); the console uses the cookie instead. */
  token?: string;
  /** Sent back as `x-csrf-token` on every cookie-authenticated request that changes something. */
  csrfToken: string;
  agent: AgentView;
  expiresAt: string;
}

export interface CustomerView {
  id: string;
  channel: string;
  displayName: string | null;
  locale: Locale;
  /** false once the channel said the customer cannot be reached (blocked the bot). */
  reachable: boolean;
}

export interface AttachmentView {
  id: string;
  mimeType: string;
  size: number;
  fileName: string | null;
  /** `/api/attachments/<id>`: needs the agent's session or token. */
  url: string;
}

export interface MessageView {
  id: string;
  direction: 'inbound' | 'outbound';
  author: AuthorKind;
  agent: AgentRef | null;
  text: string | null;
  /** true for an agent's internal note, never sent to the customer. */
  internal: boolean;
  deliveryState: DeliveryState;
  /** Why a delivery failed, when it did. */
  deliveryError: string | null;
  /** Buttons the bot offered with the message. */
  choices: Array<{ id: string; label: string }>;
  attachments: AttachmentView[];
  createdAt: string;
}

export interface StatusChangeView {
  id: string;
  from: RequestStatus | null;
  to: RequestStatus;
  comment: string | null;
  actor: { kind: AuthorKind; agent: AgentRef | null };
  createdAt: string;
}

/** A row of the request list. */
export interface RequestListItem {
  id: string;
  number: string;
  type: RequestType;
  subject: string;
  status: RequestStatus;
  channel: string;
  customer: CustomerView;
  assignee: AgentRef | null;
  createdAt: string;
  lastActivityAt: string;
  /** The newest message that is not an internal note. */
  lastMessage: { author: AuthorKind; text: string | null; createdAt: string } | null;
  /** Customer messages newer than what the calling agent has read. */
  unread: number;
}

/** `GET /api/requests/:number`. */
export interface RequestView extends RequestListItem {
  description: string;
  closedAt: string | null;
  /** The whole conversation of the request, oldest first, internal notes included. */
  messages: MessageView[];
  statusHistory: StatusChangeView[];
  attachments: AttachmentView[];
}

/** `GET /api/requests`. Newest activity first; pass `nextCursor` as `cursor` for the next page. */
export interface RequestPage {
  requests: RequestListItem[];
  nextCursor: string | null;
}

export interface CannedResponseView {
  id: string;
  title: string;
  text: string;
  createdBy: AgentRef | null;
  createdAt: string;
}

/** Query of `GET /api/requests`; every field optional. `status` and `type` take comma-separated lists. */
export interface RequestQuery {
  status?: string;
  type?: string;
  channel?: string;
  /** An agent id, `me` or `none`. */
  assignee?: string;
  /** Searches number, subject, description and customer name. */
  q?: string;
  cursor?: string;
  limit?: number;
}

/** Server → agent events on the `/agents` namespace. */
export interface AgentServerEvents {
  /** Handshake done: who the socket belongs to. */
  ready: (payload: { agent: AgentView }) => void;
  request_created: (payload: { request: RequestListItem }) => void;
  /** Anything in the list row changed (status, assignee, activity, customer reachability). */
  request_updated: (payload: { request: RequestListItem }) => void;
  /** A message filed under a request: the customer's, the bot's, an agent's reply or note. */
  message: (payload: { requestNumber: string; message: MessageView }) => void;
  /** An outbound message was delivered or failed for good. */
  message_status: (payload: { requestNumber: string; messageId: string; deliveryState: DeliveryState; deliveryError: string | null }) => void;
  status_changed: (payload: { requestNumber: string; change: StatusChangeView }) => void;
  assigned: (payload: { requestNumber: string; assignee: AgentRef | null; by: AgentRef | null }) => void;
  /** The customer of a request started or stopped typing (web chat). */
  customer_typing: (payload: { requestNumber: string; typing: boolean }) => void;
  /** Another agent is typing a reply on a request. */
  agent_typing: (payload: { requestNumber: string; agent: AgentRef; typing: boolean }) => void;
}

/** Agent → server events on the `/agents` namespace. */
export interface AgentClientEvents {
  /** Shows the customer (where the channel can) and other agents that a reply is being typed. */
  typing: (payload: { requestNumber: string; typing: boolean }) => void;
}

/** Every error response: `{ error: { code, message } }` with a stable code. */
export interface ApiError {
  error: { code: string; message: string };
}

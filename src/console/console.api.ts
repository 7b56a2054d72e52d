/**
 * The agent API's shapes as the console and other clients see them: the bodies
 * of the REST routes under /api and the events of the `/agents` socket.io
 * namespace. Types only, so the browser console imports them too. Dates are
 * ISO-8601 strings; ids of messages and status changes are decimal strings.
 * The shapes are inferred from the zod schemas in console.schemas.ts, which
 * validate the routes and produce the OpenAPI document served at /docs.
 */
import type { IncidentView } from './incidents.schemas.js';
import type { z } from 'zod';
import type { Locale, RequestStatus, RequestType } from '../conversation/conversation.types.js';
import type * as S from './console.schemas.js';

export type { Locale, RequestStatus, RequestType };

export type AgentRole = z.infer<typeof S.agentRoleSchema>;
export type AuthorKind = MessageView['author'];
/** `internal`: a note only agents see. `pending` → `sent` | `failed` for outbound messages. */
export type DeliveryState = MessageView['deliveryState'];
/** `online` or `away`: what an agent says of themselves (`PATCH /api/auth/me`). */
export type PresenceChoice = z.infer<typeof S.presenceChoiceSchema>;
/** What other agents see: the agent's choice while they have a console open anywhere, `offline` otherwise. */
export type Presence = z.infer<typeof S.presenceSchema>;
/** An agent with their console language and presence (`GET /api/agents`, the session's agent, `ready`). */
export type AgentView = z.infer<typeof S.agentViewSchema>;
/** An agent as others see them on a request or a message. */
export type AgentRef = z.infer<typeof S.agentRefSchema>;
/** `POST /api/auth/login` (with `token`), `GET /api/auth/me` and `PATCH /api/auth/me`. */
export type SessionView = z.infer<typeof S.sessionViewSchema>;
/**
 * `PATCH /api/auth/me`: any of these, at least one. `newPassword` needs
 * `currentPassword` (403 `forbidden` when it is wrong; the agent's other
 * sessions end, this one stays); `locale` is the console's language for the
 * agent; `presence` what other agents see while the agent has a console open.
 */
export type AccountPatch = z.input<typeof S.accountPatchBodySchema>;
export type CustomerView = z.infer<typeof S.customerViewSchema>;
/** `url` is `/api/attachments/<id>`: it needs the agent's session or token. */
export type AttachmentView = z.infer<typeof S.attachmentViewSchema>;
export type MessageView = z.infer<typeof S.messageViewSchema>;
export type StatusChangeView = z.infer<typeof S.statusChangeViewSchema>;
/**
 * A row of the request list. `unread`: customer messages newer than what the
 * calling agent has read. Events go to every agent alike: in `request_created`
 * it counts all customer messages (no one has read them yet); in
 * `request_updated` it is 0 and clients keep their own count (from `message`
 * events) instead.
 */
export type RequestListItem = z.infer<typeof S.requestListItemSchema>;
/** `GET /api/requests/:number`: the whole conversation, oldest first, internal notes included. */
export type RequestView = z.infer<typeof S.requestViewSchema>;
/** `GET /api/drafts`: an intake in progress, read-only (see POST /api/drafts/:customerId/take-over). */
export type DraftView = z.infer<typeof S.draftViewSchema>;
/** `GET /api/requests`. Newest activity first; pass `nextCursor` as `cursor` for the next page. */
export type RequestPage = z.infer<typeof S.requestPageSchema>;
export type CannedResponseView = z.infer<typeof S.cannedResponseViewSchema>;
/** `GET /api/channels` (admins) and the `channel_status` event: a channel's connection, with its pairing QR code. */
export type ChannelStatusView = z.infer<typeof S.channelStatusViewSchema>;

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
  /** Admins only: a channel's connection changed (WhatsApp waiting for a scan, with the QR code; ready; disconnected). */
  channel_status: (payload: ChannelStatusView) => void;
  /** An intake began, moved or ended (GET /api/drafts changed): refetch. At most a few a second. */
  drafts_changed: () => void;
  /**
   * An agent's presence changed: their first console opened (their choice,
   * `online` or `away`), they changed their choice while connected, or their
   * last console closed (`offline`; an instance that died counts after up to a
   * minute). To every agent, the agent themselves included.
   */
  agent_presence: (payload: { agentId: string; presence: Presence }) => void;
  /** A mass incident was declared or changed: linked, updated, its fan-out moved on, its status changed. At most a few a second per incident. */
  incident_updated: (payload: { incident: IncidentView }) => void;
  /** Requests were linked to a mass incident (their rows follow as `request_updated`). */
  incident_linked: (payload: { incidentNumber: string; requestNumbers: string[] }) => void;
  /** A request left its incident: an agent unlinked it, or its customer said the solution did not help (`not_solved`). */
  incident_unlinked: (payload: { incidentNumber: string; requestNumber: string; reason: 'agent' | 'not_solved' }) => void;
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

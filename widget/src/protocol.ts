/**
 * Wire types of the web chat protocol, as written in docs/webchat-protocol.md.
 * That document is the contract; these types only mirror it for the widget.
 */

export type Locale = 'ru' | 'en';

/** Verified identity of a logged-in user of the site (see "Identity verification"). */
export interface Identity {
  externalId: string;
  name?: string;
  email?: string;
  hash: string;
}

/** `auth` of the socket.io handshake; every field is optional. */
export interface HandshakeAuth {
  token?: string;
  locale?: Locale;
  lastSeenId?: string;
  identity?: Identity;
  /** Ask a new visitor's name and contact before the request (`data-prechat="true"`). */
  prechat?: boolean;
}

export interface Attachment {
  id: string;
  mimeType: string;
  fileName: string | null;
  url: string;
}

export interface Choice {
  id: string;
  label: string;
}

/** A message of the conversation, sent by `message` and `history`. */
export interface ServerMessage {
  id: string;
  from: 'bot' | 'agent' | 'customer';
  text: string | null;
  choices?: Choice[];
  attachments?: Attachment[];
  at: string;
  clientId?: string;
  /** An agent's message: the agent's name, shown instead of the generic "Agent". */
  agentName?: string;
}

/**
 * Id of the greeting a `history` may open a new conversation with: shown, its
 * choices usable, but not stored, so never sent as `lastSeenId` or `beforeId`.
 */
export const UNSTORED_GREETING_ID = '0';

export interface SessionPayload {
  visitorId: string;
  token: string;
  locale: Locale;
}

export interface HistoryPayload {
  messages: ServerMessage[];
  hasMore: boolean;
}

export interface TypingPayload {
  from: 'agent';
  typing: boolean;
}

/** Client → server `message`: at least one of text, choiceId, attachmentId. */
export interface OutgoingMessage {
  clientId: string;
  text?: string;
  choiceId?: string;
  attachmentId?: string;
}

export interface ProtocolError {
  code: string;
  message: string;
  retryAfterMs?: number;
}

export type MessageAck = { ok: true; id: string; duplicate: boolean } | { ok: false; error: ProtocolError };

export type HistoryAck = { ok: true; messages: ServerMessage[]; hasMore: boolean } | { ok: false; error: ProtocolError };

/** `err.data` of a refused handshake (`connect_error`). */
export interface ConnectErrorData {
  code: string;
  message: string;
  retryAfterMs?: number;
}

/** 201 answer of `POST /webchat/uploads`. */
export interface UploadResult {
  id: string;
  mimeType: string;
  size: number;
  fileName: string | null;
  url: string;
}

/** Longest text of one message. */
export const MAX_TEXT = 4000;

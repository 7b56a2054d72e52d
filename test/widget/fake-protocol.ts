/** Wire shapes of docs/webchat-protocol.md as the fake server sees them. */

export interface HandshakeAuth {
  token?: string;
  locale?: 'ru' | 'en';
  lastSeenId?: string;
  identity?: { externalId: string; name?: string; email?: string; hash: string };
}

export interface ServerMessage {
  id: string;
  from: 'bot' | 'agent' | 'customer';
  text: string | null;
  choices?: { id: string; label: string }[];
  attachments?: { id: string; mimeType: string; fileName: string | null; url: string }[];
  at: string;
  clientId?: string;
}

export interface ClientMessage {
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

export type Ack = { ok: true; id: string; duplicate: boolean } | { ok: false; error: ProtocolError };

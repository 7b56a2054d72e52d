/**
 * The web chat wire protocol, as documented in docs/webchat-protocol.md:
 * event names, payloads and limits, with validation of what clients send.
 */
import { z } from 'zod';
import type { Choice, Locale } from '../../conversation/conversation.types.js';
import { readId } from '../../formats/message-id.js';

export const WEBCHAT_NAMESPACE = '/webchat';
export const WEBCHAT_CHANNEL = 'webchat';
export const MAX_TEXT = 4000;
export const HISTORY_PAGE = 50;
/** The id of the unstored greeting a new conversation's history opens with. */
export const UNSTORED_GREETING_ID = '0';
export const MAX_HISTORY_PAGE = 100;
/** Attachment links are valid this long; every history gives fresh ones. */
export const LINK_TTL_MS = 24 * 60 * 60 * 1000;

export interface ServerAttachment {
  id: string;
  mimeType: string;
  fileName: string | null;
  url: string;
}

export interface ServerMessage {
  id: string;
  from: 'bot' | 'agent' | 'customer';
  text: string | null;
  choices?: Choice[];
  attachments?: ServerAttachment[];
  at: string;
  clientId?: string;
  /** From 'agent': who wrote it (when the desk shows agents' names, see DeskSettings). */
  agentName?: string;
}

export interface ProtocolError {
  code: string;
  message: string;
  retryAfterMs?: number;
}

export type Ack<T> = ({ ok: true } & T) | { ok: false; error: ProtocolError };

export interface ServerToClientEvents {
  session: (payload: { visitorId: string; token: string; locale: Locale }) => void;
  history: (payload: { messages: ServerMessage[]; hasMore: boolean }) => void;
  message: (message: ServerMessage) => void;
  typing: (payload: { from: 'agent'; typing: boolean }) => void;
}

export interface ClientToServerEvents {
  message: (payload: unknown, ack?: (result: Ack<{ id: string; duplicate: boolean }>) => void) => void;
  typing: (payload: unknown) => void;
  history: (payload: unknown, ack?: (result: Ack<{ messages: ServerMessage[]; hasMore: boolean }>) => void) => void;
}

export const clientMessageSchema = z
  .object({
    clientId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'clientId must be 1-64 characters of A-Z, a-z, 0-9, _ or -'),
    text: z.string().max(MAX_TEXT, `text must be at most ${MAX_TEXT} characters`).optional(),
    choiceId: z.string().min(1).max(100).optional(),
    attachmentId: z.string().min(1).max(100).optional(),
  })
  .strict()
  .refine((m) => Boolean(m.text?.trim()) || m.choiceId !== undefined || m.attachmentId !== undefined, {
    message: 'a message needs text, a choiceId or an attachmentId',
  });

export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** A message id as the server gave it: a decimal that can name a row (below 2^63). */
export const messageIdSchema = z.string().refine((s) => readId(s) !== null, 'must be the id of a message');

export const historyRequestSchema = z
  .object({
    beforeId: messageIdSchema.optional(),
    limit: z.number().int().min(1).max(MAX_HISTORY_PAGE).optional(),
  })
  .strict();

export const typingSchema = z.object({ typing: z.boolean() }).strict();

export const identitySchema = z
  .object({
    externalId: z.string().min(1).max(200),
    name: z.string().max(200).optional(),
    email: z.string().max(320).optional(),
    hash: z.string().min(1).max(200),
  })
  .strict();

export type VisitorIdentity = z.infer<typeof identitySchema>;

/** The first problem zod found, as one sentence for the client. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid payload';
  const where = issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
  return `${where}${issue.message}`;
}

/**
 * The widget keeps its own copy of the web chat protocol's types
 * (widget/src/protocol.ts: the widget is built apart and imports nothing from
 * src/). This file makes `npm run typecheck` fail when the two copies drift:
 * each pair must be the same type, both ways. Not a test file: it only compiles.
 */
import type * as Server from '../../src/channels/webchat/webchat.protocol.js';
import type { ClientMessage } from '../../src/channels/webchat/webchat.protocol.js';
import type { Locale as ServerLocale } from '../../src/conversation/conversation.types.js';
import type * as Widget from '../../widget/src/protocol.js';
import { MAX_TEXT as SERVER_MAX_TEXT, UNSTORED_GREETING_ID as SERVER_GREETING_ID } from '../../src/channels/webchat/webchat.protocol.js';
import { MAX_TEXT as WIDGET_MAX_TEXT, UNSTORED_GREETING_ID as WIDGET_GREETING_ID } from '../../widget/src/protocol.js';

/** An object type written out: `{ ok: true } & { id: string }` as `{ ok: true; id: string }` (each member of a union alike). */
type Flat<T> = T extends object ? { [K in keyof T]: T[K] } : T;
/** true only when A and B are the same type (not merely assignable one way), once written out. */
type Same<A, B> = (<T>() => T extends Flat<A> ? 1 : 2) extends <T>() => T extends Flat<B> ? 1 : 2 ? true : false;
type Payload<E extends keyof Server.ServerToClientEvents> = Parameters<Server.ServerToClientEvents[E]>[0];
type AckOf<E extends 'message' | 'history'> = Parameters<NonNullable<Parameters<Server.ClientToServerEvents[E]>[1]>>[0];

export const protocolTypesAgree: [
  Same<Server.ServerMessage, Widget.ServerMessage>,
  Same<Server.ServerAttachment, Widget.Attachment>,
  Same<Server.ProtocolError, Widget.ProtocolError>,
  Same<Payload<'session'>, Widget.SessionPayload>,
  Same<Payload<'history'>, Widget.HistoryPayload>,
  Same<Payload<'typing'>, Widget.TypingPayload>,
  Same<AckOf<'message'>, Widget.MessageAck>,
  Same<AckOf<'history'>, Widget.HistoryAck>,
  Same<ServerLocale, Widget.Locale>,
  // What the widget sends is what the server accepts.
  Same<Required<Pick<ClientMessage, 'clientId'>> & Omit<ClientMessage, 'clientId'>, Widget.OutgoingMessage>,
] = [true, true, true, true, true, true, true, true, true, true];

export const protocolConstantsAgree: [typeof SERVER_MAX_TEXT extends typeof WIDGET_MAX_TEXT ? true : false, typeof SERVER_GREETING_ID extends typeof WIDGET_GREETING_ID ? true : false] = [
  SERVER_MAX_TEXT === WIDGET_MAX_TEXT,
  SERVER_GREETING_ID === WIDGET_GREETING_ID,
] as [true, true];

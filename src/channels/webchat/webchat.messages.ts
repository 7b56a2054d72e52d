import type { Namespace, Socket } from 'socket.io';
import type { ReceiveFn } from '../channel.port.js';
import { GatewayError } from '../../gateway/gateway.errors.js';
import { toStorableText } from '../../formats/storable-text.js';
import type { WebchatDeps, WebchatLimits } from './webchat.types.js';
import type { VisitorSession } from './webchat.handshake.js';
import { mapClientMessage, type LinkFor } from './webchat.mapper.js';
import { clientMessageSchema, describeIssue, type Ack, type ClientMessage, type ProtocolError, type ServerMessage } from './webchat.protocol.js';

type MessageAck = Ack<{ id: string; duplicate: boolean }>;

interface MessageContext {
  socket: Socket<never, { message: (m: ServerMessage) => void }, never, VisitorSession> | Socket;
  payload: unknown;
  ack: unknown;
  receive: ReceiveFn | null;
  limits: Pick<WebchatLimits, 'messages' | 'addressMessages'>;
  deps: WebchatDeps;
  linkFor: (visitorId: string) => LinkFor;
  nsp: Namespace;
}

/**
 * A visitor's `message` event: validated, rate-limited (per visitor and per
 * client address), handed to the gateway (which stores it once per clientId),
 * acknowledged with the stored id and echoed to the visitor's other tabs as
 * soon as it is stored, before the bot's answer.
 * Every failure is acknowledged with a code that says whether resending can
 * help; the connection stays open. Rejects only if the ack itself throws.
 */
export async function handleClientMessage(ctx: MessageContext): Promise<void> {
  const reply = typeof ctx.ack === 'function' ? (ctx.ack as (r: MessageAck) => void) : () => undefined;
  const fail = (error: ProtocolError) => reply({ ok: false, error });
  const session = ctx.socket.data as VisitorSession;
  const parsed = clientMessageSchema.safeParse(ctx.payload);
  if (!parsed.success) return fail({ code: 'invalid_message', message: describeIssue(parsed.error) });
  if (!ctx.receive) return fail({ code: 'unavailable', message: 'the gateway is not taking messages right now' });
  const receivedAt = ctx.deps.clock();
  let acked = false;
  try {
    const wait = await takeBoth(ctx, session);
    if (wait !== null) return fail({ code: 'rate_limited', message: 'too many messages, slow down', retryAfterMs: wait });
    const answersOpening = session.awaitingOpening;
    const message = mapClientMessage(session.visitorId, parsed.data, {
      ...(session.requestedLocale ? { locale: session.requestedLocale } : {}),
      ...(session.displayName ? { displayName: session.displayName } : {}),
      askContact: await asksContact(session, ctx.deps),
      answersOpening,
      receivedAt,
    });
    // Acknowledged and echoed once stored, before the step: the visitor sees their message, then the bot's answer.
    await ctx.receive(message, async ({ messageId, customerId, duplicate }) => {
      session.awaitingOpening = false;
      session.customerId = customerId;
      acked = true;
      reply({ ok: true, id: messageId, duplicate });
      if (!duplicate) await echo(ctx, session, parsed.data, messageId, receivedAt);
    });
  } catch (error) {
    // Stored and acknowledged already: the gateway applies it later (and has logged why not now).
    if (!acked) fail(toProtocolError(error, ctx, session));
  }
}

/**
 * Whether the pre-chat step is on for this visitor: asked by the page or set in
 * the console, and the site did not identify them. The desk setting is read from
 * a cache; when it cannot be read, the step is skipped rather than the message lost.
 */
export async function asksContact(session: VisitorSession, deps: Pick<WebchatDeps, 'desk'>): Promise<boolean> {
  if (session.identified) return false;
  if (session.prechat) return true;
  return deps.desk.asksContact().catch(() => false);
}

/** Both limits must allow the message; the longer wait is the answer. */
async function takeBoth(ctx: MessageContext, session: VisitorSession): Promise<number | null> {
  const [visitor, address] = await Promise.all([ctx.limits.messages.take(session.visitorId), ctx.limits.addressMessages.take(session.address)]);
  return visitor === null && address === null ? null : Math.max(visitor ?? 0, address ?? 0);
}

/** Shows the visitor's message in their other tabs; best effort (the history has it anyway). */
async function echo(ctx: MessageContext, session: VisitorSession, data: ClientMessage, id: string, at: Date): Promise<void> {
  // The text as stored (the gateway removed control characters), as a reload would show it.
  const text = data.text === undefined ? null : toStorableText(data.text);
  const message: ServerMessage = { id, from: 'customer', text, at: at.toISOString(), clientId: data.clientId };
  if (data.attachmentId) {
    const file = await ctx.deps.desk.openFile(data.attachmentId).catch(() => null);
    if (file) {
      const url = ctx.linkFor(session.visitorId)(file.id);
      message.attachments = [{ id: file.id, mimeType: file.mimeType, fileName: file.fileName, url }];
    }
  }
  ctx.nsp.to(`visitor:${session.visitorId}`).emit('message', message);
}

/** The gateway has logged what it judged; anything else is logged here, once. */
function toProtocolError(error: unknown, ctx: MessageContext, session: VisitorSession): ProtocolError {
  if (error instanceof GatewayError) {
    if (error.code === 'invalid_attachment' || error.code === 'invalid_message') return { code: error.code, message: error.message };
    if (error.code === 'shutting_down') return { code: 'unavailable', message: 'the gateway is restarting; send again shortly' };
    if (error.retryable) return { code: 'unavailable', message: 'the message could not be stored right now; send it again shortly' };
    return { code: 'invalid_message', message: error.message };
  }
  ctx.deps.logger.error({ err: error, visitor: session.visitorId }, 'web chat message failed');
  return { code: 'unavailable', message: 'the message could not be stored; send it again shortly' };
}

import type { Namespace, Socket } from 'socket.io';
import type { ReceiveFn } from '../channel.port.js';
import { GatewayError } from '../../gateway/gateway.errors.js';
import type { WebchatDeps } from './webchat.adapter.js';
import type { VisitorSession } from './webchat.handshake.js';
import type { Limiter } from './webchat.limits.js';
import { mapClientMessage, type LinkFor } from './webchat.mapper.js';
import { clientMessageSchema, describeIssue, type Ack, type ProtocolError, type ServerMessage } from './webchat.protocol.js';

type MessageAck = Ack<{ id: string; duplicate: boolean }>;

interface MessageContext {
  socket: Socket<never, { message: (m: ServerMessage) => void }, never, VisitorSession> | Socket;
  payload: unknown;
  ack: unknown;
  receive: ReceiveFn | null;
  limiter: Limiter;
  deps: WebchatDeps;
  linkFor: (visitorId: string) => LinkFor;
  nsp: Namespace;
}

/**
 * A visitor's `message` event: validated, rate-limited, handed to the gateway
 * (which stores it once per clientId), acknowledged with the stored id, and
 * echoed to the visitor's other tabs. Every failure is acknowledged with a
 * code; the connection stays open.
 */
export async function handleClientMessage(ctx: MessageContext): Promise<void> {
  const reply = typeof ctx.ack === 'function' ? (ctx.ack as (r: MessageAck) => void) : () => undefined;
  const fail = (error: ProtocolError) => reply({ ok: false, error });
  const session = ctx.socket.data as VisitorSession;
  const parsed = clientMessageSchema.safeParse(ctx.payload);
  if (!parsed.success) return fail({ code: 'invalid_message', message: describeIssue(parsed.error) });
  if (!ctx.receive) return fail({ code: 'unavailable', message: 'the gateway is not taking messages right now' });
  const wait = await ctx.limiter.take(session.visitorId);
  if (wait !== null) return fail({ code: 'rate_limited', message: 'too many messages, slow down', retryAfterMs: wait });
  const receivedAt = ctx.deps.clock();
  try {
    const result = await ctx.receive(
      mapClientMessage(session.visitorId, parsed.data, {
        ...(session.locale ? { locale: session.locale } : {}),
        ...(session.displayName ? { displayName: session.displayName } : {}),
        receivedAt,
      }),
    );
    reply({ ok: true, id: result.messageId, duplicate: result.status === 'duplicate' });
    if (result.status !== 'duplicate') await echo(ctx, session, result.messageId, receivedAt);
  } catch (error) {
    fail(toProtocolError(error, ctx, session));
  }
}

async function echo(ctx: MessageContext, session: VisitorSession, id: string, at: Date): Promise<void> {
  const data = clientMessageSchema.parse(ctx.payload);
  const message: ServerMessage = { id, from: 'customer', text: data.text ?? null, at: at.toISOString(), clientId: data.clientId };
  if (data.attachmentId) {
    const attachment = await ctx.deps.store.getAttachment(data.attachmentId);
    if (attachment) {
      const url = ctx.linkFor(session.visitorId)(attachment.id);
      message.attachments = [{ id: attachment.id, mimeType: attachment.mimeType, fileName: attachment.fileName, url }];
    }
  }
  ctx.nsp.to(`visitor:${session.visitorId}`).emit('message', message);
}

function toProtocolError(error: unknown, ctx: MessageContext, session: VisitorSession): ProtocolError {
  if (error instanceof GatewayError) {
    if (error.code === 'invalid_attachment' || error.code === 'invalid_message') return { code: error.code, message: error.message };
    if (error.code === 'shutting_down') return { code: 'unavailable', message: 'the gateway is restarting; send again shortly' };
  }
  ctx.deps.logger.error({ err: error, visitor: session.visitorId }, 'web chat message failed');
  return { code: 'unavailable', message: 'the message could not be stored; send it again shortly' };
}

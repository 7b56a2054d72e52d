import type { FastifyInstance } from 'fastify';
import type { Namespace, Socket } from 'socket.io';
import type { ChannelModule, ReceiveFn } from '../channel.port.js';
import { openingPrompt } from '../../conversation/index.js';
import { compileTrust } from '../../http/client-address.js';
import { authenticate, HandshakeError, type VisitorSession } from './webchat.handshake.js';
import { createLimiter, type Limiter } from './webchat.limits.js';
import { mapOutbound, mapHistoryMessage, type LinkFor } from './webchat.mapper.js';
import { asksContact, handleClientMessage } from './webchat.messages.js';
import {
  HISTORY_PAGE,
  LINK_TTL_MS,
  UNSTORED_GREETING_ID,
  WEBCHAT_CHANNEL,
  WEBCHAT_NAMESPACE,
  describeIssue,
  historyRequestSchema,
  typingSchema,
  type Ack,
  type ClientToServerEvents,
  type ServerMessage,
  type ServerToClientEvents,
} from './webchat.protocol.js';
import { webchatRoutes } from './webchat.routes.js';
import type { WebchatDeps, WebchatLimits, WebchatOptions } from './webchat.types.js';

export type { WebchatDeps, WebchatLimits, WebchatOptions };
import { signAttachmentLink } from './visitor-token.js';

type WebchatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, VisitorSession>;
type WebchatNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, VisitorSession>;

export interface WebchatChannel extends ChannelModule {
  /** Shows or hides the agent typing indicator for a visitor. */
  setAgentTyping(visitorId: string, typing: boolean): void;
  /** Disconnects every socket of a visitor, on every instance (their tokens were revoked). */
  signOut(visitorId: string): void;
}

export const roomOf = (visitorId: string) => `visitor:${visitorId}`;

/** "Still typing" is relayed at most this often; changes at most TYPING_RELAYS_PER_SECOND a second. */
const TYPING_REPEAT_MS = 1000;
const TYPING_RELAYS_PER_SECOND = 4;

function createLimits(options: WebchatOptions, deps: WebchatDeps): WebchatLimits {
  return {
    messages: createLimiter('webchat-msg', options.messageRate, deps.redis),
    addressMessages: createLimiter('webchat-msg-addr', options.addressMessageRate, deps.redis),
    uploads: createLimiter('webchat-upload', options.uploadRate, deps.redis),
    addressUploads: createLimiter('webchat-upload-addr', options.addressUploadRate, deps.redis),
    newVisitors: createLimiter('webchat-conn', options.connectionRate, deps.redis),
    returningVisitors: createLimiter('webchat-reconn', options.reconnectRate, deps.redis),
  };
}

/**
 * The web chat channel: socket.io namespace `/webchat` on the gateway's own
 * HTTP server, plus upload and download routes. Protocol: docs/webchat-protocol.md.
 * Every socket handler answers (an ack with an error code) or logs; none can
 * reject unobserved.
 */
export function createWebchatChannel(options: WebchatOptions, deps: WebchatDeps): WebchatChannel {
  let nsp: WebchatNamespace | null = null;
  let receive: ReceiveFn | null = null;
  const limits = createLimits(options, deps);
  const trust = compileTrust(options.trustProxy);
  const linkFor = (visitorId: string): LinkFor => {
    const expiresAt = deps.clock().getTime() + LINK_TTL_MS;
    return (attachmentId) => `/webchat/attachments/${attachmentId}?${signAttachmentLink(options.secret, attachmentId, visitorId, expiresAt)}`;
  };
  const originAllowed = (origin: string | undefined) =>
    options.allowedOrigins === '*' || origin === undefined || options.allowedOrigins.includes(origin);

  /** Handlers first, before anything is awaited: an event the client sends at once is never missed. */
  function onConnection(socket: WebchatSocket): void {
    const session = socket.data;
    socket.on('message', (payload, ack) => {
      handleClientMessage({ socket, payload, ack, receive, limits, deps, linkFor, nsp: nsp! }).catch((error: unknown) =>
        deps.logger.error({ err: error, visitor: session.visitorId }, 'web chat message handler failed'),
      );
    });
    socket.on('typing', relayTyping(session));
    socket.on('history', (payload, ack) => {
      sendHistoryPage(socket, payload, ack).catch((error: unknown) => {
        deps.logger.warn({ err: error, visitor: session.visitorId }, 'web chat history not loaded');
        if (typeof ack === 'function') ack({ ok: false, error: { code: 'unavailable', message: 'the history cannot be loaded right now; try again shortly' } });
      });
    });
    greet(socket).catch((error: unknown) => {
      deps.logger.warn({ err: error, visitor: session.visitorId }, 'web chat connection setup failed');
      socket.disconnect(true);
    });
  }

  async function greet(socket: WebchatSocket): Promise<void> {
    const session = socket.data;
    await socket.join(roomOf(session.visitorId));
    socket.emit('session', { visitorId: session.visitorId, token: session.token, locale: session.locale });
    const page = session.customerId
      ? await deps.desk.history(session.customerId, {
          limit: session.lastSeenId ? 100 : HISTORY_PAGE,
          ...(session.lastSeenId ? { afterId: session.lastSeenId } : {}),
        })
      : { messages: [], hasMore: false };
    if (page.messages.length === 0 && !session.lastSeenId) {
      socket.emit('history', { messages: [await opening(session)], hasMore: false });
      session.awaitingOpening = true;
      return;
    }
    const links = linkFor(session.visitorId);
    socket.emit('history', { messages: page.messages.map((m) => mapHistoryMessage(m, links)), hasMore: page.hasMore });
  }

  /**
   * The greeting a conversation with nothing stored opens with, at once: the
   * request types, or the name when the pre-chat step is on. Not stored (id '0',
   * see docs/webchat-protocol.md): an anonymous page view writes nothing.
   */
  async function opening(session: VisitorSession): Promise<ServerMessage> {
    const [askContact, knownIncidents] = await Promise.all([asksContact(session, deps), deps.desk.knownIncidents().catch(() => [])]);
    const prompt = openingPrompt(session.locale, { askContact, knownIncidents });
    return { id: UNSTORED_GREETING_ID, from: 'bot', text: prompt.text, ...(prompt.choices ? { choices: prompt.choices } : {}), at: deps.clock().toISOString() };
  }

  /**
   * Relays a visitor's typing to agents (each relay costs a look-up): only a
   * change, or "still typing" once a second, and never more than a few a second
   * whatever the client sends. A dropped "stopped" fades in the console by itself.
   */
  function relayTyping(session: VisitorSession): (payload: unknown) => void {
    let last: { typing: boolean; at: number } | null = null;
    let window = { second: 0, count: 0 };
    return (payload) => {
      const parsed = typingSchema.safeParse(payload);
      if (!parsed.success || !session.customerId || !deps.onVisitorTyping) return;
      const now = Date.now();
      const { typing } = parsed.data;
      if (last && last.typing === typing && (!typing || now - last.at < TYPING_REPEAT_MS)) return;
      const second = Math.floor(now / 1000);
      if (window.second !== second) window = { second, count: 0 };
      if (++window.count > TYPING_RELAYS_PER_SECOND) return;
      last = { typing, at: now };
      deps.onVisitorTyping(session.customerId, typing);
    };
  }

  async function sendHistoryPage(socket: WebchatSocket, payload: unknown, ack: unknown): Promise<void> {
    if (typeof ack !== 'function') return;
    const reply = ack as (r: Ack<{ messages: ServerMessage[]; hasMore: boolean }>) => void;
    const parsed = historyRequestSchema.safeParse(payload ?? {});
    if (!parsed.success) return reply({ ok: false, error: { code: 'invalid_message', message: describeIssue(parsed.error) } });
    const { customerId, visitorId } = socket.data;
    if (!customerId) return reply({ ok: true, messages: [], hasMore: false });
    const { beforeId, limit } = parsed.data;
    const page = await deps.desk.history(customerId, { limit: limit ?? HISTORY_PAGE, ...(beforeId ? { beforeId } : {}) });
    const links = linkFor(visitorId);
    reply({ ok: true, messages: page.messages.map((m) => mapHistoryMessage(m, links)), hasMore: page.hasMore });
  }

  async function routes(app: FastifyInstance): Promise<void> {
    const namespace = deps.io.of(WEBCHAT_NAMESPACE) as unknown as WebchatNamespace;
    nsp = namespace;
    const handshake = { options, desk: deps.desk, limits, originAllowed, trust, clock: deps.clock };
    namespace.use((socket, next) => {
      authenticate(socket as unknown as WebchatSocket, handshake)
        .then(() => next())
        .catch((error: unknown) => {
          if (error instanceof HandshakeError) return next(error);
          // The database or Redis is down: the client retries; the details stay in the log.
          deps.logger.warn({ err: error }, 'web chat handshake failed');
          next(new HandshakeError('unavailable', 'the chat is unavailable right now; try again shortly'));
        });
    });
    namespace.on('connection', (socket) => onConnection(socket));
    await app.register(webchatRoutes, { options, deps, limits, originAllowed, linkFor });
  }

  function setAgentTyping(visitorId: string, typing: boolean): void {
    nsp?.to(roomOf(visitorId)).emit('typing', { from: 'agent', typing });
  }

  return {
    port: {
      name: WEBCHAT_CHANNEL,
      menu: 'buttons',
      // An emit to the visitor's room; a visitor not connected reads it from the history on return.
      sendsAtOnce: true,
      async send(externalId, message) {
        if (!nsp) throw new Error('web chat is not running');
        nsp.to(roomOf(externalId)).emit('message', mapOutbound(message, linkFor(externalId), deps.clock()));
        return {};
      },
      setTyping: (visitorId, typing) => setAgentTyping(visitorId, typing),
    },
    routes,
    async start(fn) {
      receive = fn;
    },
    async stop() {
      receive = null;
      // Only this instance's visitors: `disconnectSockets` would reach every instance through Redis.
      nsp?.local.disconnectSockets(true);
    },
    setAgentTyping,
    signOut(visitorId) {
      nsp?.in(roomOf(visitorId)).disconnectSockets(true);
    },
  };
}

export type { Limiter };

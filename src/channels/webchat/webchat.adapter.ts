import type { FastifyInstance } from 'fastify';
import type { Namespace, Socket } from 'socket.io';
import type { ChannelContext, ChannelModule, ReceiveFn } from '../channel.port.js';
import type { Locale } from '../../conversation/conversation.types.js';
import type { Customer } from '../../requests/request.types.js';
import { authenticate, type VisitorSession } from './webchat.handshake.js';
import type { Rate } from '../../config.js';
import { createLimiter, type Limiter } from './webchat.limits.js';
import { mapOutbound, mapStoredMessage, type LinkFor } from './webchat.mapper.js';
import { handleClientMessage } from './webchat.messages.js';
import {
  HISTORY_PAGE,
  LINK_TTL_MS,
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
import { signAttachmentLink } from './visitor-token.js';

export interface WebchatOptions {
  /** Signs visitor tokens and attachment links. Must be the same on every instance. */
  secret: string;
  /** Verifies identities passed by sites with logged-in users; null refuses them. */
  identitySecret: string | null;
  /** Origins allowed to embed the chat; `'*'` allows any. */
  allowedOrigins: string[] | '*';
  messageRate: Rate;
  uploadRate: Rate;
  uploadMaxBytes: number;
  defaultLocale: Locale;
}

/** The application's parts the channel uses (see ChannelContext); it adds `/webchat` to `io`. */
export interface WebchatDeps extends Pick<ChannelContext, 'store' | 'attachments' | 'logger' | 'clock' | 'redis' | 'io'> {
  /** Called when a visitor starts or stops typing (the agent console listens). */
  onVisitorTyping?: (customer: Customer, typing: boolean) => void;
}

type WebchatSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, VisitorSession>;

export interface WebchatChannel extends ChannelModule {
  /** Shows or hides the agent typing indicator for a visitor. */
  setAgentTyping(visitorId: string, typing: boolean): void;
}

export const roomOf = (visitorId: string) => `visitor:${visitorId}`;

/**
 * The web chat channel: socket.io namespace `/webchat` on the gateway's own
 * HTTP server, plus upload and download routes. Protocol: docs/webchat-protocol.md.
 */
export function createWebchatChannel(options: WebchatOptions, deps: WebchatDeps): WebchatChannel {
  let nsp: Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, VisitorSession> | null = null;
  let receive: ReceiveFn | null = null;
  const limits = {
    messages: createLimiter('webchat-msg', options.messageRate, deps.redis),
    uploads: createLimiter('webchat-upload', options.uploadRate, deps.redis),
    connections: createLimiter('webchat-conn', { points: 60, durationMs: 60_000 }, deps.redis),
  };
  const linkFor = (visitorId: string): LinkFor => {
    const expiresAt = deps.clock().getTime() + LINK_TTL_MS;
    return (attachmentId) => `/webchat/attachments/${attachmentId}?${signAttachmentLink(options.secret, attachmentId, visitorId, expiresAt)}`;
  };
  const originAllowed = (origin: string | undefined) =>
    options.allowedOrigins === '*' || origin === undefined || options.allowedOrigins.includes(origin);

  async function onConnection(socket: WebchatSocket): Promise<void> {
    const session = socket.data;
    await socket.join(roomOf(session.visitorId));
    socket.emit('session', { visitorId: session.visitorId, token: session.token, locale: session.customer.locale });
    const page = await deps.store.listCustomerMessages(session.customer.id, {
      limit: session.lastSeenId ? 100 : HISTORY_PAGE,
      ...(session.lastSeenId ? { afterId: session.lastSeenId } : {}),
    });
    const links = linkFor(session.visitorId);
    socket.emit('history', { messages: page.messages.map((m) => mapStoredMessage(m, m.attachments, links)), hasMore: page.hasMore });

    socket.on('message', (payload, ack) => {
      void handleClientMessage({ socket, payload, ack, receive, limiter: limits.messages, deps, linkFor, nsp: nsp! });
    });
    socket.on('typing', (payload) => {
      const parsed = typingSchema.safeParse(payload);
      if (parsed.success) deps.onVisitorTyping?.(session.customer, parsed.data.typing);
    });
    socket.on('history', (payload, ack) => void sendHistoryPage(socket, payload, ack));
  }

  async function sendHistoryPage(socket: WebchatSocket, payload: unknown, ack: unknown): Promise<void> {
    if (typeof ack !== 'function') return;
    const reply = ack as (r: Ack<{ messages: ServerMessage[]; hasMore: boolean }>) => void;
    const parsed = historyRequestSchema.safeParse(payload ?? {});
    if (!parsed.success) return reply({ ok: false, error: { code: 'invalid_message', message: describeIssue(parsed.error) } });
    const { beforeId, limit } = parsed.data;
    const page = await deps.store.listCustomerMessages(socket.data.customer.id, { limit: limit ?? HISTORY_PAGE, ...(beforeId ? { beforeId } : {}) });
    const links = linkFor(socket.data.visitorId);
    reply({ ok: true, messages: page.messages.map((m) => mapStoredMessage(m, m.attachments, links)), hasMore: page.hasMore });
  }

  async function routes(app: FastifyInstance): Promise<void> {
    const namespace = deps.io.of(WEBCHAT_NAMESPACE) as unknown as Namespace<ClientToServerEvents, ServerToClientEvents, Record<string, never>, VisitorSession>;
    nsp = namespace;
    namespace.use((socket, next) => {
      authenticate(socket as unknown as WebchatSocket, { options, store: deps.store, limiter: limits.connections, originAllowed, logger: deps.logger })
        .then(() => next())
        .catch((error: Error) => next(error));
    });
    namespace.on('connection', (socket) => {
      onConnection(socket).catch((error: unknown) => {
        deps.logger.error({ err: error, visitor: socket.data.visitorId }, 'web chat connection setup failed');
        socket.disconnect(true);
      });
    });
    await app.register(webchatRoutes, { options, deps, limiter: limits.uploads, originAllowed, linkFor });
  }

  function setAgentTyping(visitorId: string, typing: boolean): void {
    nsp?.to(roomOf(visitorId)).emit('typing', { from: 'agent', typing });
  }

  return {
    port: {
      name: WEBCHAT_CHANNEL,
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
  };
}

export type { Limiter };

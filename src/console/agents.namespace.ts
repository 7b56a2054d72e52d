/**
 * The `/agents` socket.io namespace: agents only (a session cookie from the
 * gateway's own origin, or `auth: { token }`), every socket in one room for
 * broadcasts, plus rooms per agent and per session to disconnect them when an
 * agent signs out or is deactivated. Each socket is an open console for the
 * agent's presence (presence.ts): `ready` comes once it counts.
 */
import type { Logger } from 'pino';
import type { Namespace, Server, Socket } from 'socket.io';
import { z } from 'zod';
import { requestedHost, type TrustFn } from '../http/client-address.js';
import type { AgentClientEvents, AgentServerEvents, AgentView } from './console.api.js';
import { toAgentView } from './console.views.js';
import { readCookie, SESSION_COOKIE, type Authenticated, type SessionService } from './sessions.js';

export const AGENTS_NAMESPACE = '/agents';
export const AGENTS_ROOM = 'agents';
export const ADMINS_ROOM = 'admins';
export const agentRoom = (agentId: string) => `agent:${agentId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

export type AgentsNamespace = Namespace<AgentClientEvents, AgentServerEvents, Record<string, never>, Authenticated>;
export type AgentSocket = Socket<AgentClientEvents, AgentServerEvents, Record<string, never>, Authenticated>;

const typingSchema = z.object({ requestNumber: z.string().min(1).max(40), typing: z.boolean() });
/** How often open sockets are checked against their sessions (see recheckSockets). */
export const RECHECK_MS = 60_000;
/** Typing events one socket may send per second; more are dropped. */
const TYPING_PER_SECOND = 5;

export interface AgentsNamespaceDeps {
  sessions: SessionService;
  /** TRUST_PROXY as a function (compileTrust): X-Forwarded-Host counts only from a trusted proxy. */
  trust: TrustFn;
  clock: () => Date;
  logger: Logger;
  onTyping: (socket: AgentSocket, requestNumber: string, typing: boolean) => Promise<void>;
  /** A socket connected: the agent for its `ready`, and what to announce after it (AgentPresence.opened). */
  onOpen: (socket: AgentSocket) => Promise<{ agent: AgentView; announce: () => void }>;
  /** A socket disconnected (AgentPresence.closed); runs after its onOpen finished. */
  onClose: (socket: AgentSocket) => Promise<void>;
}

export function createAgentsNamespace(io: Server, deps: AgentsNamespaceDeps): AgentsNamespace {
  const nsp = io.of(AGENTS_NAMESPACE) as unknown as AgentsNamespace;
  nsp.use((socket, next) => {
    authenticateSocket(socket, deps.sessions, deps.trust)
      .then((auth) => {
        if (!auth) return next(new Error('unauthorized'));
        socket.data = auth;
        next();
      })
      .catch((error: unknown) => {
        deps.logger.error({ err: error }, 'agent socket authentication failed');
        next(new Error('unavailable'));
      });
  });
  nsp.on('connection', (socket) => {
    const { agent, session } = socket.data;
    void socket.join([AGENTS_ROOM, agentRoom(agent.id), sessionRoom(session.id), ...(agent.role === 'admin' ? [ADMINS_ROOM] : [])]);
    const opened = deps.onOpen(socket).then(
      ({ agent: view, announce }) => {
        socket.emit('ready', { agent: view });
        announce();
      },
      (error: unknown) => {
        deps.logger.warn({ err: error, agent: agent.id }, 'agent socket presence not recorded');
        socket.emit('ready', { agent: toAgentView(agent, true) });
      },
    );
    // A socket lives no longer than its session (setTimeout takes at most about 24.8 days).
    const expiry = setTimeout(() => socket.disconnect(true), Math.max(0, Math.min(session.expiresAt.getTime() - deps.clock().getTime(), 2 ** 31 - 1)));
    expiry.unref();
    socket.on('disconnect', () => {
      clearTimeout(expiry);
      void opened
        .then(() => deps.onClose(socket))
        .catch((error: unknown) => deps.logger.warn({ err: error, agent: agent.id }, 'agent socket end not recorded for presence; it lapses'));
    });
    let window = 0;
    let count = 0;
    socket.on('typing', (payload) => {
      const now = Math.floor(Date.now() / 1000);
      if (now !== window) [window, count] = [now, 0];
      if (++count > TYPING_PER_SECOND) return;
      const parsed = typingSchema.safeParse(payload);
      if (!parsed.success) return;
      deps.onTyping(socket, parsed.data.requestNumber, parsed.data.typing).catch((error: unknown) =>
        deps.logger.warn({ err: error, agent: agent.id }, 'agent typing not relayed'),
      );
    });
  });
  return nsp;
}

/**
 * Disconnects this instance's sockets whose session has ended or whose agent's
 * role changed (rooms follow the role). Sessions end outside this process too:
 * the agent CLI, another instance.
 */
export async function recheckSockets(nsp: AgentsNamespace, deps: Pick<AgentsNamespaceDeps, 'sessions' | 'logger'>): Promise<number> {
  let ended = 0;
  for (const socket of nsp.sockets.values()) {
    const { session, agent } = socket.data;
    const now = await deps.sessions.recheck(session).catch((error: unknown) => {
      deps.logger.warn({ err: error }, 'could not recheck an agent session');
      return agent; // the database is down: keep the socket rather than drop everyone
    });
    if (now && now.role === agent.role) continue;
    socket.disconnect(true);
    ended++;
  }
  return ended;
}

/**
 * A bearer token in `auth.token`, or the session cookie, which is only taken
 * from the gateway's own pages: the handshake's Origin must name the host the
 * client asked for. Behind a proxy that rewrites Host, that is X-Forwarded-Host,
 * believed only from a proxy TRUST_PROXY trusts, as fastify does for HTTP
 * requests: from anyone else it is just another header the client chose.
 */
async function authenticateSocket(socket: AgentSocket, sessions: SessionService, trust: TrustFn): Promise<Authenticated | null> {
  const { auth, headers } = socket.handshake;
  const token = typeof auth?.token === 'string' ? auth.token : null;
  if (token) return sessions.resolve(token, 'bearer');
  const cookie = readCookie(headers.cookie, SESSION_COOKIE);
  if (!cookie || !sameOrigin(headers.origin, requestedHost(socket.request, trust))) return null;
  return sessions.resolve(cookie, 'cookie');
}

function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true; // not a browser page: no cross-site request to fear
  if (!host || !URL.canParse(origin)) return false;
  return new URL(origin).host === host;
}

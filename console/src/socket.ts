import { io, type Socket } from 'socket.io-client';
import { useEffect, useRef } from 'preact/hooks';
import type { AgentClientEvents, AgentServerEvents as ServerEvents } from './types.js';

export type AgentSocket = Socket<ServerEvents, AgentClientEvents>;
export type LinkState = 'connecting' | 'online' | 'offline';

export interface SocketHandlers {
  link(state: LinkState): void;
  /** The handshake was refused for the session: back to the login screen. */
  unauthorized(): void;
  /** Connected again after a break: what happened meanwhile was missed, reload. */
  reconnected(): void;
}

/** Wait before connecting again after a refusal socket.io does not retry by itself. */
const RETRY_MS = 3000;

/**
 * The `/agents` namespace on this origin, authenticated by the session cookie.
 * socket.io reconnects by itself after network errors; a handshake refused by
 * the server for another reason than the session is retried here.
 */
export interface AgentConnection {
  socket: AgentSocket;
  close(): void;
}

export function connectAgents(h: SocketHandlers): AgentConnection {
  const socket: AgentSocket = io('/agents', { withCredentials: true, transports: ['websocket', 'polling'], tryAllTransports: true });
  let connectedOnce = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  h.link('connecting');
  socket.on('connect', () => {
    h.link('online');
    if (connectedOnce) h.reconnected();
    connectedOnce = true;
  });
  socket.on('disconnect', (reason) => {
    h.link('offline');
    // The server closed it (e.g. the agent was deactivated): the next handshake says why.
    if (reason === 'io server disconnect') retry = setTimeout(() => socket.connect(), RETRY_MS);
  });
  socket.on('connect_error', (err) => {
    if (err.message === 'unauthorized') {
      clearTimeout(retry);
      socket.disconnect();
      h.unauthorized();
      return;
    }
    h.link('offline');
    if (!socket.active) retry = setTimeout(() => socket.connect(), RETRY_MS);
  });
  return {
    socket,
    close: () => {
      clearTimeout(retry);
      socket.disconnect();
    },
  };
}

type Handler<E extends keyof ServerEvents> = ServerEvents[E];

/** Listens to one server event for the component's lifetime, always calling its newest handler. */
export function useSocketEvent<E extends keyof ServerEvents>(socket: AgentSocket | null, event: E, handler: Handler<E>): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    if (!socket) return undefined;
    const fn = ((...args: Parameters<Handler<E>>) => (ref.current as (...a: Parameters<Handler<E>>) => void)(...args)) as never;
    socket.on(event, fn);
    return () => void socket.off(event, fn);
  }, [socket, event]);
}

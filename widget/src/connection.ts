import { io, type Socket } from 'socket.io-client';
import type {
  ConnectErrorData,
  HandshakeAuth,
  HistoryAck,
  HistoryPayload,
  MessageAck,
  OutgoingMessage,
  ServerMessage,
  SessionPayload,
  TypingPayload,
} from './protocol';

export type ConnectionStatus = 'idle' | 'connecting' | 'online' | 'reconnecting' | 'offline' | 'unavailable';

/** What the chat decides; the connection only carries events. */
export interface ConnectionHandlers {
  /** Built afresh for every handshake, so a reconnect presents the newest token and lastSeenId. */
  auth(): HandshakeAuth;
  session(s: SessionPayload): void;
  history(h: HistoryPayload): void;
  message(m: ServerMessage): void;
  typing(t: TypingPayload): void;
  status(s: ConnectionStatus): void;
  /** The server refused the token: forget it; the connection then connects again without one. */
  tokenRefused(): void;
  /** The server refused the identity: drop it; the connection then connects again without it. */
  identityRefused(): void;
}

const ACK_TIMEOUT_MS = 15_000;
/** Wait after a refusal the protocol gives no delay for. */
const REFUSED_RETRY_MS = 5000;
/** Failed attempts in a row after which the widget says it is offline rather than reconnecting. */
const OFFLINE_AFTER = 2;

/**
 * One socket.io connection to `${base}/webchat`. socket.io reconnects by itself
 * after network errors; a handshake refused by the server (`connect_error` with
 * the socket no longer active) and a server-side disconnect are retried here.
 */
export class Connection {
  private socket: Socket | null = null;
  private failures = 0;
  private connectedOnce = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private lastAuth: HandshakeAuth = {};
  status: ConnectionStatus = 'idle';

  constructor(
    private readonly base: string,
    private readonly h: ConnectionHandlers,
  ) {}

  get connected(): boolean {
    return !!this.socket?.connected;
  }

  /** Connects, once; a stopped connection connects again. */
  start(): void {
    if (this.socket) {
      if (!this.socket.active && this.retryTimer === undefined) this.restart();
      return;
    }
    const url = new URL(this.base);
    const socket = io(`${url.origin}/webchat`, {
      // A gateway behind a path prefix (https://site/desk/widget.js) keeps the namespace `/webchat`.
      path: `${url.pathname.replace(/\/$/, '')}/socket.io`,
      // WebSocket first; where a proxy blocks it, long-polling (protocol, "Connecting").
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      auth: (cb) => cb((this.lastAuth = this.h.auth()) as Record<string, unknown>),
      reconnectionDelay: 1000,
      reconnectionDelayMax: 5000,
    });
    this.socket = socket;
    this.setStatus('connecting');
    socket.on('connect', () => {
      this.failures = 0;
      this.connectedOnce = true;
      this.setStatus('online');
    });
    socket.on('session', (s: SessionPayload) => this.h.session(s));
    socket.on('history', (p: HistoryPayload) => this.h.history(p));
    socket.on('message', (m: ServerMessage) => this.h.message(m));
    socket.on('typing', (t: TypingPayload) => this.h.typing(t));
    socket.on('connect_error', (err: Error & { data?: ConnectErrorData }) => this.onConnectError(err));
    socket.on('disconnect', (reason) => this.onDisconnect(reason));
    window.addEventListener('online', () => this.reconnectNow());
    window.addEventListener('offline', () => this.setStatus('offline'));
  }

  /** Connects again with a fresh handshake (new identity, forgotten token). */
  restart(): void {
    if (!this.socket) return this.start();
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.socket.disconnect();
    this.setStatus('connecting');
    this.socket.connect();
  }

  stop(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.socket?.disconnect();
    this.setStatus('idle');
  }

  sendMessage(message: OutgoingMessage): Promise<MessageAck> {
    if (!this.socket?.connected) return Promise.reject(new Error('not connected'));
    return this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message', message) as Promise<MessageAck>;
  }

  loadHistory(beforeId: string, limit: number): Promise<HistoryAck> {
    if (!this.socket?.connected) return Promise.reject(new Error('not connected'));
    return this.socket.timeout(ACK_TIMEOUT_MS).emitWithAck('history', { beforeId, limit }) as Promise<HistoryAck>;
  }

  sendTyping(typing: boolean): void {
    // volatile: a typing signal is worthless once late, so it is never buffered
    if (this.socket?.connected) this.socket.volatile.emit('typing', { typing });
  }

  private onConnectError(err: Error & { data?: ConnectErrorData }): void {
    const socket = this.socket;
    if (!socket) return;
    if (socket.active) {
      // Network-level failure: socket.io retries with back-off.
      this.failures++;
      const offline = this.failures >= OFFLINE_AFTER || navigator.onLine === false;
      this.setStatus(offline ? 'offline' : this.connectedOnce ? 'reconnecting' : 'connecting');
      return;
    }
    this.onRefused(err.message, err.data);
  }

  /** What docs/webchat-protocol.md ("Connecting") says to do after a refused handshake. */
  private onRefused(code: string, data: ConnectErrorData | undefined): void {
    const { token, identity } = this.lastAuth;
    if (code === 'invalid_token' && token) {
      this.h.tokenRefused();
      return this.retryLater(0);
    }
    if (code === 'invalid_identity' && identity) {
      this.h.identityRefused();
      return this.retryLater(0);
    }
    if (code === 'origin_not_allowed') {
      console.error(`RelayDesk: ${location.origin} is not allowed to embed the chat of ${this.base}`);
      return this.setStatus('unavailable');
    }
    this.retryLater(code === 'rate_limited' ? (data?.retryAfterMs ?? REFUSED_RETRY_MS) : REFUSED_RETRY_MS);
  }

  private onDisconnect(reason: Socket.DisconnectReason): void {
    if (reason === 'io client disconnect') return;
    this.setStatus('reconnecting');
    // After a server-side disconnect (a gateway shutting down) socket.io does not reconnect by itself.
    if (reason === 'io server disconnect') this.retryLater(1000 + Math.random() * 2000);
  }

  private reconnectNow(): void {
    if (!this.socket || this.socket.connected || this.status === 'unavailable') return;
    this.restart();
  }

  private retryLater(ms: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.socket?.connect();
    }, ms);
  }

  private setStatus(s: ConnectionStatus): void {
    if (this.status === s) return;
    this.status = s;
    this.h.status(s);
  }
}

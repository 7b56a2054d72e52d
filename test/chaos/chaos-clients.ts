/**
 * Clients that behave as real ones do when the gateway fails under them: a web
 * chat visitor that reconnects with its token and lastSeenId and resends an
 * unacknowledged message with the same clientId (as the widget does), and an
 * agent that retries a reply the API could not take. Each records what the
 * gateway acknowledged, so the test can check it was stored exactly once.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { io, type Socket } from 'socket.io-client';
import type { ServerMessage } from '../../src/channels/webchat/webchat.protocol.js';

type Ack = { ok: true; id: string; duplicate: boolean } | { ok: false; error: { code: string; message: string; retryAfterMs?: number } };

/** Counters the test reports. */
export interface ClientStats {
  acked: number;
  resent: number;
  unavailable: number;
}

export class ChaosVisitor {
  readonly messages = new Map<string, ServerMessage>();
  /** clientId → the stored message id the gateway acknowledged. */
  readonly acked = new Map<string, string>();
  token: string | null = null;
  visitorId: string | null = null;
  /** What happened to the connection, with times: read when a reply was never seen. */
  readonly journal: string[] = [];
  private readonly socket: Socket;
  private closed = false;

  constructor(base: string, private readonly stats: ClientStats) {
    this.socket = io(`${base}/webchat`, {
      transports: ['websocket'],
      reconnectionDelay: 200,
      reconnectionDelayMax: 1000,
      auth: (cb) => cb({ ...(this.token ? { token: this.token } : {}), ...(this.lastSeenId() ? { lastSeenId: this.lastSeenId() } : {}) }),
    });
    const note = (what: string) => this.journal.push(`${new Date().toISOString().slice(11, 23)} ${what}`);
    this.socket.on('connect', () => note(`connect lastSeenId=${this.lastSeenId()}`));
    this.socket.on('disconnect', (reason) => note(`disconnect ${reason}`));
    this.socket.on('connect_error', (e) => note(`connect_error ${e.message}`));
    this.socket.on('history', (h: { messages: ServerMessage[] }) => note(`history ${h.messages.map((m) => m.id).join(',')}`));
    this.socket.on('message', (m: ServerMessage) => note(`message ${m.id}`));
    this.socket.on('session', (s: { token: string; visitorId: string }) => {
      this.token = s.token;
      this.visitorId = s.visitorId;
    });
    this.socket.on('history', (h: { messages: ServerMessage[] }) => h.messages.forEach((m) => this.messages.set(m.id, m)));
    this.socket.on('message', (m: ServerMessage) => this.messages.set(m.id, m));
    // A refused handshake (the database down) or a server-side disconnect is not retried by socket.io itself.
    this.socket.on('connect_error', () => this.reconnectSoon());
    this.socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect') this.reconnectSoon();
    });
  }

  private reconnectSoon(): void {
    if (this.closed || this.socket.active) return;
    setTimeout(() => {
      if (!this.closed && !this.socket.connected) this.socket.connect();
    }, 300);
  }

  /** The newest message id seen: a reconnect asks only for what came after. */
  private lastSeenId(): string | null {
    let last: bigint | null = null;
    for (const id of this.messages.keys()) if (last === null || BigInt(id) > last) last = BigInt(id);
    return last === null ? null : last.toString();
  }

  /** Sends until the gateway acknowledges it (resending after drops, `unavailable` and `rate_limited`). */
  async send(payload: { text?: string; choiceId?: string }): Promise<string> {
    const message = { clientId: crypto.randomUUID(), ...payload };
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.stats.resent++;
      if (!this.socket.connected) await new Promise<void>((resolve) => this.socket.once('connect', () => resolve()));
      let ack: Ack;
      try {
        ack = (await this.socket.timeout(5000).emitWithAck('message', message)) as Ack;
      } catch {
        continue; // no ack: the connection dropped or the gateway is gone; resend once connected
      }
      if (ack.ok) {
        this.acked.set(message.clientId, ack.id);
        this.stats.acked++;
        return ack.id;
      }
      if (ack.error.code !== 'unavailable' && ack.error.code !== 'rate_limited') throw new Error(`message refused: ${JSON.stringify(ack.error)}`);
      if (ack.error.code === 'unavailable') this.stats.unavailable++;
      await sleep(ack.error.retryAfterMs ?? 300);
    }
  }

  /** Bot and agent messages, oldest first. */
  replies(): ServerMessage[] {
    return [...this.messages.values()].filter((m) => m.from !== 'customer').sort((a, b) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
  }

  /** Waits (on the messages as they come) until `check` holds. */
  async until<T>(check: () => T | null | undefined | false, what: string, timeoutMs = 120_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value) return value;
      if (Date.now() > deadline) throw new Error(`visitor ${this.visitorId}: ${what}; has ${JSON.stringify(this.replies().map((m) => m.text?.slice(0, 40)))}`);
      await new Promise<void>((resolve) => {
        const done = () => resolve();
        this.socket.once('message', done);
        this.socket.once('history', done);
        setTimeout(done, 250).unref();
      });
    }
  }

  close(): void {
    this.closed = true;
    this.socket.close();
  }
}

/** An agent on the REST API, signing in again and retrying while the gateway cannot take a request. */
export class ChaosAgent {
  private token: string | null = null;
  readonly replies: Array<{ number: string; text: string; id: string }> = [];

  constructor(
    private readonly base: () => string,
    private readonly credentials: { email: string; password: string },
    private readonly stats: ClientStats,
  ) {}

  private async call(method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    for (;;) {
      try {
        if (!this.token) await this.signIn();
        const res = await fetch(`${this.base()}${path}`, {
          method,
          headers: { authorization: `Bearer ${this.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
          ...(body ? { body: JSON.stringify(body) } : {}),
          signal: AbortSignal.timeout(10_000),
        });
        if (res.status >= 500) {
          this.stats.unavailable++;
          await sleep(300);
          continue;
        }
        return { status: res.status, body: (await res.json()) as Record<string, unknown> };
      } catch {
        await sleep(300); // the gateway is down (restarting): try again
      }
    }
  }

  private async signIn(): Promise<void> {
    const res = await fetch(`${this.base()}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(this.credentials) });
    if (res.status !== 200) throw new Error(`sign-in answered ${res.status}`);
    this.token = ((await res.json()) as { token: string }).token;
  }

  /** A reply to a request, sent until the API takes it. */
  async reply(number: string, text: string): Promise<void> {
    const res = await this.call('POST', `/api/requests/${number}/messages`, { text });
    if (res.status !== 201) throw new Error(`reply to ${number} answered ${res.status}: ${JSON.stringify(res.body)}`);
    this.replies.push({ number, text, id: String(res.body.id) });
  }
}

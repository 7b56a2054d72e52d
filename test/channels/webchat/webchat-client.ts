import { io, type Socket } from 'socket.io-client';
import type { ServerMessage } from '../../../src/channels/webchat/webchat.protocol.js';

/**
 * A scripted web chat visitor over a real socket.io client, speaking
 * docs/webchat-protocol.md: it collects what the server sends and offers
 * helpers to send and wait.
 */
export class Visitor {
  readonly socket: Socket;
  readonly messages: ServerMessage[] = [];
  session: { visitorId: string; token: string; locale: string } | null = null;
  histories: Array<{ messages: ServerMessage[]; hasMore: boolean }> = [];
  typing: boolean[] = [];
  /** The unstored greeting (id '0') a new conversation's history opened with, kept apart from the stored messages. */
  opening: ServerMessage | null = null;

  constructor(base: string, auth: Record<string, unknown> = {}, extra: { origin?: string; headers?: Record<string, string> } = {}) {
    const headers = { ...extra.headers, ...(extra.origin ? { origin: extra.origin } : {}) };
    this.socket = io(`${base}/webchat`, {
      auth,
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      ...(Object.keys(headers).length > 0 ? { extraHeaders: headers } : {}),
    });
    this.socket.on('session', (s) => (this.session = s));
    this.socket.on('history', (h) => {
      this.histories.push(h);
      for (const m of h.messages) this.add(m);
    });
    this.socket.on('message', (m: ServerMessage) => this.add(m));
    this.socket.on('typing', (t: { typing: boolean }) => this.typing.push(t.typing));
  }

  private add(m: ServerMessage): void {
    if (m.id === '0') {
      this.opening = m;
      return;
    }
    if (!this.messages.some((x) => x.id === m.id)) this.messages.push(m);
  }

  /** Resolves once connected, with the session and the first history, or rejects with the connect_error. */
  ready(): Promise<this> {
    return new Promise((resolve, reject) => {
      const check = () => (this.session && this.histories.length > 0 ? resolve(this) : setTimeout(check, 10));
      if (this.socket.connected) return check();
      this.socket.once('connect', check);
      this.socket.once('connect_error', (err: Error & { data?: unknown }) => reject(err));
    });
  }

  send(payload: Record<string, unknown>): Promise<{ ok: boolean; id?: string; duplicate?: boolean; error?: { code: string; message: string; retryAfterMs?: number } }> {
    return this.socket.timeout(10_000).emitWithAck('message', payload);
  }

  say(text: string, clientId = crypto.randomUUID()) {
    return this.send({ clientId, text });
  }

  press(choiceId: string) {
    return this.send({ clientId: crypto.randomUUID(), choiceId });
  }

  botMessages(): ServerMessage[] {
    return this.messages.filter((m) => m.from !== 'customer');
  }

  /** Waits until `n` bot or agent messages have arrived and returns the last. */
  async waitForBot(n: number, timeoutMs = 10_000): Promise<ServerMessage> {
    const deadline = Date.now() + timeoutMs;
    while (this.botMessages().length < n) {
      if (Date.now() > deadline) throw new Error(`expected ${n} bot messages, got ${JSON.stringify(this.botMessages().map((m) => m.text))}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.botMessages()[n - 1]!;
  }

  close(): void {
    this.socket.close();
  }
}

export async function upload(base: string, token: string, data: Buffer, fileName: string, headers: Record<string, string> = {}) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(data)]), fileName);
  const res = await fetch(`${base}/webchat/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
}

/**
 * A stand-in for the gateway's web chat channel, speaking the real wire format
 * of docs/webchat-protocol.md (socket.io on `/webchat`, the uploads and
 * attachments endpoints) so that the real widget bundle runs against it.
 * It keeps just enough state for the widget tests, and a scripted bot.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { createBot, type Locale } from './fake-bot.js';
import { UNSTORED_GREETING_ID, type MessageAck as Ack, type OutgoingMessage as ClientMessage, type HandshakeAuth, type ProtocolError, type ServerMessage } from '../../widget/src/protocol.js';

export type { HandshakeAuth, ServerMessage } from '../../widget/src/protocol.js';

export interface Visitor {
  id: string;
  token: string;
  locale: Locale;
  messages: ServerMessage[];
}

interface Upload {
  id: string;
  visitorId: string;
  mimeType: string;
  bytes: Buffer;
  fileName: string | null;
}

export interface FakeOptions {
  /** The built widget.js served at GET /widget.js. */
  widgetFile: string;
  /** The demo page served at GET / (as the gateway does). */
  demoFile?: string;
  identitySecret?: string;
}

/** What the tests can make the next message or handshake do. */
export interface Faults {
  /** Errors to acknowledge the next messages with, one each. */
  reject: ProtocolError[];
  /**
   * Close the transport on the next message, before or after storing it,
   * without an ack; `after-store-unseen` also without the echo (the client
   * learns nothing of it until the next `history`).
   */
  drop: 'before-store' | 'after-store' | 'after-store-unseen' | null;
  /** Errors to refuse the next handshakes with. */
  refuse: ProtocolError[];
  /** The next upload answers this instead of 201. */
  uploadError: { status: number; code: string; message: string } | null;
  /** Milliseconds the uploads endpoint waits before answering. */
  uploadDelayMs: number;
}

const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** How the gateway refuses uploads: status, code and the (English, for logs) message it really sends. */
export const UPLOAD_REFUSALS = {
  tooLarge: { status: 413, code: 'payload_too_large', message: 'the file is larger than 10 MB' },
  pixelFlood: {
    status: 413,
    code: 'payload_too_large',
    message: 'the image is 20000×20000 pixels (400 megapixels): images may have at most 50 megapixels and 20000 pixels on a side',
  },
  unsent: { status: 413, code: 'payload_too_large', message: 'files uploaded and not sent yet would exceed 30 MB: send or drop them first' },
  notAnImage: { status: 415, code: 'unsupported_media_type', message: 'only PNG, JPEG, WebP or GIF images are accepted (it looks like application/pdf)' },
  rateLimited: { status: 429, code: 'rate_limited', message: 'too many uploads, try again later' },
} as const;

export class FakeWebchatServer {
  readonly handshakes: HandshakeAuth[] = [];
  /** Every `message` emitted by a client, duplicates included. */
  readonly received: ClientMessage[] = [];
  readonly typing: boolean[] = [];
  readonly faults: Faults = noFaults();

  /** Back to no injected faults (between tests). */
  clearFaults(): void {
    Object.assign(this.faults, noFaults());
  }
  /**
   * How a new visitor is greeted: `stored` (the greeting is the conversation's
   * first stored message) or `on-open` (protocol, "greeting on open": the
   * `history` of a conversation with nothing stored starts with an unstored
   * greeting, id '0', whose choices are the request types; it is stored when
   * the visitor first writes).
   */
  greeting: 'stored' | 'on-open' = 'stored';
  private readonly visitors = new Map<string, Visitor>();
  private readonly byToken = new Map<string, Visitor>();
  private readonly uploads = new Map<string, Upload>();
  private readonly bot = createBot();
  private http: HttpServer | null = null;
  private io: Server | null = null;
  private port = 0;
  private seq = 0;

  constructor(private readonly opts: FakeOptions) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Listens (again, on the same port after stop()). */
  async start(): Promise<void> {
    const http = createServer((req, res) => void this.route(req, res));
    const io = new Server(http, { cors: { origin: true } });
    io.of('/webchat').use((socket, next) => next(this.handshake(socket)));
    io.of('/webchat').on('connection', (socket) => this.connected(socket));
    await new Promise<void>((resolve) => http.listen(this.port, '127.0.0.1', resolve));
    this.port = (http.address() as AddressInfo).port;
    this.http = http;
    this.io = io;
  }

  /** Goes away like a crashed gateway: every connection closes. */
  async stop(): Promise<void> {
    const { io, http } = this;
    this.io = this.http = null;
    if (!io || !http) return;
    io.of('/webchat').disconnectSockets(true);
    http.closeAllConnections();
    await new Promise<void>((resolve) => io.close(() => resolve()));
  }

  /** Drops every socket's transport (a network blip); clients reconnect by themselves. */
  dropConnections(): void {
    for (const s of this.io?.of('/webchat').sockets.values() ?? []) s.conn.close();
  }

  visitor(id: string): Visitor | undefined {
    return this.visitors.get(id);
  }

  visitorByToken(token: string): Visitor | undefined {
    return this.byToken.get(token);
  }

  identityHash(externalId: string): string {
    return createHmac('sha256', this.opts.identitySecret ?? '').update(externalId).digest('hex');
  }

  agentSays(visitorId: string, text: string, agentName?: string): ServerMessage {
    return this.post(this.mustGet(visitorId), { from: 'agent', text, agentName });
  }

  /** A bot message of the test's own (a summary with its choices, a long notice). */
  botSays(visitorId: string, fields: { text: string; choices?: ServerMessage['choices'] }): ServerMessage {
    return this.post(this.mustGet(visitorId), { from: 'bot', ...fields });
  }

  agentTyping(visitorId: string, typing: boolean): void {
    this.io?.of('/webchat').to(visitorId).emit('typing', { from: 'agent', typing });
  }

  private mustGet(visitorId: string): Visitor {
    const v = this.visitors.get(visitorId);
    if (!v) throw new Error(`no visitor ${visitorId}`);
    return v;
  }

  private handshake(socket: Socket): Error | undefined {
    const auth = (socket.handshake.auth ?? {}) as HandshakeAuth;
    this.handshakes.push(structuredClone(auth));
    const refusal = this.faults.refuse.shift() ?? this.checkAuth(auth);
    if (refusal) return Object.assign(new Error(refusal.code), { data: refusal });
    socket.data.visitor = this.visitorFor(auth);
    return undefined;
  }

  private checkAuth(auth: HandshakeAuth): ProtocolError | null {
    if (auth.identity) {
      const ok = this.opts.identitySecret && auth.identity.hash === this.identityHash(auth.identity.externalId);
      return ok ? null : { code: 'invalid_identity', message: 'The identity hash does not match.' };
    }
    if (auth.token && !this.byToken.has(auth.token)) return { code: 'invalid_token', message: 'Unknown visitor token.' };
    return null;
  }

  private visitorFor(auth: HandshakeAuth): Visitor {
    const id = auth.identity ? `id-${auth.identity.externalId}` : auth.token ? this.byToken.get(auth.token)?.id : undefined;
    const known = id ? this.visitors.get(id) : undefined;
    if (known) return known;
    const v: Visitor = { id: id ?? `v${this.visitors.size + 1}`, token: `tok-${randomBytes(8).toString('hex')}`, locale: auth.locale === 'ru' ? 'ru' : 'en', messages: [] };
    this.visitors.set(v.id, v);
    this.byToken.set(v.token, v);
    if (this.greeting === 'stored') this.post(v, this.bot.greeting(v.locale), false);
    return v;
  }

  private connected(socket: Socket): void {
    const v = socket.data.visitor as Visitor;
    const auth = socket.handshake.auth as HandshakeAuth;
    void socket.join(v.id);
    socket.emit('session', { visitorId: v.id, token: v.token, locale: v.locale });
    const after = auth.lastSeenId ? v.messages.findIndex((m) => m.id === auth.lastSeenId) : -1;
    const messages = after >= 0 ? v.messages.slice(after + 1) : v.messages.slice(-50);
    if (!v.messages.length && this.greeting === 'on-open') messages.unshift(this.openingGreeting(v));
    socket.emit('history', { messages, hasMore: after < 0 && v.messages.length > 50 });
    socket.on('message', (m: ClientMessage, ack: (a: Ack) => void) => this.onMessage(socket, v, m, ack));
    socket.on('typing', (t: { typing: boolean }) => this.typing.push(t.typing));
    socket.on('history', (q: { beforeId: string; limit?: number }, ack: (a: unknown) => void) => {
      const end = v.messages.findIndex((m) => m.id === q.beforeId);
      const start = Math.max(0, end - (q.limit ?? 50));
      ack({ ok: true, messages: v.messages.slice(start, Math.max(end, 0)), hasMore: start > 0 });
    });
  }

  private onMessage(socket: Socket, v: Visitor, m: ClientMessage, ack: (a: Ack) => void): void {
    this.received.push(structuredClone(m));
    if (this.faults.drop === 'before-store') return this.dropOnce(socket);
    const error = this.validate(v, m) ?? this.faults.reject.shift();
    if (error) return ack({ ok: false, error });
    const existing = v.messages.find((x) => x.clientId === m.clientId);
    if (existing) return ack({ ok: true, id: existing.id, duplicate: true });
    const choice = m.choiceId ? this.bot.choiceLabel(v.locale, m.choiceId) : null;
    if (!v.messages.length && this.greeting === 'on-open') this.post(v, this.bot.openingGreeting(v.locale), false);
    const unseen = this.faults.drop === 'after-store-unseen';
    const stored = this.post(v, { from: 'customer', text: m.text ?? choice, clientId: m.clientId, attachments: this.attachmentsOf(v, m.attachmentId) }, !unseen);
    if (this.faults.drop === 'after-store' || unseen) return this.dropOnce(socket);
    ack({ ok: true, id: stored.id, duplicate: false });
    const reply = this.bot.reply(v.locale, m);
    if (reply) setTimeout(() => this.post(v, reply), 30);
  }

  private openingGreeting(v: Visitor): ServerMessage {
    return { id: UNSTORED_GREETING_ID, at: new Date().toISOString(), ...this.bot.openingGreeting(v.locale) };
  }

  private dropOnce(socket: Socket): void {
    this.faults.drop = null;
    socket.conn.close();
  }

  private validate(v: Visitor, m: ClientMessage): ProtocolError | null {
    const bad = (message: string): ProtocolError => ({ code: 'invalid_message', message });
    if (typeof m?.clientId !== 'string' || !CLIENT_ID.test(m.clientId)) return bad('clientId is required');
    if (!m.text && !m.choiceId && !m.attachmentId) return bad('empty message');
    if (m.text && m.text.length > 4000) return bad('text is too long');
    if (m.attachmentId && this.uploads.get(m.attachmentId)?.visitorId !== v.id) return { code: 'invalid_attachment', message: 'Unknown attachment.' };
    return null;
  }

  private attachmentsOf(v: Visitor, id: string | undefined): ServerMessage['attachments'] {
    const up = id ? this.uploads.get(id) : undefined;
    return up ? [{ id: up.id, mimeType: up.mimeType, fileName: up.fileName, url: this.attachmentUrl(up) }] : undefined;
  }

  private attachmentUrl(up: Upload): string {
    return `/webchat/attachments/${up.id}?exp=9999999999&sig=fake`;
  }

  private post(v: Visitor, fields: Omit<ServerMessage, 'id' | 'at'>, broadcast = true): ServerMessage {
    const m: ServerMessage = { id: String(++this.seq), at: new Date().toISOString(), ...fields };
    for (const k of Object.keys(m) as (keyof ServerMessage)[]) if (m[k] === undefined) delete m[k];
    v.messages.push(m);
    if (broadcast) this.io?.of('/webchat').to(v.id).emit('message', m);
    return m;
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.url);
    const cors = { 'access-control-allow-origin': req.headers.origin ?? '*', 'access-control-allow-headers': 'authorization', 'access-control-allow-methods': 'POST' };
    if (req.method === 'GET' && url.pathname === '/widget.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(readFileSync(this.opts.widgetFile));
    } else if (req.method === 'GET' && url.pathname === '/' && this.opts.demoFile) {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(readFileSync(this.opts.demoFile));
    } else if (req.method === 'OPTIONS' && url.pathname === '/webchat/uploads') {
      res.writeHead(204, cors).end();
    } else if (req.method === 'POST' && url.pathname === '/webchat/uploads') {
      const { status, body } = await this.upload(req);
      res.writeHead(status, { ...cors, 'content-type': 'application/json' }).end(JSON.stringify(body));
    } else if (req.method === 'GET' && url.pathname.startsWith('/webchat/attachments/')) {
      const up = this.uploads.get(url.pathname.split('/').pop() ?? '');
      if (!up) res.writeHead(404).end();
      else res.writeHead(200, { 'content-type': up.mimeType }).end(up.bytes);
    } else {
      res.writeHead(404).end();
    }
  }

  private async upload(req: IncomingMessage): Promise<{ status: number; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    await new Promise((r) => setTimeout(r, this.faults.uploadDelayMs));
    const v = this.byToken.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!v) return { status: 401, body: { error: { code: 'unauthorized', message: 'Missing or invalid token.' } } };
    const fault = this.faults.uploadError;
    this.faults.uploadError = null;
    if (fault) return { status: fault.status, body: { error: { code: fault.code, message: fault.message } } };
    // Node's own multipart parser (undici), via the fetch Request class.
    const form = await new Request('http://x/', { method: 'POST', headers: { 'content-type': req.headers['content-type'] ?? '' }, body: Buffer.concat(chunks) }).formData();
    const file = form.get('file');
    if (!(file instanceof Blob)) return { status: 400, body: { error: { code: 'bad_request', message: 'No file field.' } } };
    const up: Upload = { id: `att-${randomBytes(6).toString('hex')}`, visitorId: v.id, mimeType: file.type || 'image/png', bytes: Buffer.from(await file.arrayBuffer()), fileName: 'name' in file ? String(file.name) : null };
    this.uploads.set(up.id, up);
    return { status: 201, body: { id: up.id, mimeType: up.mimeType, size: up.bytes.length, fileName: up.fileName, url: this.attachmentUrl(up) } };
  }
}

function noFaults(): Faults {
  return { reject: [], drop: null, refuse: [], uploadError: null, uploadDelayMs: 0 };
}

import { io, type Socket } from 'socket.io-client';
import type { AgentClientEvents, AgentServerEvents, SessionView } from '../../src/console/console.api.js';
import type { TestChannel } from '../support/test-channel.js';

export const ADMIN = { email: 'admin@example.com', password: 'admin-password-1' };
/** Environment that creates the first admin. */
export const ADMIN_ENV = { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password };

/** A parsed JSON body, loosely typed for assertions. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked by assertions, not types
export type Json = any;

export interface ApiResponse<T = Json> {
  status: number;
  body: T;
  headers: Headers;
}

/**
 * An agent API client over real HTTP: a bearer token by default, or the
 * session cookie with its CSRF token (`viaCookie`), as the console uses it.
 */
export class AgentClient {
  constructor(
    readonly base: string,
    readonly session: SessionView & { token: string },
    readonly cookie: string | null = null,
  ) {}

  static async login(base: string, credentials = ADMIN): Promise<AgentClient> {
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(credentials) });
    if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
    const cookie = res.headers.get('set-cookie')?.split(';')[0] ?? null;
    return new AgentClient(base, (await res.json()) as SessionView & { token: string }, cookie);
  }

  get agentId(): string {
    return this.session.agent.id;
  }

  async call<T = Json>(method: string, path: string, body?: unknown, opts: { viaCookie?: boolean; csrf?: boolean; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...opts.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (opts.viaCookie) {
      headers.cookie = this.cookie ?? '';
      if (opts.csrf !== false) headers['x-csrf-token'] = this.session.csrfToken;
    } else {
      headers.authorization = `Bearer ${this.session.token}`;
    }
    const res = await fetch(`${this.base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const type = res.headers.get('content-type') ?? '';
    const parsed = type.includes('json') ? await res.json() : Buffer.from(await res.arrayBuffer());
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get = <T = Json>(path: string) => this.call<T>('GET', path);
  post = <T = Json>(path: string, body?: unknown) => this.call<T>('POST', path, body ?? {});
}

export { baseOf } from '../support/app.js';

type Received = { [E in keyof AgentServerEvents]: { event: E; payload: Parameters<AgentServerEvents[E]>[0] } }[keyof AgentServerEvents];

/** A real socket.io client on `/agents` that records every event. */
export class AgentSocket {
  readonly socket: Socket<AgentServerEvents, AgentClientEvents>;
  readonly received: Received[] = [];

  constructor(base: string, opts: { token?: string; cookie?: string; origin?: string; headers?: Record<string, string> } = {}) {
    const extraHeaders: Record<string, string> = { ...opts.headers };
    if (opts.cookie) extraHeaders.cookie = opts.cookie;
    if (opts.origin) extraHeaders.origin = opts.origin;
    this.socket = io(`${base}/agents`, {
      transports: ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: opts.token ? { token: opts.token } : {},
      extraHeaders,
    });
    this.socket.onAny((event: string, payload: unknown) => this.received.push({ event, payload } as Received));
  }

  /** Resolves on `ready`, or rejects with the connect_error. */
  ready(): Promise<this> {
    return new Promise((resolve, reject) => {
      this.socket.once('ready', () => resolve(this));
      this.socket.once('connect_error', (err) => reject(err));
    });
  }

  /** Waits for an event matching `match`. */
  async waitFor<E extends keyof AgentServerEvents>(
    event: E,
    match: (payload: Parameters<AgentServerEvents[E]>[0]) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Parameters<AgentServerEvents[E]>[0]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((r) => r.event === event && match(r.payload as never));
      if (found) return found.payload as Parameters<AgentServerEvents[E]>[0];
      if (Date.now() > deadline) throw new Error(`no ${event} event matched; got ${this.received.map((r) => r.event).join(', ')}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  events<E extends keyof AgentServerEvents>(event: E): Array<Parameters<AgentServerEvents[E]>[0]> {
    return this.received.filter((r) => r.event === event).map((r) => r.payload as Parameters<AgentServerEvents[E]>[0]);
  }

  close(): void {
    this.socket.close();
  }
}

/** Takes a customer of `channel` through the intake (no screenshot unless given); returns the new request's number. */
export async function fileRequest(
  channel: TestChannel,
  who: string,
  opts: { subject?: string; description?: string; screenshot?: Buffer; displayName?: string } = {},
): Promise<string> {
  const before = channel.textsTo(who).length;
  let expected = before;
  const step = async (content: Parameters<TestChannel['say']>[1]) => {
    await channel.say(who, content);
    expected++;
    await channel.waitFor(who, expected);
  };
  if (before === 0) await step({ text: 'Hello', ...(opts.displayName ? { displayName: opts.displayName } : {}) });
  else await step({ text: '/new' });
  await step({ choiceId: 'incident' });
  await step({ text: opts.subject ?? 'Printer does not print' });
  await step({ text: opts.description ?? 'Since this morning the printer shows error E-42.' });
  await step(opts.screenshot ? { file: { data: opts.screenshot, fileName: 'shot.png' } } : { choiceId: 'skip' });
  await step({ choiceId: 'confirm' });
  const created = channel.textsTo(who).at(-1) ?? '';
  const number = /[A-Z][A-Z0-9]*-\d+/.exec(created)?.[0];
  if (!number) throw new Error(`no request number in ${JSON.stringify(created)}`);
  return number;
}

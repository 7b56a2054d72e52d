/**
 * Agent sessions. A session is an opaque random token: the console keeps it in
 * an httpOnly SameSite=Strict cookie, API clients send it as a bearer token.
 * Only its SHA-256 is stored, so a database leak gives no usable tokens. Each
 * session has a CSRF token the console must echo on changes it asks for.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AgentRecord, AgentStore, SessionRecord } from './agent-store.js';

export const SESSION_COOKIE = 'relaydesk_session';
export const CSRF_HEADER = 'x-csrf-token';
const TOKEN_PREFIX = 'rd_';

export interface IssuedSession {
  token: string;
  session: SessionRecord;
}

export interface Authenticated {
  agent: AgentRecord;
  session: SessionRecord;
  /** How the token came: a cookie needs the CSRF header on changes, a bearer token does not. */
  via: 'cookie' | 'bearer';
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export class SessionService {
  constructor(
    private readonly store: AgentStore,
    private readonly ttlMs: number,
    private readonly clock: () => Date,
  ) {}

  async issue(agent: AgentRecord): Promise<IssuedSession> {
    const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
    const session: SessionRecord = {
      id: hashToken(token),
      agentId: agent.id,
      csrfToken: randomBytes(24).toString('base64url'),
      expiresAt: new Date(this.clock().getTime() + this.ttlMs),
    };
    await this.store.createSession(session);
    return { token, session };
  }

  /** The agent behind a token, or null (unknown, expired, not an agent token, agent deactivated). */
  async resolve(token: string, via: Authenticated['via']): Promise<Authenticated | null> {
    if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
    const found = await this.store.findSession(hashToken(token), this.clock());
    return found ? { ...found, via } : null;
  }

  /** The session's agent as stored now, or null if the session ended (expired, revoked, agent deactivated). */
  async recheck(session: SessionRecord): Promise<AgentRecord | null> {
    return (await this.store.findSession(session.id, this.clock()))?.agent ?? null;
  }

  async revoke(session: SessionRecord): Promise<void> {
    await this.store.deleteSession(session.id);
  }
}

/** The token of a request: `Authorization: Bearer …` first, else the session cookie. */
export function tokenOf(headers: { authorization?: string | undefined }, cookies: Record<string, string | undefined>): { token: string; via: Authenticated['via'] } | null {
  const auth = headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(\S+)$/i.exec(auth);
    return m?.[1] ? { token: m[1], via: 'bearer' } : null;
  }
  const cookie = cookies[SESSION_COOKIE];
  return cookie ? { token: cookie, via: 'cookie' } : null;
}

export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (!given) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Reads one cookie from a raw Cookie header (socket.io handshakes have no parsed cookies). */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed credentials of the web chat: visitor tokens, identity hashes and
 * attachment links, all HMAC-SHA256 with secrets that never leave the server.
 *
 * A visitor token is `v2.<visitorId>.<issued at, Unix seconds>.<signature>`.
 * It is valid for the token lifetime (WEBCHAT_TOKEN_TTL) after it was issued,
 * and every connection issues a fresh one, so a visitor who comes back within
 * that time keeps the conversation. Tokens issued before the customer's
 * `tokensValidAfter` are revoked. Version 1 tokens (no issue time) are refused.
 */
const TOKEN_VERSION = 'v2';
/** `v_`: an anonymous visitor; `u_`: a verified identity (its id in base64url); `h_`: a verified identity too long for that (its SHA-256). */
const VISITOR_ID = /^[uvh]_[A-Za-z0-9_-]{1,120}$/;
/** Longest external id kept readable in the visitor id (`u_` + base64url fits 120 characters). */
const MAX_READABLE_ID_BYTES = 90;

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('base64url');
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function newVisitorId(): string {
  return `v_${randomBytes(12).toString('base64url')}`;
}

/** The visitor id of a verified identity: the site's own user id, namespaced (hashed when it is long). */
export function identityVisitorId(externalId: string): string {
  const bytes = Buffer.from(externalId);
  if (bytes.length <= MAX_READABLE_ID_BYTES) return `u_${bytes.toString('base64url')}`;
  return `h_${createHash('sha256').update(bytes).digest('base64url')}`;
}

/** Whether the visitor id stands for a verified identity: its token alone never signs it in. */
export function isIdentityVisitor(visitorId: string): boolean {
  return visitorId.startsWith('u_') || visitorId.startsWith('h_');
}

/** A token for `visitorId`, issued at `now` (ms). */
export function issueVisitorToken(secret: string, visitorId: string, now: number): string {
  const payload = `${TOKEN_VERSION}.${visitorId}.${Math.floor(now / 1000)}`;
  return `${payload}.${sign(secret, payload)}`;
}

export interface VerifiedToken {
  visitorId: string;
  /** When it was issued (ms). */
  issuedAt: number;
}

/** The visitor of a valid, unexpired token, or null for a malformed, forged, foreign or expired one. */
export function verifyVisitorToken(secret: string, token: unknown, now: number, ttlMs: number): VerifiedToken | null {
  if (typeof token !== 'string' || token.length > 300) return null;
  const [version, visitorId, issued, signature, ...rest] = token.split('.');
  if (rest.length > 0 || version !== TOKEN_VERSION || !visitorId || !issued || !signature) return null;
  if (!VISITOR_ID.test(visitorId) || !/^\d{1,12}$/.test(issued)) return null;
  if (!safeEqual(signature, sign(secret, `${version}.${visitorId}.${issued}`))) return null;
  const issuedAt = Number(issued) * 1000;
  // A little leeway for clocks of several instances that disagree.
  if (issuedAt > now + 60_000 || now - issuedAt > ttlMs) return null;
  return { visitorId, issuedAt };
}

/** What a site's backend computes to vouch for a logged-in user: hex HMAC-SHA256 of the external id. */
export function identityHash(secret: string, externalId: string): string {
  return createHmac('sha256', secret).update(externalId).digest('hex');
}

export function verifyIdentityHash(secret: string, externalId: string, hash: unknown): boolean {
  return typeof hash === 'string' && safeEqual(hash.toLowerCase(), identityHash(secret, externalId));
}

/** Query string of a link to one attachment for one visitor, valid until `expiresAt` (ms). */
export function signAttachmentLink(secret: string, attachmentId: string, visitorId: string, expiresAt: number): string {
  const exp = Math.floor(expiresAt / 1000);
  return `v=${encodeURIComponent(visitorId)}&exp=${exp}&sig=${sign(secret, `att.${attachmentId}.${visitorId}.${exp}`)}`;
}

/** The visitor a link was signed for, or null if it is forged or expired. */
export function verifyAttachmentLink(
  secret: string,
  attachmentId: string,
  query: { v?: unknown; exp?: unknown; sig?: unknown },
  now: number,
): string | null {
  const { v, exp, sig } = query;
  if (typeof v !== 'string' || typeof exp !== 'string' || typeof sig !== 'string') return null;
  if (!/^\d{1,12}$/.test(exp) || Number(exp) * 1000 < now) return null;
  return safeEqual(sig, sign(secret, `att.${attachmentId}.${v}.${exp}`)) ? v : null;
}

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Signed credentials of the web chat: visitor tokens, identity hashes and
 * attachment links, all HMAC-SHA256 with secrets that never leave the server.
 *
 * A visitor token is `v1.<visitorId>.<signature>`; it carries no expiry (a
 * visitor may come back weeks later) and is bound to this deployment's secret.
 */
const TOKEN_VERSION = 'v1';
const VISITOR_ID = /^[uv]_[A-Za-z0-9_-]{1,120}$/;

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

/** The visitor id of a verified identity: the site's own user id, namespaced. */
export function identityVisitorId(externalId: string): string {
  return `u_${Buffer.from(externalId).toString('base64url')}`;
}

export function issueVisitorToken(secret: string, visitorId: string): string {
  return `${TOKEN_VERSION}.${visitorId}.${sign(secret, `${TOKEN_VERSION}.${visitorId}`)}`;
}

/** The visitor id of a valid token, or null for a malformed, forged or foreign one. */
export function verifyVisitorToken(secret: string, token: unknown): string | null {
  if (typeof token !== 'string' || token.length > 300) return null;
  const [version, visitorId, signature, ...rest] = token.split('.');
  if (rest.length > 0 || version !== TOKEN_VERSION || !visitorId || !signature || !VISITOR_ID.test(visitorId)) return null;
  return safeEqual(signature, sign(secret, `${version}.${visitorId}`)) ? visitorId : null;
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

import type { Logger } from 'pino';
import type { Socket } from 'socket.io';
import type { Locale } from '../../conversation/conversation.types.js';
import type { RequestStore } from '../../requests/request-store.port.js';
import type { Customer } from '../../requests/request.types.js';
import type { WebchatOptions } from './webchat.adapter.js';
import type { Limiter } from './webchat.limits.js';
import { identitySchema, WEBCHAT_CHANNEL } from './webchat.protocol.js';
import { identityVisitorId, issueVisitorToken, newVisitorId, verifyIdentityHash, verifyVisitorToken } from './visitor-token.js';

/** What a connected socket knows about its visitor (socket.data). */
export interface VisitorSession {
  visitorId: string;
  token: string;
  customer: Customer;
  locale: Locale | undefined;
  displayName: string | undefined;
  lastSeenId: string | undefined;
}

/** A handshake refusal: socket.io hands `message` and `data` to the client's `connect_error`. */
export class HandshakeError extends Error {
  readonly data: { code: string; message: string; retryAfterMs?: number };
  constructor(code: string, message: string, retryAfterMs?: number) {
    super(code);
    this.data = { code, message, ...(retryAfterMs ? { retryAfterMs } : {}) };
  }
}

interface HandshakeContext {
  options: WebchatOptions;
  store: RequestStore;
  limiter: Limiter;
  originAllowed: (origin: string | undefined) => boolean;
  logger: Logger;
}

const asLocale = (v: unknown): Locale | undefined => (v === 'ru' || v === 'en' ? v : undefined);

/**
 * Decides who is connecting: a verified identity, the visitor of a valid
 * token, or a new visitor. A forged or foreign token is refused, never
 * silently replaced, so the client knows to forget it.
 */
export async function authenticate(socket: Socket, ctx: HandshakeContext): Promise<void> {
  const { handshake } = socket;
  if (!ctx.originAllowed(handshake.headers.origin)) {
    throw new HandshakeError('origin_not_allowed', `origin ${handshake.headers.origin} may not embed this chat`);
  }
  const wait = await ctx.limiter.take(handshake.address);
  if (wait !== null) throw new HandshakeError('rate_limited', 'too many connections, try again later', wait);
  const auth = (handshake.auth ?? {}) as Record<string, unknown>;
  const { visitorId, displayName } = resolveVisitor(auth, ctx.options);
  const locale = asLocale(auth.locale);
  const customer = await ctx.store.upsertCustomer({
    channel: WEBCHAT_CHANNEL,
    externalId: visitorId,
    locale: locale ?? ctx.options.defaultLocale,
    ...(displayName ? { displayName } : {}),
  });
  const lastSeenId = typeof auth.lastSeenId === 'string' && /^\d{1,20}$/.test(auth.lastSeenId) ? auth.lastSeenId : undefined;
  const session: VisitorSession = {
    visitorId,
    token: issueVisitorToken(ctx.options.secret, visitorId),
    customer,
    locale,
    displayName,
    lastSeenId,
  };
  socket.data = session;
}

function resolveVisitor(auth: Record<string, unknown>, options: WebchatOptions): { visitorId: string; displayName?: string } {
  if (auth.identity !== undefined) {
    const identity = identitySchema.safeParse(auth.identity);
    if (!identity.success || !options.identitySecret) {
      throw new HandshakeError('invalid_identity', 'identity verification is not enabled or the identity is malformed');
    }
    if (!verifyIdentityHash(options.identitySecret, identity.data.externalId, identity.data.hash)) {
      throw new HandshakeError('invalid_identity', 'the identity hash does not match');
    }
    const name = identity.data.name ?? identity.data.email;
    return { visitorId: identityVisitorId(identity.data.externalId), ...(name ? { displayName: name } : {}) };
  }
  if (auth.token === undefined || auth.token === null || auth.token === '') return { visitorId: newVisitorId() };
  const visitorId = verifyVisitorToken(options.secret, auth.token);
  if (!visitorId) throw new HandshakeError('invalid_token', 'the visitor token is not valid here; connect without it');
  return { visitorId };
}

import type { Socket } from 'socket.io';
import type { Locale } from '../../conversation/conversation.types.js';
import { clientAddress, type TrustFn } from '../../http/client-address.js';
import type { ChannelDesk } from '../channel-desk.port.js';
import type { WebchatOptions } from './webchat.types.js';
import type { Limiter } from './webchat.limits.js';
import { identitySchema, messageIdSchema } from './webchat.protocol.js';
import { identityVisitorId, isIdentityVisitor, issueVisitorToken, newVisitorId, verifyIdentityHash, verifyVisitorToken } from './visitor-token.js';

/** What a connected socket knows about its visitor (socket.data). */
export interface VisitorSession {
  visitorId: string;
  token: string;
  /**
   * The visitor's customer, once there is one: a visitor becomes a customer with
   * their first message (or upload), so an anonymous page view writes nothing.
   */
  customerId: string | null;
  /** The language to greet in: the customer's, else the one the page asked for, else the default. */
  locale: Locale;
  /** What the page asked for (`auth.locale`); handed to the gateway with each message. */
  requestedLocale: Locale | undefined;
  displayName: string | undefined;
  lastSeenId: string | undefined;
  /** The client's address (TRUST_PROXY applied): per-address limits count it. */
  address: string;
  /** The site identified the visitor (`auth.identity`): the pre-chat step is skipped. */
  identified: boolean;
  /** The page asked for the pre-chat step (`auth.prechat`, the widget's `data-prechat`). */
  prechat: boolean;
  /**
   * This connection showed the unstored opening prompt and the visitor has not
   * written since: their next message answers it (InboundMessage.answersOpening).
   */
  awaitingOpening: boolean;
}

/** A handshake refusal: socket.io hands `message` and `data` to the client's `connect_error`. */
export class HandshakeError extends Error {
  readonly data: { code: string; message: string; retryAfterMs?: number };
  constructor(code: string, message: string, retryAfterMs?: number) {
    super(code);
    this.data = { code, message, ...(retryAfterMs ? { retryAfterMs } : {}) };
  }
}

export interface HandshakeContext {
  options: WebchatOptions;
  desk: Pick<ChannelDesk, 'findCustomer'>;
  limits: { newVisitors: Limiter; returningVisitors: Limiter };
  originAllowed: (origin: string | undefined) => boolean;
  trust: TrustFn;
  clock: () => Date;
}

interface Visitor {
  visitorId: string;
  /** The visitor presented a token or an identity (admitted as returning), or is new. */
  returning: boolean;
  /** When the presented token was issued (ms), to check it against revocation. */
  tokenIssuedAt?: number;
  /** Admitted by a verified identity. */
  identified: boolean;
  displayName?: string;
}

const asLocale = (v: unknown): Locale | undefined => (v === 'ru' || v === 'en' ? v : undefined);

/**
 * Decides who is connecting: a verified identity, the visitor of a valid token,
 * or a new visitor. A forged, foreign, expired or revoked token is refused,
 * never silently replaced, so the client knows to forget it; so is the token of
 * a verified identity presented without the identity. New visitors are counted
 * per client address, returning ones per visitor. Nothing is written: the
 * customer is created by the visitor's first message.
 */
export async function authenticate(socket: Socket, ctx: HandshakeContext): Promise<void> {
  const { handshake } = socket;
  if (!ctx.originAllowed(handshake.headers.origin)) {
    throw new HandshakeError('origin_not_allowed', `origin ${handshake.headers.origin} may not embed this chat`);
  }
  const now = ctx.clock().getTime();
  const address = clientAddress(socket.request, ctx.trust);
  const auth = (handshake.auth ?? {}) as Record<string, unknown>;
  const visitor = resolveVisitor(auth, ctx.options, now);
  const wait = visitor.returning ? await ctx.limits.returningVisitors.take(visitor.visitorId) : await ctx.limits.newVisitors.take(address);
  if (wait !== null) throw new HandshakeError('rate_limited', 'too many connections, try again later', wait);
  const customer = visitor.returning ? await ctx.desk.findCustomer(visitor.visitorId) : null;
  if (visitor.tokenIssuedAt !== undefined && customer?.tokensValidAfter && visitor.tokenIssuedAt < customer.tokensValidAfter.getTime()) {
    throw new HandshakeError('invalid_token', 'the visitor token was revoked; connect without it');
  }
  const requestedLocale = asLocale(auth.locale);
  const lastSeenId = messageIdSchema.safeParse(auth.lastSeenId);
  const session: VisitorSession = {
    visitorId: visitor.visitorId,
    token: issueVisitorToken(ctx.options.secret, visitor.visitorId, now),
    customerId: customer?.id ?? null,
    locale: (customer?.locale as Locale | undefined) ?? requestedLocale ?? ctx.options.defaultLocale,
    requestedLocale,
    displayName: visitor.displayName,
    lastSeenId: customer && lastSeenId.success ? lastSeenId.data : undefined,
    address,
    identified: visitor.identified,
    prechat: auth.prechat === true,
    awaitingOpening: false,
  };
  socket.data = session;
}

function resolveVisitor(auth: Record<string, unknown>, options: WebchatOptions, now: number): Visitor {
  if (auth.identity !== undefined) {
    const identity = identitySchema.safeParse(auth.identity);
    if (!identity.success || !options.identitySecret) {
      throw new HandshakeError('invalid_identity', 'identity verification is not enabled or the identity is malformed');
    }
    if (!verifyIdentityHash(options.identitySecret, identity.data.externalId, identity.data.hash)) {
      throw new HandshakeError('invalid_identity', 'the identity hash does not match');
    }
    const name = identity.data.name ?? identity.data.email;
    return { visitorId: identityVisitorId(identity.data.externalId), returning: true, identified: true, ...(name ? { displayName: name } : {}) };
  }
  if (auth.token === undefined || auth.token === null || auth.token === '') return { visitorId: newVisitorId(), returning: false, identified: false };
  const token = verifyVisitorToken(options.secret, auth.token, now, options.tokenTtlMs);
  if (!token) throw new HandshakeError('invalid_token', 'the visitor token is not valid here or has expired; connect without it');
  if (isIdentityVisitor(token.visitorId)) {
    throw new HandshakeError('invalid_token', 'this token belongs to a signed-in user: connect with their identity, or without the token');
  }
  return { visitorId: token.visitorId, returning: true, identified: false, tokenIssuedAt: token.issuedAt };
}

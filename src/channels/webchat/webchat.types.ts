/**
 * The web chat channel's options, the application parts it uses and its limits:
 * apart from the adapter, so that its handlers and routes depend on these types
 * and not on the adapter that uses them.
 */
import type { ChannelContext } from '../channel.port.js';
import type { ChannelDesk } from '../channel-desk.port.js';
import type { Locale } from '../../conversation/conversation.types.js';
import type { TrustProxySetting } from '../../http/client-address.js';
import type { Rate } from '../../config.js';
import type { Limiter } from './webchat.limits.js';

export interface WebchatOptions {
  /** Signs visitor tokens and attachment links. Must be the same on every instance. */
  secret: string;
  /** Verifies identities passed by sites with logged-in users; null refuses them. */
  identitySecret: string | null;
  /** Origins allowed to embed the chat; `'*'` allows any. */
  allowedOrigins: string[] | '*';
  messageRate: Rate;
  uploadRate: Rate;
  /** The same, per client address, for all the visitors behind it together. */
  addressMessageRate: Rate;
  addressUploadRate: Rate;
  /** New anonymous visitors per client address, and connections per returning visitor. */
  connectionRate: Rate;
  reconnectRate: Rate;
  tokenTtlMs: number;
  uploadMaxBytes: number;
  /** Bytes one visitor may have uploaded and not sent yet. */
  unsentUploadsMaxBytes: number;
  defaultLocale: Locale;
  /** Which proxies' X-Forwarded-For names the client (TRUST_PROXY). */
  trustProxy: TrustProxySetting;
}

/** The application's parts the channel uses (see ChannelContext); it adds `/webchat` to `io`. */
export interface WebchatDeps extends Pick<ChannelContext, 'logger' | 'clock' | 'redis' | 'io'> {
  /** Visitors' customers, their history and files, the pre-chat setting: the web chat's desk (ChannelContext.desk). */
  desk: ChannelDesk;
  /** Called when a visitor who is a customer starts or stops typing (the agent console listens). */
  onVisitorTyping?: (customerId: string, typing: boolean) => void;
}

/** Every limit of the channel, by what it counts. */
export interface WebchatLimits {
  messages: Limiter;
  addressMessages: Limiter;
  uploads: Limiter;
  addressUploads: Limiter;
  newVisitors: Limiter;
  returningVisitors: Limiter;
}

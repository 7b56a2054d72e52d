import type { Logger } from 'pino';
import type { ConsoleConfig } from '../config.js';
import type { Gateway } from '../gateway/gateway.js';
import type { GatewayEvents } from '../gateway/gateway-events.js';
import type { AttachmentService } from '../requests/attachments.js';
import type { RequestStore } from '../requests/request-store.port.js';
import type { AgentStore } from './agent-store.js';
import type { ConsoleQueries } from './console.queries.js';
import type { LoginLimiter } from './login-limiter.js';
import type { AgentPresence } from './presence.js';
import type { AgentRelay } from './relay.js';
import type { SessionService } from './sessions.js';

/** What the agent API's routes work with. */
export interface ConsoleDeps {
  config: ConsoleConfig;
  agents: AgentStore;
  sessions: SessionService;
  limiter: LoginLimiter;
  queries: ConsoleQueries;
  store: RequestStore;
  gateway: Gateway;
  /** Announces what other parts act on (a customer signed out: the web chat disconnects them). */
  events: GatewayEvents;
  attachments: AttachmentService;
  relay: AgentRelay;
  /** Agents' presence: agent views carry it, changes of choice are announced. */
  presence: AgentPresence;
  /** Each reporting channel's connection status, by channel name. */
  channelStatus: () => Promise<Record<string, Record<string, unknown>>>;
  /** The channels this instance runs (`webchat`, `telegram`, `whatsapp`), whether or not they report a connection. */
  channelNames: readonly string[];
  /** Largest file an agent may upload. */
  uploadMaxBytes: number;
  clock: () => Date;
  logger: Logger;
}

/** What the gateway is built from (the composition root passes it); apart from gateway.ts so that its parts can name it without a cycle. */
import type { KnownIncident } from '../conversation/conversation.types.js';
import type { Logger } from 'pino';
import type { Locale } from '../conversation/conversation.types.js';
import type { Metrics } from '../observability/metrics.js';
import type { AttachmentService } from '../requests/attachments.js';
import type { RequestStore } from '../requests/request-store.port.js';
import type { Customer, StoredMessage } from '../requests/request.types.js';
import type { GatewayEvents } from './gateway-events.js';
import type { LockManager, StateStore } from './state-store.port.js';

export interface GatewayDeps {
  store: RequestStore;
  states: StateStore;
  locks: LockManager;
  attachments: AttachmentService;
  events: GatewayEvents;
  metrics: Metrics;
  logger: Logger;
  clock: () => Date;
  intakeTtlMs: number;
  defaultLocale: Locale;
  /** A message that failed this many times is set aside so the conversation can go on. */
  maxStepAttempts?: number;
  /** A customer's message this long (ms) after a request closed is filed under it (CLOSED_FOLLOWUP_WINDOW); default 0, never. */
  closedFollowUpMs?: number;
  /** How a channel offers actions (ChannelPort.menu); commands when unknown. */
  menuOf?: (channel: string) => 'commands' | 'buttons' | undefined;
  /**
   * The open mass incidents an intake offers, newest first (IncidentDirectory.list);
   * never rejects. Without it none are offered.
   */
  knownIncidents?: () => Promise<Array<KnownIncident & { id: string }>>;
  /** Replies on channels that send at once (ChannelPort.sendsAtOnce) go out right after their step commits. */
  sendAtOnce?: SendAtOnce;
}

/** Sends the bot's replies a step wrote as sent (StepCommit.sentAtOnce), bypassing the outbox's claim and completion. */
export interface SendAtOnce {
  /** Whether the channel's replies are to be written as sent and sent after the commit. */
  accepts(channel: string): boolean;
  /** Sends one such reply. Never rejects: a failure is logged, and the customer's client reads the reply from its history. */
  send(customer: Customer, message: StoredMessage): void;
}

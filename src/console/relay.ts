/**
 * The agent relay: what agents do to a conversation (reply, note, assign) and
 * what agents are shown live. Gateway events from this instance are turned into
 * `/agents` events; with Redis, socket.io's adapter carries them to agents
 * connected to any instance, so each event is broadcast once, by the instance
 * where it happened.
 */
import type { Logger } from 'pino';
import type { ChannelPort } from '../channels/channel.port.js';
import type { Gateway } from '../gateway/gateway.js';
import type { GatewayEvents } from '../gateway/gateway-events.js';
import { HttpError } from '../http/errors.js';
import type { RequestStore } from '../requests/request-store.port.js';
import type { AttachmentRecord, StoredMessage } from '../requests/request.types.js';
import type { AgentRef, MessageView } from './console.api.js';
import type { ConsoleQueries } from './console.queries.js';
import { toMessageView, toStatusChangeView, type AgentLookup } from './console.views.js';
import { ADMINS_ROOM, AGENTS_ROOM, agentRoom, sessionRoom, type AgentsNamespace } from './agents.namespace.js';
import { toChannelStatusView } from './channel-status.js';
import type { IncidentService } from '../incidents/incidents.js';
import { relayIncidents } from './incidents.relay.js';

/** How long an answer of anyoneListening stands. */
const LISTENING_CHECK_MS = 200;

/** The least time between two drafts_changed broadcasts of one instance. */
const DRAFTS_CHANGED_EVERY_MS = 500;

export interface AgentRelayDeps {
  nsp: AgentsNamespace;
  queries: ConsoleQueries;
  store: RequestStore;
  gateway: Gateway;
  events: GatewayEvents;
  /** Whether an agent may have a console open on any instance (ConsoleConnections.any); without it, only this instance's sockets count. */
  anyoneListening?: () => Promise<boolean>;
  /** The channels this instance runs, to show the customer an agent typing. */
  ports: ReadonlyMap<string, ChannelPort>;
  clock: () => Date;
  logger: Logger;
  /** Mass incidents, relayed as `incident_*` events (incidents.relay.ts). */
  incidents?: IncidentService;
}

export class AgentRelay {
  private unsubscribe: Array<() => void> = [];
  /** The last answer of anyoneListening, and until when it stands (see listening). */
  private heard: { listening: boolean; until: number } = { listening: false, until: 0 };
  private stopped = false;
  /** A drafts_changed broadcast waiting for its turn (see draftsChanged). */
  private draftsTimer: NodeJS.Timeout | null = null;
  private draftsPending = false;
  /** The last announcement queued per customer or channel (see inOrder). */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(private readonly deps: AgentRelayDeps) {}

  /** Starts relaying gateway events to connected agents. */
  start(): void {
    const { events, queries, store } = this.deps;
    this.unsubscribe = [
      events.on('request_created', ({ request }) =>
        this.inOrder(request.customerId, async () => {
          if (!(await this.listening())) return;
          const item = await queries.listItem(request.id, 'all');
          if (item) this.broadcast().emit('request_created', { request: item });
        }),
      ),
      events.on('customer_message', ({ requestNumber, message }) =>
        this.inOrder(message.customerId, () => this.announceMessage(requestNumber, message)),
      ),
      events.on('message_enqueued', ({ message }) =>
        this.inOrder(message.customerId, () => this.announceMessage(null, message)),
      ),
      events.on('status_changed', ({ request, change }) =>
        this.inOrder(request.customerId, async () => {
          if (!(await this.listening())) return;
          const agents = await queries.lookup();
          this.broadcast().emit('status_changed', { requestNumber: request.number, change: toStatusChangeView(change, agents) });
          await this.announceRow(request.id, agents);
        }),
      ),
      events.on('delivered', ({ message }) => this.inOrder(message.customerId, () => this.announceDelivery(message, null))),
      events.on('delivery_failed', ({ message, error }) =>
        this.inOrder(message.customerId, async () => {
          if (!(await this.listening())) return;
          await this.announceDelivery(message, error);
          if (message.requestId) await this.announceRow(message.requestId); // the customer may be unreachable now
        }),
      ),
      // In order per channel: drawing a QR code takes a moment, and a newer state must not be overtaken.
      events.on('channel_status', ({ channel, status }) =>
        this.inOrder(`channel:${channel}`, async () => {
          this.deps.nsp.to(ADMINS_ROOM).emit('channel_status', await toChannelStatusView(channel, status));
        }),
      ),
      events.on('intake_changed', () => this.draftsChanged()),
      ...(this.deps.incidents
        ? [relayIncidents({
            events,
            incidents: this.deps.incidents,
            lookup: () => queries.lookup(),
            emit: (event, payload) => this.broadcast().emit(event, payload as never),
            announceRequest: async (number) => {
              const ref = await queries.requestRef(number);
              if (ref) await this.announceRow(ref.id);
            },
            logger: this.deps.logger,
          })]
        : []),
      events.on('customer_typing', ({ customerId, typing }) =>
        this.inOrder(customerId, async () => {
          if (!(await this.listening())) return;
          const active = await store.findActiveRequest(customerId);
          if (active) this.broadcast().emit('customer_typing', { requestNumber: active.number, typing });
        }),
      ),
    ];
  }

  /**
   * Runs `work` after the earlier work for the same key (a customer, a channel): announcing an event
   * reads the database, and a quick read must not overtake a slow one (a
   * delivery status before its message, a message before its new request).
   */
  private inOrder(key: string, work: () => Promise<void>): Promise<void> {
    const next = (this.chains.get(key) ?? Promise.resolve()).then(work).catch((error: unknown) => {
      this.deps.logger.error({ err: error, key }, 'agent event not relayed');
    });
    this.chains.set(key, next);
    void next.then(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }

  /**
   * Stops relaying and waits for the announcements already queued, so that none
   * is emitted after the server's connections close.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const off of this.unsubscribe) off();
    this.unsubscribe = [];
    if (this.draftsTimer) clearTimeout(this.draftsTimer);
    this.draftsTimer = null;
    await Promise.all([...this.chains.values()]);
  }

  /**
   * Whether any agent may be watching: announcements read the database, and a
   * desk with no console open anywhere (a night, a load test) should not pay
   * for them. This instance's sockets answer at once; others' through
   * anyoneListening, whose answer stands for LISTENING_CHECK_MS. An agent who
   * connects loads the lists afterwards, so what they missed is in them.
   */
  private async listening(): Promise<boolean> {
    if (this.stopped) return false;
    if (this.deps.nsp.sockets.size > 0) return true;
    if (!this.deps.anyoneListening) return false;
    const now = Date.now();
    if (now < this.heard.until) return this.heard.listening;
    const listening = await this.deps.anyoneListening().catch(() => true);
    this.heard = { listening, until: now + LISTENING_CHECK_MS };
    return listening;
  }

  /**
   * Tells agents the drafts changed, at most once per DRAFTS_CHANGED_EVERY_MS:
   * every intake step changes a draft, and consoles refetch the list on each
   * event. The first change of a quiet period goes out at once.
   */
  private draftsChanged(): void {
    if (this.draftsTimer) {
      this.draftsPending = true;
      return;
    }
    this.broadcast().emit('drafts_changed');
    this.draftsTimer = setTimeout(() => {
      this.draftsTimer = null;
      if (!this.draftsPending) return;
      this.draftsPending = false;
      this.draftsChanged();
    }, DRAFTS_CHANGED_EVERY_MS);
    this.draftsTimer.unref();
  }

  /** An agent's reply, sent to the customer through the outbox. */
  async reply(number: string, agentId: string, text: string | null, attachmentIds: string[] = []): Promise<MessageView> {
    const request = await this.deps.store.getRequest(number);
    if (!request) throw new HttpError('not_found', `request ${number} does not exist`);
    const files = await Promise.all(attachmentIds.map((id) => this.deps.store.getAttachment(id)));
    for (const [i, file] of files.entries()) {
      // Only files uploaded for this customer and not sent yet.
      if (!file || file.customerId !== request.customer.id || file.messageId !== null) {
        throw new HttpError('unprocessable', `attachment ${attachmentIds[i]} was not uploaded for request ${request.number} or was sent already`);
      }
    }
    const { message } = await this.deps.gateway.agentReply({ number, agentId, text, attachmentIds, request });
    return toMessageView(message, files.filter((f): f is AttachmentRecord => f !== null), await this.deps.queries.lookup());
  }

  /** An internal note: stored under the request and shown to agents only. */
  async addNote(number: string, agentId: string, text: string): Promise<MessageView> {
    const ref = await this.deps.queries.requestRef(number);
    if (!ref) throw new HttpError('not_found', `request ${number} does not exist`);
    const note = await this.deps.store.addNote({ requestId: ref.id, agentId, text, at: this.deps.clock() });
    const view = toMessageView(note, [], await this.deps.queries.lookup());
    await this.inOrder(note.customerId, async () => {
      this.broadcast().emit('message', { requestNumber: ref.number, message: view });
    });
    return view;
  }

  async assign(number: string, agentId: string | null, byAgentId: string): Promise<void> {
    const request = await this.deps.store.assignRequest(number, agentId, this.deps.clock());
    await this.inOrder(request.customerId, async () => {
      const agents = await this.deps.queries.lookup();
      this.broadcast().emit('assigned', { requestNumber: request.number, assignee: agents(request.assigneeId), by: agents(byAgentId) });
      await this.announceRow(request.id, agents);
    });
  }

  /** Shows other agents, and the customer where the channel can, that an agent is typing. */
  async agentTyping(agent: AgentRef, requestNumber: string, typing: boolean): Promise<void> {
    const detail = await this.deps.store.getRequest(requestNumber);
    if (!detail) return;
    this.deps.nsp.except(agentRoom(agent.id)).emit('agent_typing', { requestNumber: detail.number, agent, typing });
    this.deps.ports.get(detail.customer.channel)?.setTyping?.(detail.customer.externalId, typing);
  }

  /** Disconnects the sockets of a session that ended (sign-out). */
  endSession(sessionId: string): void {
    this.deps.nsp.in(sessionRoom(sessionId)).disconnectSockets(true);
  }

  /** Disconnects every socket of an agent (deactivated). */
  endAgent(agentId: string): void {
    this.deps.nsp.in(agentRoom(agentId)).disconnectSockets(true);
  }

  /** Disconnects the agent's sockets of every session but `sessionId` (they changed their own password). */
  endOtherSessions(agentId: string, sessionId: string): void {
    this.deps.nsp.in(agentRoom(agentId)).except(sessionRoom(sessionId)).disconnectSockets(true);
  }

  private broadcast() {
    return this.deps.nsp.to(AGENTS_ROOM);
  }

  private async announceMessage(requestNumber: string | null, message: StoredMessage): Promise<void> {
    if (!message.requestId || !(await this.listening())) return;
    const agents = await this.deps.queries.lookup();
    const [row, attachments] = await Promise.all([this.deps.queries.listItem(message.requestId, 'none', agents), this.attachmentsOf(message)]);
    if (!row) return;
    this.broadcast().emit('message', { requestNumber: requestNumber ?? row.number, message: toMessageView(message, attachments, agents, null, row.customer.locale) });
    this.broadcast().emit('request_updated', { request: row });
  }

  private async announceRow(requestId: string, agents?: AgentLookup): Promise<void> {
    const row = await this.deps.queries.listItem(requestId, 'none', agents);
    if (row) this.broadcast().emit('request_updated', { request: row });
  }

  private async announceDelivery(message: StoredMessage, error: string | null): Promise<void> {
    if (!message.requestId || !(await this.listening())) return;
    const ref = await this.deps.queries.numberOf(message.requestId);
    if (!ref) return;
    this.broadcast().emit('message_status', {
      requestNumber: ref,
      messageId: message.id,
      deliveryState: error === null ? 'sent' : 'failed',
      deliveryError: error,
    });
  }

  private async attachmentsOf(message: StoredMessage): Promise<AttachmentRecord[]> {
    const found = await Promise.all(message.attachmentIds.map((id) => this.deps.store.getAttachment(id)));
    return found.filter((a): a is AttachmentRecord => a !== null);
  }
}

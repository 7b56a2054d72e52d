/**
 * Agents' presence, server side. Each agent chooses `online` or `away`
 * (agent.presence, PATCH /api/auth/me); other agents see that choice while
 * the agent has a console open, a connected `/agents` socket on any instance
 * (ConsoleConnections), and `offline` otherwise. Changes are announced to
 * every agent as `agent_presence`: on a change of choice, when an agent's first
 * console opens and when their last one closes.
 */
import type { Logger } from 'pino';
import type { AgentRecord, AgentStore } from './agent-store.js';
import { AGENTS_ROOM, type AgentSocket, type AgentsNamespace } from './agents.namespace.js';
import { PRESENCE_REFRESH_MS, type ConsoleConnections } from './connections.port.js';
import type { AgentView, Presence } from './console.api.js';
import { toAgentView } from './console.views.js';

export interface AgentPresenceDeps {
  connections: ConsoleConnections;
  agents: Pick<AgentStore, 'getAgent'>;
  nsp: AgentsNamespace;
  logger: Logger;
}

export class AgentPresence {
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  /** Whether the last refresh failed: an outage is logged once, not every refresh. */
  private failing = false;

  constructor(private readonly deps: AgentPresenceDeps) {}

  /** Agents as the API shows them, each with their presence. */
  async views(agents: readonly AgentRecord[]): Promise<AgentView[]> {
    const online = await this.onlineOf(agents.map((a) => a.id));
    return agents.map((a) => toAgentView(a, online.has(a.id)));
  }

  async view(agent: AgentRecord): Promise<AgentView> {
    return toAgentView(agent, (await this.onlineOf([agent.id])).has(agent.id));
  }

  /**
   * A console connected: its socket counts from now on. Returns the agent as
   * stored now, for the socket's `ready`, and the announcement to make after
   * it (something only when this is the agent's first console).
   */
  async opened(socket: AgentSocket): Promise<{ agent: AgentView; announce: () => void }> {
    const { agent } = socket.data;
    const first = await this.deps.connections.open(agent.id, socket.id).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, agent: agent.id }, 'console connection not recorded for presence; the next refresh records it');
      return false;
    });
    // Read after recording: a choice changed meanwhile is seen here, or its change found this socket and announced it.
    const now = (await this.deps.agents.getAgent(agent.id).catch(() => null)) ?? agent;
    return { agent: toAgentView(now, true), announce: () => (first ? this.announce(agent.id, now.presence) : undefined) };
  }

  /** A console disconnected: announced when it was the agent's last anywhere. */
  async closed(socket: AgentSocket): Promise<void> {
    // Shutting down: this instance's sockets are left to lapse, so consoles reconnecting elsewhere never look offline.
    if (this.stopping) return;
    const { agent } = socket.data;
    if (await this.deps.connections.close(agent.id, socket.id)) this.announce(agent.id, 'offline');
  }

  /** The agent changed their choice: announced while they have a console open (others see `offline` otherwise, either way). */
  async choiceChanged(agent: AgentRecord): Promise<void> {
    if ((await this.onlineOf([agent.id])).has(agent.id)) this.announce(agent.id, agent.presence);
  }

  /** Renews this instance's consoles every PRESENCE_REFRESH_MS and announces what the renewal finds. */
  start(): void {
    this.stopping = false;
    this.timer = setInterval(() => void this.refresh(), PRESENCE_REFRESH_MS);
    this.timer.unref();
  }

  stop(): void {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** One renewal (see ConsoleConnections.refresh). Never rejects: a failure is logged, and the next one tries again. */
  async refresh(): Promise<void> {
    try {
      const local = [...this.deps.nsp.sockets.values()].map((s) => ({ agentId: s.data.agent.id, socketId: s.id }));
      const { cameOnline, wentOffline } = await this.deps.connections.refresh(local);
      for (const agentId of wentOffline) this.announce(agentId, 'offline');
      // A socket that disconnected while its lease was being renewed was put back: take it out again.
      for (const { agentId, socketId } of local.filter((s) => !this.deps.nsp.sockets.has(s.socketId))) {
        if (await this.deps.connections.close(agentId, socketId)) this.announce(agentId, 'offline');
      }
      const here = new Set([...this.deps.nsp.sockets.values()].map((s) => s.data.agent.id));
      for (const agentId of cameOnline.filter((id) => here.has(id))) {
        const agent = await this.deps.agents.getAgent(agentId);
        if (agent) this.announce(agentId, agent.presence);
      }
      if (this.failing) this.deps.logger.info('console presence renewed again');
      this.failing = false;
    } catch (error) {
      if (!this.failing) this.deps.logger.warn({ err: error }, 'console presence not renewed; trying again at the next refresh');
      this.failing = true;
    }
  }

  private announce(agentId: string, presence: Presence): void {
    this.deps.nsp.to(AGENTS_ROOM).emit('agent_presence', { agentId, presence });
  }

  /** Who has a console open; this instance's own sockets when the shared record cannot be read (Redis down). */
  private async onlineOf(agentIds: readonly string[]): Promise<Set<string>> {
    try {
      return await this.deps.connections.online(agentIds);
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'presence read from this instance only: the shared record is unavailable');
      const here = new Set([...this.deps.nsp.sockets.values()].map((s) => s.data.agent.id));
      return new Set(agentIds.filter((id) => here.has(id)));
    }
  }
}

import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useSocketEvent, type AgentSocket } from '../socket.js';
import type { AgentView } from '../types.js';

export interface Agents {
  /** Active agents by name: who a request can be assigned to, and filtered by. */
  active: AgentView[];
  /** Loads the list again (an admin may have added or deactivated someone meanwhile). */
  refresh(): void;
}

const byName = (a: AgentView, b: AgentView) => a.name.localeCompare(b.name) || a.email.localeCompare(b.email);

/**
 * The desk's active agents, from GET /api/agents; loaded again after a
 * reconnect (`epoch`); each one's presence kept live by `agent_presence`.
 */
export function useAgents(socket: AgentSocket | null, epoch: number): Agents {
  const [active, setActive] = useState<AgentView[]>([]);
  const loading = useRef(false);
  const refresh = useCallback(() => {
    if (loading.current) return;
    loading.current = true;
    api
      .agents()
      .then(
        (r) => setActive(r.agents.filter((a) => a.active).sort(byName)),
        // The list stays as it was: assigning to me and unassigning still work.
        (err: unknown) => console.error('loading the agents failed', err),
      )
      .finally(() => {
        loading.current = false;
      });
  }, []);
  useEffect(refresh, [epoch]);
  useSocketEvent(socket, 'agent_presence', ({ agentId, presence }) =>
    setActive((list) => (list.some((a) => a.id === agentId) ? list.map((a) => (a.id === agentId ? { ...a, presence } : a)) : list)),
  );
  return { active, refresh };
}

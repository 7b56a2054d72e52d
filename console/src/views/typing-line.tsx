import { useEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../i18n/i18n.js';
import { useSocketEvent, type AgentSocket } from '../socket.js';
import type { AgentView } from '../types.js';

/**
 * A "typing" not followed by "stopped" fades after this long: the widget says
 * "typing" again every 2 s while the visitor types, and a "stopped" can be lost
 * (the server drops it once the customer has no active request).
 */
const STALE_MS = 5000;

export interface Typing {
  customer: boolean;
  /** Names of the other agents typing on this request. */
  agents: string[];
}

/** Who is typing on the request: its customer (web chat) and other agents. */
export function useTyping(socket: AgentSocket | null, number: string, me: AgentView): Typing {
  const [customer, setCustomer] = useState(false);
  const [agents, setAgents] = useState<Record<string, string>>({});
  const timers = useRef(new Map<string, ReturnType<typeof setTimeout>>());

  const mark = (key: string, on: boolean, set: (on: boolean) => void) => {
    clearTimeout(timers.current.get(key));
    set(on);
    if (on) timers.current.set(key, setTimeout(() => set(false), STALE_MS));
  };
  useEffect(() => () => timers.current.forEach((timer) => clearTimeout(timer)), []);

  useSocketEvent(socket, 'customer_typing', (e) => e.requestNumber === number && mark('customer', e.typing, setCustomer));
  useSocketEvent(socket, 'agent_typing', (e) => {
    if (e.requestNumber !== number || e.agent.id === me.id) return;
    mark(e.agent.id, e.typing, (on) =>
      setAgents((all) => {
        const next = { ...all };
        if (on) next[e.agent.id] = e.agent.name;
        else delete next[e.agent.id];
        return next;
      }),
    );
  });
  // A customer message ends their typing.
  useSocketEvent(socket, 'message', (e) => e.requestNumber === number && e.message.author === 'customer' && mark('customer', false, setCustomer));
  return { customer, agents: Object.values(agents) };
}

export function TypingLine({ typing }: { typing: Typing }) {
  const t = useT();
  const lines = [...(typing.customer ? [t.customerTyping] : []), ...typing.agents.map((name) => t.agentTyping(name))];
  return (
    <p class="typing-line" aria-live="polite" data-testid="customer-typing" data-typing={typing.customer ? 'true' : 'false'}>
      {lines.join(' · ')}
    </p>
  );
}

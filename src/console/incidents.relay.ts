/**
 * Mass incidents on the `/agents` namespace: `incident_updated` (with the
 * incident as the list shows it), `incident_linked` and `incident_unlinked`.
 * A fan-out changes its incident every batch: `incident_updated` goes out at
 * most once per CHANGED_EVERY_MS per incident, the last change always included.
 */
import type { Logger } from 'pino';
import type { GatewayEvents } from '../gateway/gateway-events.js';
import type { IncidentService } from '../incidents/incidents.js';
import type { AgentLookup } from './console.views.js';
import { toIncidentView } from './incidents.views.js';

const CHANGED_EVERY_MS = 250;

export interface IncidentRelayDeps {
  events: GatewayEvents;
  incidents: IncidentService;
  lookup: () => Promise<AgentLookup>;
  /** Emits to every agent. */
  emit: (event: 'incident_updated' | 'incident_linked' | 'incident_unlinked', payload: unknown) => void;
  /** Announces a customer's request row again (its incident banner changed). */
  announceRequest: (number: string) => Promise<void>;
  logger: Logger;
}

/** Starts relaying; returns what stops it. */
export function relayIncidents(deps: IncidentRelayDeps): () => void {
  const timers = new Map<string, NodeJS.Timeout>();
  const pending = new Set<string>();
  const fail = (error: unknown) => deps.logger.error({ err: error }, 'incident event not relayed');

  const announce = async (number: string) => {
    const found = await deps.incidents.get(number);
    if (found) deps.emit('incident_updated', { incident: toIncidentView(found, await deps.lookup()) });
  };
  const changed = (number: string) => {
    if (timers.has(number)) {
      pending.add(number);
      return;
    }
    void announce(number).catch(fail);
    const timer = setTimeout(() => {
      timers.delete(number);
      if (pending.delete(number)) changed(number);
    }, CHANGED_EVERY_MS);
    timer.unref();
    timers.set(number, timer);
  };

  const offs = [
    deps.events.on('incident_changed', ({ incidentNumber }) => changed(incidentNumber)),
    deps.events.on('incident_linked', async (payload) => {
      deps.emit('incident_linked', payload);
      for (const n of payload.requestNumbers) await deps.announceRequest(n);
    }),
    deps.events.on('incident_unlinked', async (payload) => {
      deps.emit('incident_unlinked', payload);
      changed(payload.incidentNumber);
      await deps.announceRequest(payload.requestNumber);
    }),
  ];
  return () => {
    for (const off of offs) off();
    for (const t of timers.values()) clearTimeout(t);
    timers.clear();
  };
}

/** Mass incidents as the agent API shows them. */
import type { IncidentDetail, IncidentRecord, IncidentUpdateRecord } from '../incidents/incident.types.js';
import type { AgentLookup } from './console.views.js';
import { toStatusChangeView } from './console.views.js';
import type { IncidentDetailView, IncidentUpdateView, IncidentView } from './incidents.schemas.js';

export function toIncidentUpdateView(u: IncidentUpdateRecord & { deliveries?: IncidentUpdateView['deliveries'] }, agents: AgentLookup): IncidentUpdateView {
  return {
    id: u.id, text: u.text, internal: u.internal, agent: agents(u.agentId), recipients: u.recipients, queued: u.queued,
    createdAt: u.createdAt.toISOString(),
    ...(u.deliveries ? { deliveries: u.deliveries } : {}),
  };
}

export function toIncidentView(i: IncidentRecord, agents: AgentLookup): IncidentView {
  return {
    number: i.number, title: i.title, titles: i.titles, description: i.description, status: i.status,
    createdAt: i.createdAt.toISOString(), updatedAt: i.updatedAt.toISOString(), closedAt: i.closedAt?.toISOString() ?? null,
    linkedCount: i.linkedCount, openLinkedCount: i.openLinkedCount,
    latestUpdate: i.latestUpdate ? toIncidentUpdateView(i.latestUpdate, agents) : null,
  };
}

export function toIncidentDetailView(i: IncidentDetail, agents: AgentLookup): IncidentDetailView {
  return {
    ...toIncidentView(i, agents),
    requests: i.requests,
    updates: i.updates.map((u) => toIncidentUpdateView(u, agents)),
    deliveries: i.deliveries,
    statusChanges: i.statusChanges.map((c) => toStatusChangeView(c, agents)),
  };
}

import type { NewIncident } from './api.js';
import type { IncidentDetailView, IncidentView, RequestStatus, StatusChangeView } from './types.js';

/** The incident list's tabs: the open ones (GET /api/incidents?status=open), or all. */
export type IncidentTab = 'open' | 'all';
export const INCIDENT_TABS: readonly IncidentTab[] = ['open', 'all'];

/** Open: not solved or closed yet, as the server's `status=open` counts it. */
export function isOpenIncident(status: RequestStatus): boolean {
  return status !== 'solution_provided' && status !== 'closed';
}

export interface IncidentListState {
  incidents: IncidentView[];
  loading: boolean;
  error: string | null;
}

export const INITIAL_INCIDENTS: IncidentListState = { incidents: [], loading: true, error: null };

export type IncidentListAction =
  | { type: 'loading' }
  | { type: 'loaded'; incidents: IncidentView[] }
  | { type: 'failed'; error: string }
  /** `incident_updated`, or a call's answer: declared, linked, updated, solved. */
  | { type: 'updated'; incident: IncidentView; tab: IncidentTab };

/** Newest first, as the server lists them: numbers grow with time, so the number breaks a tie. */
const newestFirst = (a: IncidentView, b: IncidentView) =>
  Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.number.localeCompare(a.number, 'en', { numeric: true });

/** Applies a load or a live event to the incident list. Pure, so it is tested on its own. */
export function incidentListReducer(s: IncidentListState, a: IncidentListAction): IncidentListState {
  switch (a.type) {
    case 'loading':
      return { ...s, loading: true, error: null };
    case 'loaded':
      return { incidents: a.incidents, loading: false, error: null };
    case 'failed':
      return { ...s, loading: false, error: a.error };
    case 'updated': {
      const others = s.incidents.filter((i) => i.number !== a.incident.number);
      // Solved or closed: gone from the Open tab, as a reload would leave it out.
      if (a.tab === 'open' && !isOpenIncident(a.incident.status)) return { ...s, incidents: others };
      return { ...s, incidents: [...others, a.incident].sort(newestFirst) };
    }
  }
}

/** The view as the list shows it (the detail's extra fields left out). */
export function toIncidentView(d: IncidentDetailView): IncidentView {
  const { requests: _r, updates: _u, deliveries: _d, statusChanges: _s, ...view } = d;
  return view;
}

/** Delivered, pending and failed copies of the updates. */
export interface DeliveryCounts {
  delivered: number;
  pending: number;
  failed: number;
}

export const deliveryTotal = (c: DeliveryCounts): number => c.delivered + c.pending + c.failed;

/**
 * The fan-out is still going: copies wait in the outbox, or an update has
 * customers whose copy is not even queued yet. The view then asks again every
 * few seconds (deliveries report no event of their own).
 */
export function fanOutInProgress(d: IncidentDetailView): boolean {
  return d.deliveries.pending > 0 || d.updates.some((u) => !u.internal && !u.queued);
}

/** What an entry of a request's history records, as the timeline tells it. */
export type HistoryKind = 'status' | 'linked' | 'unlinked' | 'not_solved' | 'update' | 'cascade';

/** `incident_unlinked` with the comment `not_solved`: the customer said the incident's solution did not help. */
export const NOT_SOLVED = 'not_solved';

export function historyKind(c: StatusChangeView): HistoryKind {
  switch (c.event) {
    case 'status':
      return 'status';
    case 'incident_linked':
      return 'linked';
    case 'incident_unlinked':
      return c.comment === NOT_SOLVED ? 'not_solved' : 'unlinked';
    case 'incident_update':
      return 'update';
    case 'incident_cascade':
      return 'cascade';
  }
}

/** What the agent typed for a new incident. */
export interface IncidentFieldValues {
  title: string;
  ru: string;
  en: string;
  description: string;
}

export const EMPTY_INCIDENT: IncidentFieldValues = { title: '', ru: '', en: '', description: '' };

/** The body of POST /api/incidents: trimmed, a language's title left out when empty (the server uses `title`). */
export function newIncidentBody(v: IncidentFieldValues): NewIncident {
  const titles: NewIncident['titles'] = {};
  for (const l of ['ru', 'en'] as const) if (v[l].trim()) titles[l] = v[l].trim();
  return { title: v.title.trim(), description: v.description.trim(), titles };
}

/** Request numbers typed or pasted one after the other (spaces, commas, lines), upper-cased, each once. */
export function splitNumbers(text: string): string[] {
  return [...new Set(text.split(/[\s,;]+/).filter(Boolean).map((n) => n.toUpperCase()))];
}

/** Toggles one number in a selection (a new set: state stays immutable). */
export function toggled(selected: ReadonlySet<string>, number: string): Set<string> {
  const next = new Set(selected);
  if (!next.delete(number)) next.add(number);
  return next;
}

/** The selected requests the list still shows, in its order: a row that left the list is not acted on unseen. */
export function selectedShown(selected: ReadonlySet<string>, rows: readonly { number: string }[]): string[] {
  return rows.filter((r) => selected.has(r.number)).map((r) => r.number);
}

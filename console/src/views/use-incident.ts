import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { useT } from '../i18n/i18n.js';
import { fanOutInProgress } from '../incident-state.js';
import { useSocketEvent, type AgentSocket } from '../socket.js';
import type { IncidentDetailView } from '../types.js';
import { errorText } from './notices.js';

/** Events come in bursts (a fan-out batch, a cascade over many requests): one load after the burst. */
const SETTLE_MS = 150;
/** While copies are still going out: deliveries report no event, so the view asks again. */
const POLL_MS = 2_000;

export interface IncidentDetail {
  incident: IncidentDetailView | null;
  failure: string | null;
  /** A call's answer replaces what is shown. */
  set(incident: IncidentDetailView): void;
  /** Loads it again soon (coalesced with other reasons to). */
  refresh(): void;
}

/**
 * One incident with its linked requests, updates, deliveries and history:
 * loaded again on its events, on a change to one of its requests, and every
 * few seconds while its fan-out is in progress.
 */
export function useIncident(number: string, socket: AgentSocket | null): IncidentDetail {
  const t = useT();
  const [incident, setIncident] = useState<IncidentDetailView | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const loads = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  /** When the load asked for runs: a later reason to load never puts off a sooner one. */
  const due = useRef(0);

  const load = () => {
    const n = ++loads.current;
    api.getIncident(number).then(
      (d) => n === loads.current && (setIncident(d), setFailure(null)),
      (err: unknown) => n === loads.current && setFailure(err instanceof ApiError && err.status === 404 ? t.incidentNotFound : errorText(t, err)),
    );
  };
  const refresh = (after = SETTLE_MS) => {
    const at = Date.now() + after;
    if (timer.current !== undefined && due.current <= at) return;
    clearTimeout(timer.current);
    due.current = at;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      load();
    }, after);
  };
  useEffect(() => {
    load();
    return () => clearTimeout(timer.current);
  }, [number]);
  // Every load ends by setting the incident: the poll is asked for again each time while the fan-out lasts.
  useEffect(() => {
    if (incident && fanOutInProgress(incident)) refresh(POLL_MS);
  }, [incident]);

  const mine = (n: string) => n.toUpperCase() === number.toUpperCase();
  const linked = (n: string) => incident?.requests.some((r) => r.number === n) ?? false;
  useSocketEvent(socket, 'incident_updated', (e) => mine(e.incident.number) && refresh());
  useSocketEvent(socket, 'incident_linked', (e) => mine(e.incidentNumber) && refresh());
  useSocketEvent(socket, 'incident_unlinked', (e) => mine(e.incidentNumber) && refresh());
  // A customer joined it from the intake (the offer): the new request comes linked.
  useSocketEvent(socket, 'request_created', (e) => e.request.incident !== null && mine(e.request.incident.number) && refresh());
  // A linked customer answered the solution, an agent moved one of them: its status in the list.
  useSocketEvent(socket, 'status_changed', (e) => linked(e.requestNumber) && refresh());
  return { incident, failure, set: (d) => (loads.current++, setIncident(d)), refresh: () => refresh() };
}

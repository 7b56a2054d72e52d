import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useT } from '../i18n/i18n.js';
import { INITIAL_INCIDENTS, incidentListReducer, type IncidentListState, type IncidentTab } from '../incident-state.js';
import { useSocketEvent, type AgentSocket } from '../socket.js';
import type { IncidentView } from '../types.js';
import { errorText } from './notices.js';

export interface IncidentList {
  state: IncidentListState;
  tab: IncidentTab;
  setTab(tab: IncidentTab): void;
  reload(): void;
  /** A call's answer (declared, changed): shown at once, before its event comes. */
  put(incident: IncidentView): void;
}

/** The mass incidents, newest first: loaded per tab (and after a reconnect), kept current by `incident_updated`. */
export function useIncidentList(socket: AgentSocket | null, epoch: number): IncidentList {
  const t = useT();
  const [state, dispatch] = useReducer(incidentListReducer, INITIAL_INCIDENTS);
  const [tab, setTab] = useState<IncidentTab>('open');
  // Only the newest load may land.
  const loads = useRef(0);
  const load = () => {
    const n = ++loads.current;
    dispatch({ type: 'loading' });
    api.incidents(tab).then(
      (r) => n === loads.current && dispatch({ type: 'loaded', incidents: r.incidents }),
      (err: unknown) => n === loads.current && dispatch({ type: 'failed', error: errorText(t, err) }),
    );
  };
  useEffect(load, [tab, epoch]);
  useSocketEvent(socket, 'incident_updated', ({ incident }) => dispatch({ type: 'updated', incident, tab }));
  // A customer joined one from the intake (the offer): its counts changed, with no event of its own.
  useSocketEvent(socket, 'request_created', ({ request }) => request.incident && load());
  return { state, tab, setTab, reload: load, put: (incident) => dispatch({ type: 'updated', incident, tab }) };
}

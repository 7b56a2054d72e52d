import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useT } from '../i18n/i18n.js';
import { DEFAULT_FILTERS, INITIAL_LIST, listReducer, rowFilter, toQuery, type Filters, type ListState } from '../list-state.js';
import { useSocketEvent, type AgentSocket } from '../socket.js';
import type { AgentView } from '../types.js';
import { errorText } from './notices.js';

export interface RequestList {
  state: ListState;
  filters: Filters;
  setFilters(f: Filters): void;
  loadMore(): void;
  reload(): void;
  /** The request now open in the view (null: none); its unread count is cleared. */
  setOpen(number: string | null): void;
}

/** The request list: pages from the API, kept current by the socket's events. */
export function useRequestList(socket: AgentSocket | null, me: AgentView): RequestList {
  const t = useT();
  const [state, dispatch] = useReducer(listReducer, INITIAL_LIST);
  const [filters, setFilters] = useState<Filters>(DEFAULT_FILTERS);
  // Answers to an older query are dropped: only the newest load may land.
  const generation = useRef(0);

  const load = useCallback(
    async (cursor: string | null) => {
      const gen = cursor ? generation.current : ++generation.current;
      dispatch({ type: 'loading' });
      try {
        const page = await api.listRequests(toQuery(filters, cursor));
        if (gen === generation.current) dispatch({ type: 'loaded', page, append: cursor !== null });
      } catch (err) {
        if (gen === generation.current) dispatch({ type: 'failed', error: errorText(t, err) });
      }
    },
    [filters, t],
  );

  // Not on `load`: switching the language must not reload the list.
  useEffect(() => void load(null), [filters]);

  // Rows leave the list live once they no longer match (closed on the "Open" tab, unassigned under "Me").
  const filter = useMemo(() => rowFilter(filters, me.id), [filters, me.id]);
  useSocketEvent(socket, 'request_created', ({ request }) => dispatch({ type: 'created', request, filter }));
  useSocketEvent(socket, 'request_updated', ({ request }) => dispatch({ type: 'updated', request, filter }));
  useSocketEvent(socket, 'message', ({ requestNumber, message }) => dispatch({ type: 'message', requestNumber, message }));
  useSocketEvent(socket, 'status_changed', ({ requestNumber, change }) => dispatch({ type: 'status', requestNumber, status: change.to, filter }));
  useSocketEvent(socket, 'assigned', ({ requestNumber, assignee }) => dispatch({ type: 'assigned', requestNumber, assignee, filter }));

  return {
    state,
    filters,
    setFilters,
    loadMore: () => void (state.nextCursor && !state.loading && load(state.nextCursor)),
    reload: () => void load(null),
    setOpen: useCallback((number: string | null) => dispatch({ type: 'opened', requestNumber: number }), []),
  };
}

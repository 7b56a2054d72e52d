import type { AgentRef, MessageView, RequestListItem, RequestPage, RequestQuery, RequestStatus, RequestType } from './types.js';

export type StatusTab = 'open' | 'awaiting_customer' | 'solution_provided' | 'closed' | 'all';

export const STATUS_TABS: readonly StatusTab[] = ['open', 'awaiting_customer', 'solution_provided', 'closed', 'all'];

const TAB_STATUSES: Record<StatusTab, readonly RequestStatus[] | null> = {
  open: ['new', 'in_progress'],
  awaiting_customer: ['awaiting_customer'],
  solution_provided: ['solution_provided'],
  closed: ['closed'],
  all: null,
};

/** What the agent filters the list by. */
export interface Filters {
  tab: StatusTab;
  type: RequestType | '';
  channel: string;
  /** '' anyone, 'me', 'none' (unassigned), or an agent's id. */
  assignee: string;
  q: string;
}

export const DEFAULT_FILTERS: Filters = { tab: 'open', type: '', channel: '', assignee: '', q: '' };

export function toQuery(f: Filters, cursor: string | null): RequestQuery {
  const statuses = TAB_STATUSES[f.tab];
  return {
    ...(statuses ? { status: statuses.join(',') } : {}),
    ...(f.type ? { type: f.type } : {}),
    ...(f.channel ? { channel: f.channel } : {}),
    ...(f.assignee ? { assignee: f.assignee } : {}),
    ...(f.q.trim() ? { q: f.q.trim() } : {}),
    ...(cursor ? { cursor } : {}),
    limit: 30,
  };
}

/**
 * Whether a request the server announced belongs in the list the agent is
 * looking at. The search is approximated on what a row carries (the server
 * also searches descriptions).
 */
export function matchesFilters(r: RequestListItem, f: Filters, myId: string): boolean {
  const statuses = TAB_STATUSES[f.tab];
  if (statuses && !statuses.includes(r.status)) return false;
  if (f.type && r.type !== f.type) return false;
  if (f.channel && r.channel !== f.channel) return false;
  if (f.assignee && !assigneeMatches(r, f.assignee, myId)) return false;
  const q = f.q.trim().toLowerCase();
  if (!q) return true;
  return [r.number, r.subject, r.customer.displayName ?? ''].some((s) => s.toLowerCase().includes(q));
}

function assigneeMatches(r: RequestListItem, assignee: string, myId: string): boolean {
  if (assignee === 'none') return r.assignee === null;
  return r.assignee?.id === (assignee === 'me' ? myId : assignee);
}

/** How live events are held against the list's filters. */
export interface RowFilter {
  /** A row not listed yet is listed. */
  lists(r: RequestListItem): boolean;
  /**
   * A listed row stays. The search is left out: a row listed by the server's
   * search (which also reads descriptions) must not go because the row alone
   * does not show why it matched.
   */
  keeps(r: RequestListItem): boolean;
}

export function rowFilter(f: Filters, myId: string): RowFilter {
  return { lists: (r) => matchesFilters(r, f, myId), keeps: (r) => matchesFilters(r, { ...f, q: '' }, myId) };
}

export interface ListState {
  rows: RequestListItem[];
  nextCursor: string | null;
  loading: boolean;
  error: string | null;
  /** The request open in the view: its customer messages are read as they come. */
  openNumber: string | null;
}

export const INITIAL_LIST: ListState = { rows: [], nextCursor: null, loading: true, error: null, openNumber: null };

export type ListAction =
  | { type: 'loading' }
  | { type: 'loaded'; page: RequestPage; append: boolean }
  | { type: 'failed'; error: string }
  | { type: 'created'; request: RequestListItem; filter: RowFilter }
  | { type: 'updated'; request: RequestListItem; filter: RowFilter }
  | { type: 'message'; requestNumber: string; message: MessageView }
  | { type: 'status'; requestNumber: string; status: RequestStatus; filter: RowFilter }
  | { type: 'assigned'; requestNumber: string; assignee: AgentRef | null; filter: RowFilter }
  | { type: 'opened'; requestNumber: string | null };

const byActivity = (a: RequestListItem, b: RequestListItem) => Date.parse(b.lastActivityAt) - Date.parse(a.lastActivityAt);

function patchRow(s: ListState, number: string, patch: (r: RequestListItem) => RequestListItem, resort = false): ListState {
  if (!s.rows.some((r) => r.number === number)) return s;
  const rows = s.rows.map((r) => (r.number === number ? patch(r) : r));
  return { ...s, rows: resort ? rows.sort(byActivity) : rows };
}

/** A row whose status or assignee changed: patched, or gone if the filters no longer keep it. */
function refilterRow(s: ListState, number: string, patch: (r: RequestListItem) => RequestListItem, filter: RowFilter): ListState {
  const next = patchRow(s, number, patch);
  const row = next.rows.find((r) => r.number === number);
  return row && !filter.keeps(row) ? { ...next, rows: next.rows.filter((r) => r !== row) } : next;
}

/** Applies a page load or a live event to the list. Pure, so it is tested on its own. */
export function listReducer(s: ListState, a: ListAction): ListState {
  switch (a.type) {
    case 'loading':
      return { ...s, loading: true, error: null };
    case 'loaded': {
      const rows = a.append ? [...s.rows, ...a.page.requests.filter((r) => !s.rows.some((x) => x.number === r.number))] : a.page.requests;
      return { ...s, rows: rows.map((r) => (r.number === s.openNumber ? { ...r, unread: 0 } : r)), nextCursor: a.page.nextCursor, loading: false, error: null };
    }
    case 'failed':
      return { ...s, loading: false, error: a.error };
    case 'created':
    case 'updated':
      return upsert(s, a.request, a.filter);
    case 'message':
      return patchRow(s, a.requestNumber, (r) => onMessage(r, a.message, s.openNumber), true);
    case 'status':
      return refilterRow(s, a.requestNumber, (r) => ({ ...r, status: a.status }), a.filter);
    case 'assigned':
      return refilterRow(s, a.requestNumber, (r) => ({ ...r, assignee: a.assignee }), a.filter);
    case 'opened':
      return { ...patchRow(s, a.requestNumber ?? '', (r) => ({ ...r, unread: 0 })), openNumber: a.requestNumber };
  }
}

/**
 * A row the server sent. One already listed is replaced but keeps the unread
 * count counted here from `message` events, or goes if it no longer matches
 * the filters (closed on the "Open" tab, unassigned under "Me"); a new one is
 * listed only if it matches them.
 */
function upsert(s: ListState, request: RequestListItem, filter: RowFilter): ListState {
  const existing = s.rows.find((r) => r.number === request.number);
  if (!existing && !filter.lists(request)) return s;
  if (existing && !filter.keeps(request)) return { ...s, rows: s.rows.filter((r) => r !== existing) };
  const unread = request.number === s.openNumber ? 0 : existing ? Math.max(existing.unread, request.unread) : request.unread;
  const row = { ...request, unread };
  const rows = existing ? s.rows.map((r) => (r.number === request.number ? row : r)) : [row, ...s.rows];
  return { ...s, rows: rows.sort(byActivity) };
}

function onMessage(r: RequestListItem, m: MessageView, openNumber: string | null): RequestListItem {
  const later = Date.parse(m.createdAt) > Date.parse(r.lastActivityAt) ? m.createdAt : r.lastActivityAt;
  const unread = m.author === 'customer' && r.number !== openNumber ? r.unread + 1 : r.unread;
  const lastMessage = m.internal ? r.lastMessage : { author: m.author, text: m.text, createdAt: m.createdAt };
  return { ...r, lastActivityAt: later, unread, lastMessage };
}

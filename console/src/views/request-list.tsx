import { useEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../i18n/i18n.js';
import { selectedShown, toggled } from '../incident-state.js';
import { moveFocus } from '../keys.js';
import { isNarrow } from '../layout.js';
import type { AgentView } from '../types.js';
import { ListFilters } from './list-filters.js';
import { LinkDialog } from './link-dialog.js';
import { RequestRow } from './request-row.js';
import type { RequestList } from './use-request-list.js';

/** Re-renders every 30 s so that relative times stay true. */
function useNow(): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/** One pane at a time: back from a request, focus its row again, where the agent left the list. */
function useFocusOnReturn(openNumber: string | null): void {
  const previous = useRef(openNumber);
  useEffect(() => {
    const left = previous.current;
    previous.current = openNumber;
    if (openNumber || !left || !isNarrow()) return;
    document.querySelector<HTMLElement>(`[data-testid="request-row"][data-number="${CSS.escape(left)}"]`)?.focus();
  }, [openNumber]);
}

const ROW = '[data-testid="request-row"]';
const SELECT = '[data-testid="row-select"]';

/**
 * Up / Down (and j / k), Home / End move the focus between the rows; Enter
 * opens the focused one (rows are links). Only one row is in the Tab order
 * (its selection box, then its link), the last focused (else the open one,
 * else the first), so Tab goes past a long list in one step. On a selection
 * box the keys move between the boxes, and Space ticks it.
 */
function useRowKeys(rows: { number: string }[], openNumber: string | null) {
  const [focusedNumber, setFocusedNumber] = useState<string | null>(null);
  const has = (n: string | null) => n !== null && rows.some((r) => r.number === n);
  const tabbable = has(focusedNumber) ? focusedNumber : has(openNumber) ? openNumber : (rows[0]?.number ?? null);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const kind = (document.activeElement as HTMLElement | null)?.matches(SELECT) ? SELECT : ROW;
    const links = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>(kind)];
    const at = links.indexOf(document.activeElement as HTMLElement);
    const to = at < 0 ? null : moveFocus(e.key, at, links.length, { wrap: false, letters: true });
    if (to === null) return;
    e.preventDefault();
    links[to]?.focus();
  };
  const onFocusIn = (e: FocusEvent) => {
    const number = (e.target as HTMLElement).closest<HTMLElement>('[data-number]')?.dataset.number;
    if (number) setFocusedNumber(number);
  };
  return { tabbable, onKeyDown, onFocusIn };
}

export interface RequestListPaneProps {
  list: RequestList;
  agents: AgentView[];
  me: AgentView;
  openNumber: string | null;
}

export function RequestListPane({ list, agents, me, openNumber }: RequestListPaneProps) {
  const t = useT();
  const now = useNow();
  const { rows, loading, error, nextCursor } = list.state;
  useFocusOnReturn(openNumber);
  const keys = useRowKeys(rows, openNumber);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [linking, setLinking] = useState(false);
  const chosen = selectedShown(selected, rows);
  return (
    <section class="list-pane" aria-label={t.requests}>
      <ListFilters filters={list.filters} agents={agents} me={me} onChange={list.setFilters} />
      {chosen.length > 0 && (
        <div class="selection-bar" role="group" aria-label={t.selection} data-testid="selection-bar">
          <span class="selection-count" data-testid="selection-count">
            {t.selectedCount(chosen.length)}
          </span>
          {chosen.length < rows.length && (
            <button type="button" class="link-button" onClick={() => setSelected(new Set(rows.map((r) => r.number)))} data-testid="select-all">
              {t.selectAll}
            </button>
          )}
          <span class="spacer" />
          <button type="button" class="button" onClick={() => setSelected(new Set())} data-testid="clear-selection">
            {t.clearSelection}
          </button>
          <button type="button" class="button primary" onClick={() => setLinking(true)} data-testid="link-selected">
            {t.linkToIncident}
          </button>
        </div>
      )}
      <div class="list-scroll">
        <ul class="rows" data-testid="request-list" aria-busy={loading} onKeyDown={keys.onKeyDown} onFocusIn={keys.onFocusIn}>
          {rows.map((r) => (
            <RequestRow
              key={r.number}
              r={r}
              current={r.number === openNumber}
              tabbable={r.number === keys.tabbable}
              now={now}
              selected={selected.has(r.number)}
              onSelect={() => setSelected((s) => toggled(s, r.number))}
            />
          ))}
        </ul>
        {!loading && !error && rows.length === 0 && <p class="empty">{t.noRequests}</p>}
        {error && (
          <p class="form-error" role="alert">
            {error}{' '}
            <button type="button" class="link-button" onClick={list.reload}>
              {t.retry}
            </button>
          </p>
        )}
        {loading && <p class="empty">{t.loading}</p>}
        {nextCursor && !loading && (
          <button type="button" class="button load-more" onClick={list.loadMore} data-testid="load-more">
            {t.loadMore}
          </button>
        )}
      </div>
      {linking && <LinkDialog numbers={chosen} onClose={() => setLinking(false)} onLinked={() => setSelected(new Set())} />}
    </section>
  );
}

import { useEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../i18n/i18n.js';
import { isNarrow } from '../layout.js';
import { ListFilters } from './list-filters.js';
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

export function RequestListPane({ list, openNumber }: { list: RequestList; openNumber: string | null }) {
  const t = useT();
  const now = useNow();
  const { rows, loading, error, nextCursor } = list.state;
  useFocusOnReturn(openNumber);
  return (
    <section class="list-pane" aria-label={t.requests}>
      <ListFilters filters={list.filters} onChange={list.setFilters} />
      <div class="list-scroll">
        <ul class="rows" data-testid="request-list" aria-busy={loading}>
          {rows.map((r) => (
            <RequestRow key={r.number} r={r} current={r.number === openNumber} now={now} />
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
    </section>
  );
}

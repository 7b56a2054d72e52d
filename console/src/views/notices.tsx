import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useMemo, useState } from 'preact/hooks';
import { ApiError } from '../api.js';
import { useT, type Strings } from '../i18n/i18n.js';

/** What to tell the agent about a failed call. */
export function errorText(t: Strings, err: unknown): string {
  if (err instanceof ApiError) {
    if (err.code === 'network') return t.networkError;
    if (err.status === 403) return t.forbidden;
    return t.error(err.message);
  }
  return t.error(err instanceof Error ? err.message : String(err));
}

interface Notice {
  id: number;
  text: string;
  kind: 'info' | 'error';
}

type Notify = (text: string, kind?: Notice['kind']) => void;

const NotifyContext = createContext<Notify>(() => undefined);

/** Shows a short message in the corner; errors stay until dismissed or replaced, others for 5 s. */
export function useNotify(): Notify {
  return useContext(NotifyContext);
}

let nextId = 1;

export function Notices({ children }: { children: ComponentChildren }) {
  const t = useT();
  const [notices, setNotices] = useState<Notice[]>([]);
  const dismiss = useCallback((id: number) => setNotices((list) => list.filter((n) => n.id !== id)), []);
  const notify = useCallback<Notify>(
    (text, kind = 'info') => {
      const id = nextId++;
      setNotices((list) => [...list.slice(-2), { id, text, kind }]);
      setTimeout(() => dismiss(id), kind === 'error' ? 12_000 : 5000);
    },
    [dismiss],
  );
  const value = useMemo(() => notify, [notify]);
  return (
    <NotifyContext.Provider value={value}>
      {children}
      <div class="notices" role="status" aria-live="polite">
        {notices.map((n) => (
          <div key={n.id} class={`notice ${n.kind}`} data-testid="notice">
            <span>{n.text}</span>
            <button type="button" class="icon-button" aria-label={t.dismiss} title={t.dismiss} onClick={() => dismiss(n.id)}>
              ×
            </button>
          </div>
        ))}
      </div>
    </NotifyContext.Provider>
  );
}

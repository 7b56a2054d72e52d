import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useT } from '../i18n/i18n.js';
import { LIMITS } from '../layout.js';
import type { CannedResponseView } from '../types.js';
import { Dialog } from './dialog.js';
import { errorText } from './notices.js';

/** The button that opens the canned responses. */
export function CannedPicker({ text, onInsert }: { text: string; onInsert(text: string): void }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" class="button" aria-haspopup="dialog" onClick={() => setOpen(true)} data-testid="canned-open">
        {t.cannedResponses}
      </button>
      {open && (
        <CannedDialog
          draft={text}
          onInsert={(s) => {
            setOpen(false);
            onInsert(s);
          }}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}

/** Lists the desk's canned responses to insert or delete; saves a new one, by default the reply being written. */
function CannedDialog({ draft, onInsert, onClose }: { draft: string; onInsert(text: string): void; onClose(): void }) {
  const t = useT();
  const [items, setItems] = useState<CannedResponseView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [body, setBody] = useState(draft.trim());

  useEffect(() => {
    api.cannedResponses().then(
      (r) => setItems(r.cannedResponses),
      (err) => setError(errorText(t, err)),
    );
  }, []);

  async function attempt(fn: () => Promise<void>) {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(errorText(t, err));
    }
  }
  const remove = (c: CannedResponseView) =>
    attempt(async () => {
      await api.deleteCannedResponse(c.id);
      setItems((list) => (list ?? []).filter((x) => x.id !== c.id));
      setConfirming(null);
    });
  const create = (e: Event) => {
    e.preventDefault();
    if (!title.trim() || !body.trim()) return setError(t.required);
    return attempt(async () => {
      const created = await api.createCannedResponse(title.trim(), body.trim());
      setItems((list) => [created, ...(list ?? [])]);
      setTitle('');
    });
  };

  return (
    <Dialog title={t.cannedResponses} onClose={onClose} class="canned" testid="canned-dialog">
      {items === null && !error && <p class="muted">{t.loading}</p>}
      {items?.length === 0 && <p class="muted">{t.noCanned}</p>}
      <ul class="canned-list">
        {items?.map((c) => (
          <li key={c.id} data-testid="canned-item">
            <div class="canned-main">
              <strong>{c.title}</strong>
              <p class="text clamp">{c.text}</p>
            </div>
            {confirming === c.id ? (
              <div class="canned-buttons">
                <span>{t.confirmDelete(c.title)}</span>
                <button type="button" class="button danger" onClick={() => remove(c)} data-testid="canned-confirm-delete">
                  {t.delete}
                </button>
                <button type="button" class="button" onClick={() => setConfirming(null)}>
                  {t.cancel}
                </button>
              </div>
            ) : (
              <div class="canned-buttons">
                <button type="button" class="button primary" onClick={() => onInsert(c.text)} data-testid="canned-insert">
                  {t.insert}
                </button>
                <button type="button" class="button" onClick={() => setConfirming(c.id)} data-testid="canned-delete">
                  {t.delete}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      <form class="stack canned-new" onSubmit={create}>
        <h3>{t.newCanned}</h3>
        <label for="canned-title">{t.cannedTitle}</label>
        <input id="canned-title" maxLength={LIMITS.title} value={title} onInput={(e) => setTitle(e.currentTarget.value)} data-testid="canned-title" />
        <label for="canned-text">{t.cannedText}</label>
        <textarea id="canned-text" rows={3} maxLength={LIMITS.text} value={body} onInput={(e) => setBody(e.currentTarget.value)} data-testid="canned-text" />
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="button-row">
          <button type="submit" class="button" data-testid="canned-save">
            {t.saveAsCanned}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

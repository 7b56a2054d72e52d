import { useId, useState } from 'preact/hooks';
import { api } from '../api.js';
import { dateTime } from '../format.js';
import { useI18n } from '../i18n/i18n.js';
import { LIMITS } from '../layout.js';
import type { IncidentDetailView, IncidentUpdateView } from '../types.js';
import { errorText, useNotify } from './notices.js';

/** Posts a public update to every linked customer still open, or an internal note. */
function UpdateComposer({ incident: d, onPosted }: { incident: IncidentDetailView; onPosted(): void }) {
  const { t } = useI18n();
  const notify = useNotify();
  const id = useId();
  const [text, setText] = useState('');
  const [internal, setInternal] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const closed = d.status === 'closed';
  const note = internal || closed;
  const recipients = d.requests.filter((r) => r.status !== 'closed').length;
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return setError(t.required);
    setBusy(true);
    setError(null);
    try {
      const r = await api.postIncidentUpdate(d.number, text.trim(), note);
      notify(note ? t.noteAdded : t.updateSent(r.recipients));
      setText('');
      onPosted();
    } catch (err) {
      setError(errorText(t, err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class={`update-form stack${note ? ' internal' : ''}`} onSubmit={submit} noValidate data-testid="update-form">
      <label for={`${id}-text`}>{note ? t.noteLabel : t.updateLabel}</label>
      <textarea
        id={`${id}-text`}
        rows={3}
        value={text}
        maxLength={LIMITS.text}
        placeholder={note ? t.notePlaceholder : t.updatePlaceholder}
        aria-invalid={error === t.required || undefined}
        onInput={(e) => setText(e.currentTarget.value)}
        data-testid="update-text"
      />
      {closed && <p class="muted small">{t.incidentClosedNotes}</p>}
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="composer-bar">
        <label class="toggle">
          <input type="checkbox" checked={note} disabled={closed} onChange={(e) => setInternal(e.currentTarget.checked)} data-testid="update-internal" />
          {t.internalNote}
        </label>
        <button type="submit" class="button primary" disabled={busy} data-testid="update-submit">
          {note ? t.addNote : t.sendUpdate(recipients)}
        </button>
      </div>
    </form>
  );
}

function deliveryLine(t: ReturnType<typeof useI18n>['t'], u: IncidentUpdateView): string {
  if (u.internal) return t.noteNotSent;
  if (u.recipients === 0) return t.updateNobody;
  const c = u.deliveries ?? { delivered: 0, pending: 0, failed: 0 };
  const line = t.updateDelivery(u.recipients, c.delivered, c.pending, c.failed);
  return u.queued ? line : `${line} · ${t.updateQueuing}`;
}

/** The composer, then the updates and notes, newest first, each with how far its copies have got. */
export function IncidentUpdates({ incident: d, onPosted }: { incident: IncidentDetailView; onPosted(): void }) {
  const { t, locale } = useI18n();
  const updates = [...d.updates].reverse();
  return (
    <section class="panel" aria-labelledby="updates-title" data-testid="incident-updates">
      <h2 id="updates-title">{t.updates}</h2>
      <UpdateComposer incident={d} onPosted={onPosted} />
      {updates.length === 0 && <p class="muted">{t.noUpdates}</p>}
      <ol class="updates">
        {updates.map((u) => (
          <li key={u.id} class={`msg ${u.internal ? 'msg-note' : 'msg-agent'}`} data-testid="incident-update" data-internal={u.internal ? 'true' : undefined}>
            <div class="msg-head">
              {u.internal && <span class="note-label">{t.note}</span>}
              <span class="msg-who">{u.agent?.name ?? t.author.system}</span>
              <time dateTime={u.createdAt}>{dateTime(u.createdAt, locale)}</time>
            </div>
            <p class="text">{u.text}</p>
            <p class={`delivery${u.deliveries?.failed ? ' delivery-failed' : ''}`} data-testid="update-delivery">
              {deliveryLine(t, u)}
            </p>
          </li>
        ))}
      </ol>
    </section>
  );
}

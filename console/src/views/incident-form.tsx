import { useId, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useT } from '../i18n/i18n.js';
import { LIMITS } from '../layout.js';
import { EMPTY_INCIDENT, newIncidentBody, type IncidentFieldValues } from '../incident-state.js';
import type { IncidentDetailView, Locale } from '../types.js';
import { Dialog } from './dialog.js';
import { errorText } from './notices.js';

export interface IncidentFieldsProps {
  value: IncidentFieldValues;
  onChange(v: IncidentFieldValues): void;
  /** The title is missing: its field is marked. */
  invalid: boolean;
}

/** Title, the title per language, and the public description of a new incident. */
export function IncidentFields({ value, onChange, invalid }: IncidentFieldsProps) {
  const t = useT();
  const id = useId();
  const set = (key: keyof IncidentFieldValues) => (e: Event) => onChange({ ...value, [key]: (e.currentTarget as HTMLInputElement).value });
  const language = (l: Locale) => (
    <div class="stack">
      <label for={`${id}-${l}`}>
        {t.titleIn[l]} <span class="muted">({t.optional})</span>
      </label>
      <input id={`${id}-${l}`} value={value[l]} maxLength={LIMITS.incidentTitle} onInput={set(l)} aria-describedby={`${id}-hint`} data-testid={`incident-title-${l}`} />
    </div>
  );
  return (
    <div class="stack incident-fields">
      <label for={`${id}-title`}>{t.incidentTitle}</label>
      <input
        id={`${id}-title`}
        value={value.title}
        maxLength={LIMITS.incidentTitle}
        required
        autoFocus
        aria-invalid={invalid || undefined}
        onInput={set('title')}
        data-testid="incident-title-input"
      />
      <div class="field-pair">
        {language('ru')}
        {language('en')}
      </div>
      <p class="muted small" id={`${id}-hint`}>
        {t.titlesHint}
      </p>
      <label for={`${id}-description`}>{t.publicDescription}</label>
      <textarea id={`${id}-description`} rows={4} value={value.description} maxLength={LIMITS.text} onInput={set('description')} data-testid="incident-description-input" />
    </div>
  );
}

/** Declares a mass incident from the fields above. */
export function DeclareDialog({ onClose, onDeclared }: { onClose(): void; onDeclared(d: IncidentDetailView): void }) {
  const t = useT();
  const [value, setValue] = useState(EMPTY_INCIDENT);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (!value.title.trim()) return setError(t.required);
    setBusy(true);
    setError(null);
    try {
      onDeclared(await api.declareIncident(newIncidentBody(value)));
      onClose();
    } catch (err) {
      setError(errorText(t, err));
      setBusy(false);
    }
  };
  return (
    <Dialog title={t.declareTitle} onClose={onClose} testid="declare-dialog">
      <form class="stack" onSubmit={submit} noValidate>
        <IncidentFields value={value} onChange={setValue} invalid={error === t.required} />
        {error && (
          <p class="form-error" role="alert">
            {error}
          </p>
        )}
        <div class="button-row">
          <button type="button" class="button" onClick={onClose}>
            {t.cancel}
          </button>
          <button type="submit" class="button primary" disabled={busy} data-testid="declare-submit">
            {t.declare}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

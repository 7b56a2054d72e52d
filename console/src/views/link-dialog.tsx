import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { useT } from '../i18n/i18n.js';
import type { IncidentDetailView, IncidentView } from '../types.js';
import { Dialog } from './dialog.js';
import { EMPTY_INCIDENT, newIncidentBody } from '../incident-state.js';
import { IncidentFields } from './incident-form.js';
import { errorText, useNotify } from './notices.js';

/** An open incident's number, a new one declared here, or (one request) a new one made from it. */
type Choice = string | 'new' | 'promote';

export interface LinkDialogProps {
  /** The requests to link: the list's selection, or the open request. */
  numbers: string[];
  onClose(): void;
  /** Linked (or promoted): the incident as it is now. */
  onLinked(incident: IncidentDetailView): void;
}

/**
 * Links requests to a mass incident: one of the open ones, or a new one
 * declared here; a single request can also become a new incident itself
 * (promote). All or none are linked: the server's refusal (one linked
 * elsewhere, one closed) is shown as it says it.
 */
export function LinkDialog({ numbers, onClose, onLinked }: LinkDialogProps) {
  const t = useT();
  const notify = useNotify();
  const single = numbers.length === 1;
  const [open, setOpen] = useState<IncidentView[] | null>(null);
  const [choice, setChoice] = useState<Choice>('');
  const [fields, setFields] = useState(EMPTY_INCIDENT);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    api.incidents('open').then(
      (r) => {
        setOpen(r.incidents);
        setChoice((c) => c || (r.incidents[0]?.number ?? (single ? 'promote' : 'new')));
      },
      (err: unknown) => (setOpen([]), setChoice(single ? 'promote' : 'new'), setError(errorText(t, err))),
    );
  }, []);

  async function link(): Promise<IncidentDetailView> {
    if (choice === 'promote') {
      const incident = await api.promote(numbers[0]!);
      notify(t.promoted(incident.number));
      return incident;
    }
    let target = choice;
    if (choice === 'new') {
      const declared = await api.declareIncident(newIncidentBody(fields));
      // Declared even if linking fails below: a second try links to it rather than declaring another.
      setOpen((list) => [declared, ...(list ?? [])]);
      setChoice(declared.number);
      setFields(EMPTY_INCIDENT);
      target = declared.number;
    }
    const r = await api.linkRequests(target, numbers);
    notify(r.alreadyLinked.length ? `${t.linkedTo(r.linked.length, target)} ${t.alreadyLinked(r.alreadyLinked.join(', '))}` : t.linkedTo(r.linked.length, target));
    return r.incident;
  }

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!choice) return;
    if (choice === 'new' && !fields.title.trim()) return setError(t.required);
    setBusy(true);
    setError(null);
    try {
      onLinked(await link());
      onClose();
    } catch (err) {
      // Refused as a whole (linked elsewhere, closed, unknown): the server names the requests.
      const refused = err instanceof ApiError && [404, 409, 422].includes(err.status);
      setError(t.notLinked(refused ? err.message : errorText(t, err)));
      setBusy(false);
    }
  };

  const option = (value: Choice, label: ComponentChildren, testid: string) => (
    <label class="choice-option" key={value}>
      <input type="radio" name="incident" value={value} checked={choice === value} onChange={() => setChoice(value)} data-testid={testid} />
      <span>{label}</span>
    </label>
  );
  return (
    <Dialog title={single ? t.linkOneTitle(numbers[0]!) : t.linkManyTitle(numbers.length)} onClose={onClose} testid="link-dialog">
      <form class="stack" onSubmit={submit} noValidate>
        <fieldset class="choice-list">
          <legend>{t.linkTo}</legend>
          {open === null && <p class="muted">{t.loading}</p>}
          {open?.map((i) =>
            option(
              i.number,
              <>
                <b>{i.number}</b> {i.title} <span class="muted small">({t.linkedCount(i.linkedCount, i.openLinkedCount)})</span>
              </>,
              'link-choice',
            ),
          )}
          {single && option('promote', <>{t.promoteOption} <span class="muted small">{t.promoteHint}</span></>, 'link-choice-promote')}
          {option('new', t.newIncidentOption, 'link-choice-new')}
        </fieldset>
        {choice === 'new' && <IncidentFields value={fields} onChange={setFields} invalid={error === t.required} />}
        {error && (
          <p class="form-error" role="alert" data-testid="link-error">
            {error}
          </p>
        )}
        <div class="button-row">
          <button type="button" class="button" onClick={onClose}>
            {t.cancel}
          </button>
          <button type="submit" class="button primary" disabled={busy || !choice} data-testid="link-submit">
            {choice === 'new' ? t.declareAndLink : choice === 'promote' ? t.promote : t.linkAction}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

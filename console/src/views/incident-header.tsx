import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { dateTime } from '../format.js';
import { useI18n } from '../i18n/i18n.js';
import { splitNumbers } from '../incident-state.js';
import { LIMITS } from '../layout.js';
import { routePath } from '../router.js';
import { canMove } from '../status-graph.js';
import type { IncidentDetailView, RequestStatus } from '../types.js';
import { StatusBadge } from './badges.js';
import { PromptDialog } from './dialog.js';
import { errorText, useNotify } from './notices.js';
import { BackLink } from './request-header.js';

type Asking = 'solution_provided' | 'closed' | 'link' | null;

export interface IncidentHeaderProps {
  incident: IncidentDetailView;
  onChanged(d: IncidentDetailView): void;
}

/** Number, status, title (and its translations), facts and actions of the open incident. */
export function IncidentHeader({ incident: d, onChanged }: IncidentHeaderProps) {
  const { t, locale } = useI18n();
  return (
    <header class="request-head">
      <BackLink href={routePath({ name: 'incidents' })} label={t.allIncidents} />
      <div class="head-line">
        <span class="request-number" data-testid="incident-number">
          {d.number}
        </span>
        <StatusBadge status={d.status} />
        <span class="type-label">{t.type.mass_incident}</span>
      </div>
      <h1 class="request-subject" id="incident-title" tabIndex={-1} data-testid="incident-title">
        {d.title}
      </h1>
      <dl class="facts">
        {(['ru', 'en'] as const).map(
          (l) =>
            d.titles[l] !== d.title && (
              <div key={l}>
                <dt>{t.titleIn[l]}</dt>
                <dd lang={l}>{d.titles[l]}</dd>
              </div>
            ),
        )}
        <div>
          <dt>{t.linkedRequests}</dt>
          <dd data-testid="incident-linked-count">{t.linkedShort(d.linkedCount, d.openLinkedCount)}</dd>
        </div>
        <div>
          <dt>{t.created}</dt>
          <dd>
            <time dateTime={d.createdAt}>{dateTime(d.createdAt, locale)}</time>
          </dd>
        </div>
      </dl>
      <IncidentActions incident={d} onChanged={onChanged} />
    </header>
  );
}

/** Status moves (the solution and the close ask for their text first) and linking by number. */
function IncidentActions({ incident: d, onChanged }: IncidentHeaderProps) {
  const t = useI18n().t;
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState<Asking>(null);
  const s = d.status;
  const move = (to: RequestStatus, comment: string | null = null) => api.changeIncidentStatus(d.number, to, comment);
  const start = async () => {
    setBusy(true);
    try {
      onChanged(await move('in_progress'));
    } catch (err) {
      notify(errorText(t, err), 'error');
    } finally {
      setBusy(false);
    }
  };
  const linkNumbers = async (text: string) => {
    const r = await api.linkRequests(d.number, splitNumbers(text));
    notify(r.alreadyLinked.length ? `${t.linkedTo(r.linked.length, d.number)} ${t.alreadyLinked(r.alreadyLinked.join(', '))}` : t.linkedTo(r.linked.length, d.number));
    onChanged(r.incident);
  };
  const reopening = s === 'closed' || s === 'solution_provided';
  const prompt = asking && {
    solution_provided: { title: t.solutionTitle, label: t.incidentSolutionLabel, submit: t.send, required: true, run: async (text: string) => onChanged(await move('solution_provided', text)) },
    closed: { title: t.closeIncidentTitle, label: t.incidentCloseLabel, submit: t.closeIncident, required: false, run: async (text: string) => onChanged(await move('closed', text || null)) },
    link: { title: t.linkByNumberTitle, label: t.linkByNumberLabel, submit: t.linkAction, required: true, run: linkNumbers },
  }[asking];
  return (
    <div class="actions" role="group" aria-label={t.actions}>
      <button type="button" class="button" disabled={busy || !canMove(s, 'in_progress')} onClick={() => void start()} data-testid={reopening ? 'incident-reopen' : 'incident-start'}>
        {reopening ? t.reopen : t.startWork}
      </button>
      <button type="button" class="button" disabled={busy || !canMove(s, 'solution_provided')} onClick={() => setAsking('solution_provided')} data-testid="incident-solve">
        {t.provideSolution}
      </button>
      <button type="button" class="button" disabled={busy || !canMove(s, 'closed')} onClick={() => setAsking('closed')} data-testid="incident-close">
        {t.closeIncident}
      </button>
      <span class="actions-gap" />
      <button type="button" class="button" disabled={busy || s === 'closed'} onClick={() => setAsking('link')} data-testid="incident-link-numbers">
        {t.linkByNumber}
      </button>
      {asking && prompt && (
        <PromptDialog
          title={prompt.title}
          label={prompt.label}
          submitLabel={prompt.submit}
          required={prompt.required}
          multiline={asking !== 'link'}
          maxLength={asking === 'link' ? undefined : LIMITS.text}
          onSubmit={prompt.run}
          onClose={() => setAsking(null)}
          testid={`incident-prompt-${asking}`}
        />
      )}
    </div>
  );
}

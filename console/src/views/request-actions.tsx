import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useT } from '../i18n/i18n.js';
import { LIMITS } from '../layout.js';
import { canMove } from '../status-graph.js';
import type { AgentView, RequestStatus, RequestView } from '../types.js';
import { PromptDialog } from './dialog.js';
import { LinkDialog } from './link-dialog.js';
import { errorText, useNotify } from './notices.js';

type Asking = 'awaiting_customer' | 'solution_provided' | 'closed' | 'incident' | null;

export interface RequestActionsProps {
  request: RequestView;
  me: AgentView;
  /** An assignment is on its way. */
  busy: boolean;
  onAssign(agentId: string): void;
  onChanged(r: RequestView): void;
  /** Loads the request again (linked to a mass incident). */
  onReload(): void;
}

/**
 * Status moves and "Assign to me" (any other agent: the assignee menu). Moves
 * the status graph does not allow from the current status are disabled; the
 * two that message the customer ask for the text first.
 */
export function RequestActions({ request, me, busy: assigning, onAssign, onChanged, onReload }: RequestActionsProps) {
  const t = useT();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState<Asking>(null);
  const s = request.status;

  async function run(call: () => Promise<RequestView>) {
    setBusy(true);
    try {
      onChanged(await call());
    } catch (err) {
      notify(errorText(t, err), 'error');
    } finally {
      setBusy(false);
    }
  }
  const move = (to: RequestStatus, comment: string | null = null) => api.changeStatus(request.number, to, comment);
  const reopening = s === 'closed' || s === 'solution_provided';
  const mine = request.assignee?.id === me.id;

  const prompt = asking && asking !== 'incident' && {
    awaiting_customer: { title: t.clarificationTitle, label: t.clarificationLabel, submit: t.send, required: true },
    solution_provided: { title: t.solutionTitle, label: t.solutionLabel, submit: t.send, required: true },
    closed: { title: t.closeTitle, label: t.closeLabel, submit: t.closeRequest, required: false },
  }[asking];

  return (
    <div class="actions" role="group" aria-label={t.actions}>
      <button type="button" class="button" disabled={busy || !canMove(s, 'in_progress')} onClick={() => run(() => move('in_progress'))} data-testid={reopening ? 'action-reopen' : 'action-start'}>
        {reopening ? t.reopen : t.startWork}
      </button>
      <button type="button" class="button" disabled={busy || !canMove(s, 'awaiting_customer')} onClick={() => setAsking('awaiting_customer')} data-testid="action-clarify">
        {t.askClarification}
      </button>
      <button type="button" class="button" disabled={busy || !canMove(s, 'solution_provided')} onClick={() => setAsking('solution_provided')} data-testid="action-solve">
        {t.provideSolution}
      </button>
      <button type="button" class="button" disabled={busy || !canMove(s, 'closed')} onClick={() => setAsking('closed')} data-testid="action-close">
        {t.closeRequest}
      </button>
      {!request.incident && (
        <button type="button" class="button" disabled={busy || s === 'closed'} onClick={() => setAsking('incident')} data-testid="action-link-incident">
          {t.linkToIncident}
        </button>
      )}
      <span class="actions-gap" />
      {!mine && (
        <button type="button" class="button" disabled={busy} aria-disabled={assigning ? 'true' : undefined} onClick={() => onAssign(me.id)} data-testid="action-assign-me">
          {t.assignToMe}
        </button>
      )}
      {asking === 'incident' && <LinkDialog numbers={[request.number]} onClose={() => setAsking(null)} onLinked={onReload} />}
      {asking && prompt && (
        <PromptDialog
          title={prompt.title}
          label={prompt.label}
          submitLabel={prompt.submit}
          required={prompt.required}
          maxLength={LIMITS.text}
          onSubmit={async (text) => onChanged(await move(asking, text || null))}
          onClose={() => setAsking(null)}
          testid={`prompt-${asking}`}
        />
      )}
    </div>
  );
}

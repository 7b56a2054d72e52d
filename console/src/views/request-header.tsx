import { useId, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useI18n } from '../i18n/i18n.js';
import { dateTime } from '../format.js';
import { followLink } from '../router.js';
import type { AgentView, RequestView } from '../types.js';
import { AssigneeMenu } from './assignee-menu.js';
import { ChannelLabel, StatusBadge } from './badges.js';
import { CustomerFacts } from './customer-facts.js';
import { Icon } from './icons.js';
import { IncidentBanner } from './incident-banner.js';
import { errorText, useNotify } from './notices.js';
import { RequestActions } from './request-actions.js';
import type { Agents } from './use-agents.js';

/** Back to the list beside the view (shown on narrow screens only, where one pane shows at a time). */
export function BackLink({ href, label }: { href: string; label?: string }) {
  const { t } = useI18n();
  return (
    <a class="back" href={href} onClick={followLink} data-testid="back">
      <Icon name="back" />
      {label ?? t.back}
    </a>
  );
}

export interface RequestHeaderProps {
  request: RequestView;
  me: AgentView;
  agents: Agents;
  backHref: string;
  onChanged(r: RequestView): void;
  /** Loads the request again (linked to or taken out of a mass incident). */
  onReload(): void;
}

/** Number, subject, facts (the assignee as a menu), the reachability warning and the actions of the open request. */
export function RequestHeader({ request: r, me, agents, backHref, onChanged, onReload }: RequestHeaderProps) {
  const { t, locale } = useI18n();
  const notify = useNotify();
  const [assigning, setAssigning] = useState(false);
  /** Synchronous twin of `assigning`: a second click before the re-render is ignored. */
  const inFlight = useRef(false);
  const assigneeLabel = useId();
  const menuButtonId = useId();

  // The buttons stay enabled (and focused) meanwhile: disabling a focused button drops its focus.
  async function assign(agentId: string | null) {
    if (inFlight.current) return;
    inFlight.current = true;
    setAssigning(true);
    try {
      onChanged(await api.assign(r.number, agentId));
    } catch (err) {
      notify(errorText(t, err), 'error');
      // Deactivated meanwhile, say: the menu shows who is still there.
      agents.refresh();
    } finally {
      inFlight.current = false;
      setAssigning(false);
      // "Assign to me" goes away once it is done: its focus goes to the assignee menu.
      requestAnimationFrame(() => {
        if (document.activeElement === document.body) document.getElementById(menuButtonId)?.focus();
      });
    }
  }

  return (
    <header class="request-head">
      <BackLink href={backHref} />
      <div class="head-line">
        <span class="request-number" data-testid="request-number">
          {r.number}
        </span>
        <StatusBadge status={r.status} />
        <span class="type-label" data-testid="request-type">
          {t.type[r.type]}
        </span>
        <ChannelLabel channel={r.channel} />
      </div>
      <h1 class="request-subject" id="request-title" tabIndex={-1} data-testid="request-subject">
        {r.subject}
      </h1>
      <dl class="facts">
        <CustomerFacts customer={r.customer} />
        <div>
          <dt id={assigneeLabel}>{t.assignee}</dt>
          <dd>
            <AssigneeMenu
              assignee={r.assignee}
              agents={agents.active}
              me={me}
              busy={assigning}
              labelledBy={assigneeLabel}
              buttonId={menuButtonId}
              onOpen={agents.refresh}
              onPick={(id) => void assign(id)}
            />
          </dd>
        </div>
        <div>
          <dt>{t.created}</dt>
          <dd>
            <time dateTime={r.createdAt}>{dateTime(r.createdAt, locale)}</time>
          </dd>
        </div>
      </dl>
      {!r.customer.reachable && (
        <p class="warning" data-testid="reachability-warning">
          <Icon name="warning" />
          {t.unreachable}
        </p>
      )}
      <IncidentBanner request={r} onChanged={onReload} />
      <RequestActions request={r} me={me} busy={assigning} onAssign={(id) => void assign(id)} onChanged={onChanged} onReload={onReload} />
    </header>
  );
}

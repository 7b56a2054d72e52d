import { useI18n } from '../i18n/i18n.js';
import { dateTime } from '../format.js';
import { followLink } from '../router.js';
import type { AgentView, RequestView } from '../types.js';
import { ChannelLabel, StatusBadge } from './badges.js';
import { Icon } from './icons.js';
import { RequestActions } from './request-actions.js';

export function BackLink({ href }: { href: string }) {
  const { t } = useI18n();
  return (
    <a class="back" href={href} onClick={followLink} data-testid="back">
      <Icon name="back" />
      {t.back}
    </a>
  );
}

/** Number, subject, facts, the reachability warning and the actions of the open request. */
export function RequestHeader({ request: r, me, backHref, onChanged }: { request: RequestView; me: AgentView; backHref: string; onChanged(r: RequestView): void }) {
  const { t, locale } = useI18n();
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
        <div>
          <dt>{t.customer}</dt>
          <dd data-testid="request-customer">{r.customer.displayName ?? t.anonymous}</dd>
        </div>
        <div>
          <dt>{t.assignee}</dt>
          <dd data-testid="request-assignee">{r.assignee?.name ?? t.nobody}</dd>
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
      <RequestActions request={r} me={me} onChanged={onChanged} />
    </header>
  );
}

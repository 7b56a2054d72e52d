import type { ComponentChildren } from 'preact';
import { useI18n, type Strings } from '../i18n/i18n.js';
import { dateTime } from '../format.js';
import { historyKind } from '../incident-state.js';
import { followLink, routePath } from '../router.js';
import type { StatusChangeView } from '../types.js';
import { StatusBadge } from './badges.js';
import { Icon } from './icons.js';

function actorName(t: Strings, c: StatusChangeView): string {
  return c.actor.agent?.name ?? t.author[c.actor.kind];
}

/** Who and when, after the entry's own words. */
function Who({ c }: { c: StatusChangeView }) {
  const { t, locale } = useI18n();
  return (
    <span class="muted">
      {actorName(t, c)} · <time dateTime={c.createdAt}>{dateTime(c.createdAt, locale)}</time>
    </span>
  );
}

/**
 * An entry of the request's history between the messages: a status move (from
 * → to), or what a mass incident did to it (linked, unlinked, an update sent, a
 * status carried over), with the incident as a link. A customer who said the
 * incident's solution did not help stands out: the request left the incident
 * and needs an agent's own work.
 */
export function StatusLine({ c }: { c: StatusChangeView }) {
  const { t } = useI18n();
  const kind = historyKind(c);
  const head = (body: ComponentChildren) => <div class="status-line-head">{body}</div>;
  const comment = c.comment && kind !== 'not_solved' && <p class="text status-comment">{c.comment}</p>;
  if (kind === 'status') {
    return (
      <li class="status-line" data-testid="status-change" data-event={c.event} data-to={c.to}>
        {head(
          <>
            <span>{t.statusChange}:</span>
            {c.from && <StatusBadge status={c.from} />}
            {c.from && <span aria-hidden="true">→</span>}
            <StatusBadge status={c.to} />
            <Who c={c} />
          </>,
        )}
        {comment}
      </li>
    );
  }
  const [before, after] = t.historyEvent[kind];
  const incident = c.incidentNumber && (
    <a href={routePath({ name: 'incident', number: c.incidentNumber })} onClick={followLink} data-testid="history-incident">
      {c.incidentNumber}
    </a>
  );
  const moved = kind === 'cascade' && c.from !== c.to;
  return (
    <li class={`status-line incident-line${kind === 'not_solved' ? ' alert' : ''}`} data-testid="status-change" data-event={c.event} data-to={c.to} data-kind={kind}>
      {head(
        <>
          <Icon name={kind === 'not_solved' ? 'warning' : 'incident'} />
          <span class={kind === 'not_solved' ? 'strong' : undefined}>
            {before} {incident}
            {after}
          </span>
          {moved && c.from && <StatusBadge status={c.from} />}
          {moved && <span aria-hidden="true">→</span>}
          {moved && <StatusBadge status={c.to} />}
          <Who c={c} />
        </>,
      )}
      {comment}
    </li>
  );
}

import { useI18n } from '../i18n/i18n.js';
import { relativeTime, dateTime } from '../format.js';
import { followLink, routePath } from '../router.js';
import type { RequestListItem } from '../types.js';
import { ChannelLabel, StatusBadge } from './badges.js';

/** One request in the list: a link to its view, with its unread count. */
export function RequestRow({ r, current, now }: { r: RequestListItem; current: boolean; now: number }) {
  const { t, locale } = useI18n();
  const preview = r.lastMessage?.text ?? '';
  return (
    <li>
      <a
        class={`row${r.unread > 0 ? ' unread' : ''}`}
        href={routePath({ name: 'request', number: r.number })}
        onClick={followLink}
        aria-current={current ? 'page' : undefined}
        data-testid="request-row"
        data-number={r.number}
        data-unread={r.unread}
      >
        <span class="row-top">
          <span class="row-customer">{r.customer.displayName ?? t.anonymous}</span>
          <time class="row-time" dateTime={r.lastActivityAt} title={dateTime(r.lastActivityAt, locale)}>
            {relativeTime(r.lastActivityAt, now, locale)}
          </time>
        </span>
        <span class="row-subject">
          <span class="row-number">{r.number}</span> {r.subject}
        </span>
        {preview && <span class="row-preview">{preview}</span>}
        <span class="row-meta">
          <StatusBadge status={r.status} />
          <ChannelLabel channel={r.channel} />
          {r.assignee && <span class="row-assignee">{r.assignee.name}</span>}
          {r.unread > 0 && (
            <span class="unread-count" aria-label={t.unread(r.unread)} title={t.unread(r.unread)} data-testid="unread">
              {r.unread}
            </span>
          )}
        </span>
      </a>
    </li>
  );
}

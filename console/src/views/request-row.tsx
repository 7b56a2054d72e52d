import { useI18n } from '../i18n/i18n.js';
import { relativeTime, dateTime } from '../format.js';
import { followLink, routePath } from '../router.js';
import type { RequestListItem } from '../types.js';
import { ChannelLabel, StatusBadge } from './badges.js';
import { Icon } from './icons.js';

export interface RequestRowProps {
  r: RequestListItem;
  /** The request open beside the list. */
  current: boolean;
  /** The one row in the Tab order (the arrow keys move between rows). */
  tabbable: boolean;
  now: number;
  /** Ticked for an action on several requests (linking them to a mass incident). */
  selected: boolean;
  onSelect(): void;
}

/** One request in the list: a box to select it, and a link to its view with its unread count and its mass incident. */
export function RequestRow({ r, current, tabbable, now, selected, onSelect }: RequestRowProps) {
  const { t, locale } = useI18n();
  // A message without text carried images.
  const preview = r.lastMessage ? (r.lastMessage.text ?? t.image) : '';
  const contact = r.customer.email ?? r.customer.phone;
  return (
    <li class={`row-item${selected ? ' selected' : ''}`}>
      <input
        type="checkbox"
        class="row-select"
        checked={selected}
        onChange={onSelect}
        tabIndex={tabbable ? 0 : -1}
        aria-label={t.selectRequest(r.number)}
        data-testid="row-select"
        data-number={r.number}
      />
      <a
        class={`row${r.unread > 0 ? ' unread' : ''}`}
        href={routePath({ name: 'request', number: r.number })}
        onClick={followLink}
        aria-current={current ? 'page' : undefined}
        tabIndex={tabbable ? 0 : -1}
        data-testid="request-row"
        data-number={r.number}
        data-unread={r.unread}
      >
        <span class="row-top">
          <span class="row-customer">
            {r.customer.displayName ?? t.anonymous}
            {contact && (
              <span class="row-contact" data-testid="row-contact">
                {contact}
              </span>
            )}
          </span>
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
          {r.incident && (
            <span class="row-incident" title={`${t.type.mass_incident} ${r.incident.number}: ${r.incident.title}`} data-testid="row-incident" data-incident={r.incident.number}>
              <Icon name="incident" />
              <span class="visually-hidden">{t.type.mass_incident} </span>
              {r.incident.number}
            </span>
          )}
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

import { useState } from 'preact/hooks';
import { dateTime, relativeTime } from '../format.js';
import { useI18n } from '../i18n/i18n.js';
import { INCIDENT_TABS, toIncidentView } from '../incident-state.js';
import { followLink, navigate, routePath } from '../router.js';
import type { AgentSocket } from '../socket.js';
import type { IncidentView } from '../types.js';
import { StatusBadge } from './badges.js';
import { Icon } from './icons.js';
import { DeclareDialog } from './incident-form.js';
import { IncidentPane } from './incident-pane.js';
import { useNotify } from './notices.js';
import { useIncidentList } from './use-incidents.js';

function IncidentRow({ i, current }: { i: IncidentView; current: boolean }) {
  const { t, locale } = useI18n();
  return (
    <li>
      <a
        class="row"
        href={routePath({ name: 'incident', number: i.number })}
        onClick={followLink}
        aria-current={current ? 'page' : undefined}
        data-testid="incident-row"
        data-number={i.number}
        data-status={i.status}
      >
        <span class="row-top">
          <span class="row-customer">{i.title}</span>
          <time class="row-time" dateTime={i.updatedAt} title={dateTime(i.updatedAt, locale)}>
            {relativeTime(i.updatedAt, Date.now(), locale)}
          </time>
        </span>
        <span class="row-subject">
          <span class="row-number">{i.number}</span> {t.linkedCount(i.linkedCount, i.openLinkedCount)}
        </span>
        {i.latestUpdate && <span class="row-preview">{i.latestUpdate.text}</span>}
        <span class="row-meta">
          <StatusBadge status={i.status} />
        </span>
      </a>
    </li>
  );
}

/**
 * Mass incidents: the list (open ones, or all) beside the open incident, one
 * pane at a time on narrow screens, as the requests are; new ones declared here.
 */
export function IncidentsPage({ socket, epoch, openNumber }: { socket: AgentSocket | null; epoch: number; openNumber: string | null }) {
  const { t } = useI18n();
  const notify = useNotify();
  const list = useIncidentList(socket, epoch);
  const [declaring, setDeclaring] = useState(false);
  const { incidents, loading, error } = list.state;
  return (
    <div class="workspace" data-view={openNumber ? 'detail' : 'list'} data-testid="incidents-page">
      <section class="list-pane" aria-labelledby="incidents-title">
        <div class="filters">
          <div class="list-head">
            <h1 id="incidents-title">{t.incidents}</h1>
            <button type="button" class="button primary" onClick={() => setDeclaring(true)} data-testid="declare-incident">
              <Icon name="incident" />
              {t.declareIncident}
            </button>
          </div>
          <div class="tabs" role="group" aria-label={t.statusFilter}>
            {INCIDENT_TABS.map((tab) => (
              <button key={tab} type="button" class="tab" aria-pressed={list.tab === tab} onClick={() => list.setTab(tab)} data-testid={`incident-tab-${tab}`}>
                {t.incidentTabs[tab]}
              </button>
            ))}
          </div>
        </div>
        <div class="list-scroll">
          <ul class="rows" data-testid="incident-list" aria-busy={loading}>
            {incidents.map((i) => (
              <IncidentRow key={i.number} i={i} current={i.number === openNumber} />
            ))}
          </ul>
          {!loading && !error && incidents.length === 0 && <p class="empty">{t.noIncidents}</p>}
          {error && (
            <p class="form-error" role="alert">
              {error}{' '}
              <button type="button" class="link-button" onClick={list.reload}>
                {t.retry}
              </button>
            </p>
          )}
          {loading && <p class="empty">{t.loading}</p>}
        </div>
      </section>
      <section class="detail-pane" aria-label={openNumber ?? t.incidents}>
        {openNumber ? (
          <IncidentPane key={`${openNumber}:${epoch}`} number={openNumber} socket={socket} onChanged={list.put} />
        ) : (
          <p class="placeholder">{t.pickIncident}</p>
        )}
      </section>
      {declaring && (
        <DeclareDialog
          onClose={() => setDeclaring(false)}
          onDeclared={(d) => {
            list.put(toIncidentView(d));
            notify(t.declared(d.number));
            navigate(routePath({ name: 'incident', number: d.number }));
          }}
        />
      )}
    </div>
  );
}

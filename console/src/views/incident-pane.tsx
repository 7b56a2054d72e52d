import { useEffect } from 'preact/hooks';
import { useT } from '../i18n/i18n.js';
import { toIncidentView } from '../incident-state.js';
import { isNarrow } from '../layout.js';
import { routePath } from '../router.js';
import type { AgentSocket } from '../socket.js';
import type { IncidentView } from '../types.js';
import { IncidentHeader } from './incident-header.js';
import { Deliveries, IncidentHistory, LinkedRequests } from './incident-sections.js';
import { IncidentUpdates } from './incident-updates.js';
import { BackLink } from './request-header.js';
import { useIncident } from './use-incident.js';

export interface IncidentPaneProps {
  number: string;
  socket: AgentSocket | null;
  /** The incident changed by a call here: the list shows it at once. */
  onChanged(incident: IncidentView): void;
}

/** The open mass incident: its description, the fan-out's progress, the linked requests, the updates and its history, kept live. */
export function IncidentPane({ number, socket, onChanged }: IncidentPaneProps) {
  const t = useT();
  const { incident: d, failure, set, refresh } = useIncident(number, socket);
  const loaded = Boolean(d);
  useEffect(() => {
    // One pane at a time: the list (and the row that had focus) just went away.
    if (loaded && isNarrow()) requestAnimationFrame(() => document.getElementById('incident-title')?.focus({ preventScroll: true }));
  }, [loaded]);

  if (!d) {
    return (
      <div class="request">
        <div class="request-head">
          <BackLink href={routePath({ name: 'incidents' })} label={t.allIncidents} />
        </div>
        <p class={failure ? 'placeholder form-error' : 'placeholder'} role={failure ? 'alert' : undefined} data-testid="incident-failure">
          {failure ?? t.loading}
        </p>
      </div>
    );
  }
  const changed = (next: typeof d) => {
    set(next);
    onChanged(toIncidentView(next));
  };
  return (
    <article class="request incident" data-testid="incident-view" data-number={d.number} data-status={d.status}>
      <IncidentHeader incident={d} onChanged={changed} />
      {/* Side by side on a wide screen: what the agent writes, and what it reaches. */}
      <div class="incident-body" data-testid="incident-body">
        <div class="incident-column">
          {d.description && (
            <section class="description" aria-labelledby="incident-description-title">
              <h2 id="incident-description-title">{t.publicDescription}</h2>
              <p class="text" data-testid="incident-description">
                {d.description}
              </p>
            </section>
          )}
          <IncidentUpdates incident={d} onPosted={refresh} />
        </div>
        <div class="incident-column">
          <Deliveries incident={d} />
          <LinkedRequests incident={d} onChanged={refresh} />
          <IncidentHistory incident={d} />
        </div>
      </div>
    </article>
  );
}

import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useT } from '../i18n/i18n.js';
import { deliveryTotal, fanOutInProgress, type DeliveryCounts } from '../incident-state.js';
import { followLink, routePath } from '../router.js';
import type { IncidentDetailView } from '../types.js';
import { ChannelLabel, StatusBadge } from './badges.js';
import { errorText, useNotify } from './notices.js';
import { StatusLine } from './status-line.js';

const KINDS = ['delivered', 'pending', 'failed'] as const;

/** Delivered, pending and failed as a bar: decorative, the numbers beside it say the same in words. */
function DeliveryBar({ c }: { c: DeliveryCounts }) {
  return (
    <div class="delivery-bar" aria-hidden="true">
      {KINDS.map((k) => c[k] > 0 && <span key={k} class={`bar-${k}`} style={{ flexGrow: c[k] }} />)}
    </div>
  );
}

function Counts({ c }: { c: DeliveryCounts }) {
  return (
    <>
      {KINDS.map((k) => (
        <td key={k} class={k === 'failed' && c.failed > 0 ? 'failed-count' : undefined} data-testid={`count-${k}`}>
          {c[k]}
        </td>
      ))}
    </>
  );
}

/** How far the fan-out of the public updates has got: in all, and per channel. */
export function Deliveries({ incident: d }: { incident: IncidentDetailView }) {
  const t = useT();
  const c = d.deliveries;
  const total = deliveryTotal(c);
  const channels = Object.entries(c.byChannel).sort(([a], [b]) => a.localeCompare(b));
  return (
    <section class="panel" aria-labelledby="deliveries-title" data-testid="incident-deliveries" data-pending={c.pending} data-delivered={c.delivered} data-failed={c.failed}>
      <h2 id="deliveries-title">{t.deliveries}</h2>
      {total === 0 && !fanOutInProgress(d) ? (
        <p class="muted">{t.noDeliveries}</p>
      ) : (
        <>
          <p class="delivery-summary" role="status" data-testid="deliveries-summary">
            <strong>{t.deliverySummary(c.delivered, total)}</strong>
            {c.failed > 0 && <span class="failed-count"> · {t.failedCount(c.failed)}</span>}
            {fanOutInProgress(d) && <span class="muted"> · {t.fanOutGoing}</span>}
          </p>
          <DeliveryBar c={c} />
          <div class="table-scroll">
            <table class="data-table">
              <caption class="visually-hidden">{t.deliveriesByChannel}</caption>
              <thead>
                <tr>
                  <th scope="col">{t.channelFilter}</th>
                  {KINDS.map((k) => (
                    <th key={k} scope="col">
                      {t.deliveryCounts[k]}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {channels.map(([channel, n]) => (
                  <tr key={channel} data-testid="deliveries-channel" data-channel={channel}>
                    <th scope="row">
                      <ChannelLabel channel={channel} />
                    </th>
                    <Counts c={n} />
                  </tr>
                ))}
              </tbody>
              {channels.length > 1 && (
                <tfoot>
                  <tr>
                    <th scope="row">{t.total}</th>
                    <Counts c={c} />
                  </tr>
                </tfoot>
              )}
            </table>
          </div>
        </>
      )}
    </section>
  );
}

/** The linked customers' requests, each a link to its view, with its status; each can be taken out. */
export function LinkedRequests({ incident: d, onChanged }: { incident: IncidentDetailView; onChanged(): void }) {
  const t = useT();
  const notify = useNotify();
  const [busy, setBusy] = useState<string | null>(null);
  const unlink = async (number: string) => {
    setBusy(number);
    try {
      await api.unlinkRequest(d.number, number);
      notify(t.unlinked(number, d.number));
      onChanged();
    } catch (err) {
      notify(errorText(t, err), 'error');
    } finally {
      setBusy(null);
    }
  };
  return (
    <section class="panel" aria-labelledby="linked-title" data-testid="incident-requests">
      <h2 id="linked-title">
        {t.linkedRequests} ({d.requests.length})
      </h2>
      {d.requests.length === 0 && <p class="muted">{t.noLinked}</p>}
      <ul class="linked-list">
        {d.requests.map((r) => (
          <li key={r.number} data-testid="linked-request" data-number={r.number} data-status={r.status}>
            <div class="linked-main">
              <a href={routePath({ name: 'request', number: r.number })} onClick={followLink} class="linked-number">
                {r.number}
              </a>{' '}
              <span class="linked-subject">{r.subject}</span>
              <div class="linked-meta">
                <span>{r.customer.displayName ?? t.anonymous}</span>
                <ChannelLabel channel={r.channel} />
                <StatusBadge status={r.status} />
                {!r.customer.reachable && <span class="failed-count">{t.unreachableShort}</span>}
              </div>
            </div>
            <button type="button" class="button" disabled={busy === r.number} onClick={() => void unlink(r.number)} aria-label={t.unlinkRequest(r.number)} data-testid="unlink">
              {t.unlink}
            </button>
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The incident's own status moves. */
export function IncidentHistory({ incident: d }: { incident: IncidentDetailView }) {
  const t = useT();
  if (d.statusChanges.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="history-title" data-testid="incident-history">
      <h2 id="history-title">{t.history}</h2>
      <ol class="timeline">
        {d.statusChanges.map((c) => (
          <StatusLine key={c.id} c={c} />
        ))}
      </ol>
    </section>
  );
}

import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useT } from '../i18n/i18n.js';
import { followLink, routePath } from '../router.js';
import type { RequestView } from '../types.js';
import { StatusBadge } from './badges.js';
import { Icon } from './icons.js';
import { errorText, useNotify } from './notices.js';

/**
 * The mass incident a customer's request is part of: its number (a link to
 * it), title and status, and a button that takes the request out of it. The
 * request keeps its own number, customer, conversation and status.
 */
export function IncidentBanner({ request: r, onChanged }: { request: RequestView; onChanged(): void }) {
  const t = useT();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const incident = r.incident;
  if (!incident) return null;
  const unlink = async () => {
    setBusy(true);
    try {
      await api.unlinkRequest(incident.number, r.number);
      notify(t.unlinked(r.number, incident.number));
      onChanged();
    } catch (err) {
      notify(errorText(t, err), 'error');
    } finally {
      setBusy(false);
    }
  };
  return (
    <aside class="incident-banner" aria-label={t.type.mass_incident} data-testid="incident-banner" data-incident={incident.number}>
      <Icon name="incident" />
      <div class="banner-text">
        <p>
          {t.partOfIncident}{' '}
          <a href={routePath({ name: 'incident', number: incident.number })} onClick={followLink} data-testid="banner-incident">
            {incident.number}
          </a>{' '}
          <span class="banner-title">“{incident.title}”</span> <StatusBadge status={incident.status} />
        </p>
        <p class="small">{t.bannerHint}</p>
      </div>
      <button type="button" class="button" disabled={busy} onClick={() => void unlink()} data-testid="banner-unlink">
        {t.unlink}
      </button>
    </aside>
  );
}

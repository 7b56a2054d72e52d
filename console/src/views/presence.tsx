import { useT } from '../i18n/i18n.js';
import type { Presence } from '../types.js';

/**
 * A coloured dot for an agent's presence, named in its tooltip; for screen
 * readers too with `label` (else the text around it names it). With
 * `caption`, away and offline are also written beside it (drawn by CSS, so
 * the element's text stays the agent's name).
 */
export function PresenceDot({ presence, label = false, caption = false }: { presence: Presence; label?: boolean; caption?: boolean }) {
  const t = useT();
  const name = t.presenceState[presence] ?? presence;
  return (
    <span class={`presence presence-${presence}`} data-presence={presence} data-caption={caption && presence !== 'online' ? name.toLowerCase() : undefined} title={name}>
      <span class="presence-dot" aria-hidden="true" />
      {label && <span class="visually-hidden">{name}</span>}
    </span>
  );
}

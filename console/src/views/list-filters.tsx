import { useEffect, useState } from 'preact/hooks';
import { useT } from '../i18n/i18n.js';
import { STATUS_TABS, type Filters } from '../list-state.js';
import type { AgentView, RequestType } from '../types.js';
import { Icon } from './icons.js';

const TYPES: RequestType[] = ['incident', 'mass_incident', 'consultation', 'development_request'];
const CHANNELS = ['webchat', 'telegram', 'whatsapp'];
const SEARCH_DELAY_MS = 300;

export interface ListFiltersProps {
  filters: Filters;
  /** Active agents, each offered as an assignee (the signed-in one as "Me"). */
  agents: AgentView[];
  me: AgentView;
  onChange(f: Filters): void;
}

/** Status tabs, type / channel / assignee selects and the search box (debounced). */
export function ListFilters({ filters, agents, me, onChange }: ListFiltersProps) {
  const t = useT();
  const [q, setQ] = useState(filters.q);
  useEffect(() => {
    if (q === filters.q) return undefined;
    const timer = setTimeout(() => onChange({ ...filters, q }), SEARCH_DELAY_MS);
    return () => clearTimeout(timer);
  }, [q]);

  const others = agents.filter((a) => a.id !== me.id);
  // Filtering by someone deactivated since: still named (by the rows) rather than shown as blank.
  const missing = !['', 'me', 'none'].includes(filters.assignee) && !others.some((a) => a.id === filters.assignee);
  const select = <K extends 'type' | 'channel' | 'assignee'>(key: K) =>
    (e: Event) => onChange({ ...filters, [key]: (e.currentTarget as HTMLSelectElement).value as Filters[K] });

  return (
    <div class="filters">
      <div class="search">
        <Icon name="search" />
        <input
          type="search"
          value={q}
          placeholder={t.searchPlaceholder}
          aria-label={t.search}
          onInput={(e) => setQ(e.currentTarget.value)}
          data-testid="search-input"
        />
      </div>
      <div class="tabs" role="group" aria-label={t.statusFilter}>
        {STATUS_TABS.map((tab) => (
          <button
            key={tab}
            type="button"
            class="tab"
            aria-pressed={filters.tab === tab}
            onClick={() => onChange({ ...filters, tab })}
            data-testid={`filter-status-${tab}`}
          >
            {t.tabs[tab]}
          </button>
        ))}
      </div>
      <div class="selects">
        <label for="filter-type">{t.typeFilter}</label>
        <label for="filter-channel">{t.channelFilter}</label>
        <label for="filter-assignee">{t.assigneeFilter}</label>
        <select id="filter-type" value={filters.type} onChange={select('type')} data-testid="filter-type">
          <option value="">{t.allTypes}</option>
          {TYPES.map((type) => (
            <option key={type} value={type}>
              {t.type[type]}
            </option>
          ))}
        </select>
        <select id="filter-channel" value={filters.channel} onChange={select('channel')} data-testid="filter-channel">
          <option value="">{t.allChannels}</option>
          {CHANNELS.map((c) => (
            <option key={c} value={c}>
              {t.channel[c]}
            </option>
          ))}
        </select>
        <select id="filter-assignee" value={filters.assignee} onChange={select('assignee')} data-testid="filter-assignee">
          <option value="">{t.anyone}</option>
          <option value="me">{t.me}</option>
          <option value="none">{t.unassigned}</option>
          {(others.length > 0 || missing) && (
            <optgroup label={t.agents}>
              {others.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
              {missing && <option value={filters.assignee}>{t.inactive}</option>}
            </optgroup>
          )}
        </select>
      </div>
    </div>
  );
}

import { useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../i18n/i18n.js';
import { moveFocus } from '../keys.js';
import type { AgentRef, AgentView, Presence } from '../types.js';
import { Icon } from './icons.js';
import { PresenceDot } from './presence.js';

export interface AssigneeMenuProps {
  assignee: AgentRef | null;
  /** Active agents; the current assignee is listed even when deactivated since. */
  agents: AgentView[];
  me: AgentView;
  /** An assignment is on its way: the menu does not open (the button keeps its focus). */
  busy: boolean;
  /** The id of the element that names the menu ("Assignee"). */
  labelledBy: string;
  buttonId: string;
  onOpen(): void;
  onPick(agentId: string | null): void;
}

interface Item {
  id: string | null;
  label: string;
  /** None for nobody, and for a deactivated assignee (not among the agents). */
  presence?: Presence | undefined;
}

/**
 * A menu button (WAI-ARIA pattern) to assign the request to any active agent
 * or to nobody. A native <select> would assign on every arrow key press in
 * Chromium; here the arrows only move, Enter or a click assigns, Escape and
 * Tab leave it as it was.
 */
export function AssigneeMenu({ assignee, agents, me, busy, labelledBy, buttonId, onOpen, onPick }: AssigneeMenuProps) {
  const t = useT();
  const [open, setOpen] = useState<false | 'first' | 'last'>(false);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const menuId = useId();
  const current = assignee?.id ?? null;

  const listed = assignee && !agents.some((a) => a.id === assignee.id) ? [...agents, { ...assignee }] : agents;
  const items: Item[] = [
    { id: null, label: t.unassigned },
    ...listed.map((a) => ({ id: a.id, label: a.id === me.id ? `${a.name} (${t.you})` : a.name, presence: 'presence' in a ? a.presence : undefined })),
  ];

  const entries = () => [...(menu.current?.querySelectorAll<HTMLElement>('[role="menuitemradio"]') ?? [])];
  // Opening puts the focus on the current choice (or the first / last item when opened with an arrow).
  useLayoutEffect(() => {
    if (!open) return;
    const all = entries();
    const checked = all.findIndex((el) => el.getAttribute('aria-checked') === 'true');
    (open === 'last' ? all[all.length - 1] : all[checked >= 0 ? checked : 0])?.focus();
  }, [open]);

  const show = (where: 'first' | 'last') => {
    if (busy) return;
    onOpen();
    setOpen(where);
  };
  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };
  const pick = (id: string | null) => {
    close(true);
    if (id !== current) onPick(id);
  };

  const onButtonKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    show(e.key === 'ArrowUp' ? 'last' : 'first');
  };
  const onMenuKey = (e: KeyboardEvent) => {
    const all = entries();
    const at = all.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      return close(true);
    }
    if (e.key === 'Tab') return close(false);
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      const item = items[at];
      return item ? pick(item.id) : undefined;
    }
    const to = moveFocus(e.key, at, all.length, { wrap: true, letters: false }) ?? typeAhead(e.key, at);
    if (to === null) return;
    e.preventDefault();
    all[to]?.focus();
  };
  /** A letter goes to the next agent whose name starts with it. */
  const typeAhead = (key: string, at: number): number | null => {
    if (key.length !== 1 || !/\S/.test(key)) return null;
    const k = key.toLocaleLowerCase();
    for (let i = 1; i <= items.length; i++) {
      const j = (at + i) % items.length;
      if (items[j]!.label.toLocaleLowerCase().startsWith(k)) return j;
    }
    return null;
  };
  // Focus leaving the menu and its button (Tab, a click elsewhere) closes it.
  const onFocusOut = (e: FocusEvent) => {
    const to = e.relatedTarget as Node | null;
    if (open && !(e.currentTarget as HTMLElement).contains(to)) setOpen(false);
  };

  return (
    <div class="menu-wrap" onFocusOut={onFocusOut}>
      <button
        ref={button}
        id={buttonId}
        type="button"
        class="menu-button"
        aria-haspopup="menu"
        aria-expanded={open ? 'true' : 'false'}
        aria-controls={open ? menuId : undefined}
        aria-labelledby={`${labelledBy} ${buttonId}`}
        aria-disabled={busy ? 'true' : undefined}
        onClick={() => (open ? close(true) : show('first'))}
        onKeyDown={onButtonKey}
        data-testid="request-assignee"
      >
        {assignee?.name ?? t.unassigned}
        <Icon name="caret" />
      </button>
      {open && (
        <ul ref={menu} id={menuId} class="menu" role="menu" aria-labelledby={labelledBy} onKeyDown={onMenuKey} data-testid="assignee-menu">
          {items.map((item) => (
            <li
              key={item.id ?? ''}
              role="menuitemradio"
              aria-checked={item.id === current ? 'true' : 'false'}
              tabIndex={-1}
              onClick={() => pick(item.id)}
              data-testid="assignee-option"
              data-agent={item.id ?? ''}
              data-presence={item.presence}
              // The name stays the item's text (type-ahead reads it); the presence is said beside it.
              aria-label={item.presence ? `${item.label}, ${t.presenceState[item.presence] ?? item.presence}` : undefined}
            >
              {item.label}
              {item.presence && <PresenceDot presence={item.presence} caption />}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

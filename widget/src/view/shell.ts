import type { WidgetConfig } from '../config';
import type { ConnectionStatus } from '../connection';
import type { Strings } from '../i18n';
import { imageFrom } from './composer';
import { h, icon, ICONS } from './dom';
import { Follower } from './follow';
import { buildCss } from './styles';

export interface ShellHandlers {
  toggle(): void;
  close(): void;
  loadEarlier(): void;
  drop(file: File): void;
}

const STATUS_TEXT: Partial<Record<ConnectionStatus, keyof Strings>> = {
  connecting: 'connecting',
  reconnecting: 'reconnecting',
  offline: 'offline',
  unavailable: 'unavailable',
};

/**
 * Launcher button and chat panel in a shadow root of their own, so that the
 * page's styles and the widget's do not reach each other.
 */
export class Shell {
  readonly shadow: ShadowRoot;
  readonly log: HTMLElement;
  readonly launcher: HTMLButtonElement;
  private readonly root: HTMLElement;
  private readonly panel: HTMLElement;
  private readonly badge: HTMLElement;
  private readonly status: HTMLElement;
  private readonly scroller: HTMLElement;
  private readonly typing: HTMLElement;
  private readonly earlier: HTMLButtonElement;
  private readonly dropHint: HTMLElement;
  private readonly follower: Follower;
  private unread = 0;

  constructor(host: HTMLElement, config: WidgetConfig, private readonly s: Strings, composer: HTMLElement, private readonly handlers: ShellHandlers) {
    const title = config.title ?? s.title;
    this.shadow = host.attachShadow({ mode: 'open' });
    this.badge = h('span', { class: 'badge', 'aria-hidden': 'true', hidden: true });
    this.launcher = h('button', { type: 'button', class: 'launcher', 'aria-controls': 'rd-panel', 'aria-expanded': 'false', onclick: () => handlers.toggle() }, icon(ICONS.chat), icon(ICONS.close), this.badge);
    this.status = h('div', { class: 'status', role: 'status', hidden: true });
    const close = h('button', { type: 'button', class: 'close', 'aria-label': s.closeChat, title: s.closeChat, onclick: () => handlers.close() }, icon(ICONS.close));
    // Busy until the conversation is loaded, so that screen readers do not read out the whole history.
    this.log = h('div', { class: 'log', id: 'rd-log', role: 'log', 'aria-live': 'polite', 'aria-label': s.conversation, 'aria-busy': 'true' });
    this.earlier = h('button', { type: 'button', class: 'earlier', hidden: true, onclick: () => handlers.loadEarlier() }, s.earlier);
    this.typing = h('div', { class: 'typing', hidden: true }, s.typing);
    this.scroller = h('div', { class: 'scroll' }, this.earlier, this.log, this.typing);
    const pill = h('button', { type: 'button', class: 'pill', hidden: true, 'aria-label': s.newMessage.replace(/\s*↓$/, '') }, s.newMessage);
    this.follower = new Follower(this.scroller, pill);
    this.dropHint = h('div', { class: 'drop', hidden: true }, s.dropHere);
    this.panel = h(
      'div',
      { class: 'panel', id: 'rd-panel', role: 'dialog', 'aria-label': title, hidden: true, onkeydown: (e) => this.onKey(e as KeyboardEvent) },
      h('header', {}, h('div', { class: 'heading' }, h('h2', {}, title), this.status), close),
      h('div', { class: 'body' }, this.scroller, pill),
      composer,
      this.dropHint,
    );
    this.listenForDrops();
    this.root = h('div', { class: 'root' }, this.panel, this.launcher);
    this.shadow.append(h('style', {}, buildCss(config.accent, config.position)), this.root);
    this.setUnread(0);
  }

  get isOpen(): boolean {
    return !this.panel.hidden;
  }

  setOpen(open: boolean): void {
    this.panel.hidden = !open;
    this.root.classList.toggle('open', open);
    this.launcher.setAttribute('aria-expanded', String(open));
    this.setUnread(open ? 0 : this.unread);
  }

  setUnread(n: number): void {
    this.unread = n;
    this.badge.textContent = n > 99 ? '99+' : String(n);
    this.badge.hidden = n === 0;
    const label = this.isOpen ? this.s.closeChat : this.s.openChat;
    this.launcher.setAttribute('aria-label', n ? `${label} (${this.s.unread(n)})` : label);
  }

  setStatus(status: ConnectionStatus): void {
    const key = STATUS_TEXT[status];
    this.status.hidden = !key;
    this.status.textContent = key ? (this.s[key] as string) : '';
    this.root.dataset.status = status;
  }

  setTyping(typing: boolean): void {
    this.typing.hidden = !typing;
    this.follower.settle();
  }

  setHasMore(more: boolean): void {
    this.earlier.hidden = !more;
  }

  /** Whether the conversation is still loading (`aria-busy` of the log). */
  setLoading(loading: boolean): void {
    this.log.setAttribute('aria-busy', String(loading));
  }

  /** A message was added: see Follower.reveal. */
  reveal(el: HTMLElement | null, announce: boolean): void {
    this.follower.reveal(el, announce);
  }

  /** Back to the newest message (from `el`'s first line if given): see Follower.jump. */
  jump(el: HTMLElement | null = null): void {
    this.follower.jump(el);
  }

  /** Something shown changed size. */
  settle(): void {
    this.follower.settle();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key !== 'Escape') return;
    e.stopPropagation();
    this.handlers.close();
  }

  private listenForDrops(): void {
    const p = this.panel;
    const show = (on: boolean) => {
      p.classList.toggle('drag', on);
      this.dropHint.hidden = !on;
    };
    p.addEventListener('dragover', (e) => {
      if (!e.dataTransfer?.types.includes('Files')) return;
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      show(true);
    });
    p.addEventListener('dragleave', (e) => {
      if (!p.contains(e.relatedTarget as Node | null)) show(false);
    });
    p.addEventListener('drop', (e) => {
      e.preventDefault();
      show(false);
      const file = imageFrom(e.dataTransfer) ?? e.dataTransfer?.files[0];
      if (file) this.handlers.drop(file);
    });
  }
}

import type { Choice, ServerMessage } from '../protocol';
import type { OutboxItem } from '../outbox';
import type { Strings } from '../i18n';
import { formatTime, h, safeUrl } from './dom';

/** One line of the conversation as shown: a server message or the visitor's pending one. */
export interface Entry {
  id: string | null;
  clientId: string | null;
  from: ServerMessage['from'];
  text: string | null;
  attachments: { url: string; fileName: string | null }[];
  choices: Choice[];
  at: string;
  state: 'sent' | 'pending' | 'failed';
  error?: string;
  /** True once the server's own copy was shown (not just its ack). */
  fromServer: boolean;
}

export interface RenderContext {
  strings: Strings;
  base: string;
  choose(choice: Choice): void;
}

export function entryFromServer(m: ServerMessage): Entry {
  return {
    id: m.id,
    clientId: m.clientId ?? null,
    from: m.from,
    text: m.text,
    attachments: (m.attachments ?? []).map((a) => ({ url: a.url, fileName: a.fileName })),
    choices: m.choices ?? [],
    at: m.at,
    state: 'sent',
    fromServer: true,
  };
}

export function entryFromOutbox(item: OutboxItem): Entry {
  return {
    id: null,
    clientId: item.clientId,
    from: 'customer',
    text: item.text || item.label || null,
    attachments: item.attachmentUrl ? [{ url: item.attachmentUrl, fileName: null }] : [],
    choices: [],
    at: item.createdAt,
    state: 'pending',
    fromServer: false,
  };
}

function renderAttachment(a: Entry['attachments'][number], ctx: RenderContext): HTMLElement | null {
  const url = safeUrl(a.url, ctx.base);
  if (!url) return null;
  const name = a.fileName || ctx.strings.screenshot;
  return h(
    'a',
    { class: 'shot', href: url, target: '_blank', rel: 'noopener noreferrer', 'aria-label': `${name} (${ctx.strings.openFullSize})` },
    h('img', { src: url, alt: name }),
  );
}

function renderChoices(choices: Choice[], ctx: RenderContext): HTMLElement | null {
  if (!choices.length) return null;
  const group = h('div', { class: 'choices', role: 'group' });
  for (const c of choices) {
    group.append(h('button', { type: 'button', class: 'choice', 'data-choice': c.id, onclick: () => ctx.choose(c) }, c.label));
  }
  return group;
}

/** The element of one entry; re-rendered whole when the entry changes. */
export function renderEntry(e: Entry, ctx: RenderContext): HTMLElement {
  const s = ctx.strings;
  const label = e.from === 'agent' ? s.agent : e.from === 'bot' ? s.bot : s.you;
  const bubble = h('div', { class: 'bubble' }, e.text);
  for (const a of e.attachments) bubble.append(renderAttachment(a, ctx) ?? '');
  const time = h('time', { datetime: e.at }, formatTime(e.at));
  const meta = h('div', { class: 'meta' }, time, e.state === 'pending' ? ` · ${s.sending}` : null);
  const el = h(
    'div',
    { class: `msg ${e.from} ${e.state}`, 'data-id': e.id, 'data-client-id': e.clientId },
    // Agents are named on screen; every sender is named to screen readers.
    h('div', { class: e.from === 'agent' ? 'who' : 'sr' }, label),
    bubble,
    meta,
    e.state === 'failed' ? h('div', { class: 'error' }, `${s.notSent}: ${e.error ?? ''}`) : null,
    renderChoices(e.choices, ctx),
  );
  return el;
}

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
  /** The agent who wrote it, when the server names them. */
  agentName: string | null;
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
    agentName: typeof m.agentName === 'string' && m.agentName.trim() ? m.agentName.trim() : null,
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
    agentName: null,
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

/** Choices that go ahead with what the message proposes (the summary's "Submit"), drawn as the main action. */
const PRIMARY_CHOICES = new Set(['confirm']);

/**
 * The class of a choice: the main action stands out; the language switch
 * (`menu:lang:<locale>`, a setting rather than an answer) is drawn small, at the
 * end of the row, so it never reads as one of the request types beside it.
 */
function choiceClass(id: string): string {
  if (PRIMARY_CHOICES.has(id)) return 'choice primary';
  return id.startsWith('menu:lang:') ? 'choice lang' : 'choice';
}

function renderChoices(choices: Choice[], ctx: RenderContext): HTMLElement | null {
  if (!choices.length) return null;
  const group = h('div', { class: 'choices', role: 'group' });
  for (const c of choices) {
    group.append(h('button', { type: 'button', class: choiceClass(c.id), 'data-choice': c.id, onclick: () => ctx.choose(c) }, c.label));
  }
  return group;
}

/**
 * A dash after a space is kept on the line of the word before it (a no-break
 * space), so that a wrapped line never starts with "—", as Russian typography
 * (and English) wants.
 */
function bindDashes(text: string): string {
  return text.replace(/ (?=[—–](?:\s|$))/g, '\u00a0');
}

/**
 * What must not wrap: a request number such as SR-1042 (REQUEST_PREFIX: a
 * letter, then up to 9 letters or digits) and an international phone number
 * such as +7 900 123-45-67.
 */
const UNBREAKABLE = /\b[A-Z][A-Z0-9]{0,9}-\d+\b|\+\d[\d ()-]{5,18}\d/g;

/**
 * The text of a message as nodes: request and phone numbers in a span that
 * does not wrap, so "SR-1042" is never split at its hyphen (a no-break hyphen
 * in the text would not survive copying the number), the rest as text with
 * its dashes bound.
 */
function textNodes(text: string | null): (Node | string)[] {
  if (!text) return [];
  const out: (Node | string)[] = [];
  let at = 0;
  for (const m of text.matchAll(UNBREAKABLE)) {
    out.push(bindDashes(text.slice(at, m.index)), h('span', { class: 'nb' }, m[0]));
    at = m.index + m[0].length;
  }
  out.push(bindDashes(text.slice(at)));
  return out.filter((n) => n !== '');
}

/** The element of one entry; re-rendered whole when the entry changes. */
export function renderEntry(e: Entry, ctx: RenderContext): HTMLElement {
  const s = ctx.strings;
  const label = e.from === 'agent' ? (e.agentName ?? s.agent) : e.from === 'bot' ? s.bot : s.you;
  const bubble = h('div', { class: 'bubble' }, ...textNodes(e.text));
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

import { UNSTORED_GREETING_ID, type ServerMessage } from '../protocol';
import type { OutboxItem } from '../outbox';
import { entryFromOutbox, entryFromServer, renderEntry, type Entry, type RenderContext } from './message-view';

/** The id itself, unless it is the greeting's that the server never stored. */
const stored = (id: string | null | undefined) => (id && id !== UNSTORED_GREETING_ID ? id : null);

interface Item {
  entry: Entry;
  el: HTMLElement;
}

/** Outcome of showing a server message. */
export type Upsert = 'new' | 'updated' | 'known';

/**
 * The conversation as shown, in the `role="log"` element. Each message is shown
 * once: server messages are keyed by id, the visitor's pending ones by
 * clientId until the server's copy or ack gives them an id. New server
 * messages go above the visitor's still-pending ones.
 */
export class MessageList {
  private items: Item[] = [];
  private byId = new Map<string, Item>();
  private byClient = new Map<string, Item>();

  constructor(
    readonly el: HTMLElement,
    private readonly ctx: RenderContext,
  ) {}

  get size(): number {
    return this.items.length;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** Id of the newest message the server has stored, for `auth.lastSeenId` (never the unstored greeting). */
  newestId(): string | null {
    for (let i = this.items.length - 1; i >= 0; i--) {
      const id = stored(this.items[i]?.entry.id);
      if (id) return id;
    }
    return null;
  }

  /** Id of the oldest stored message, for `history`'s `beforeId`. */
  oldestId(): string | null {
    return this.items.find((i) => stored(i.entry.id))?.entry.id ?? null;
  }

  /**
   * Messages from the bot or an agent after `lastReadId` and after the
   * visitor's own last message. The greeting shown on opening was seen then.
   */
  countUnread(lastReadId: string | null): number {
    let count = 0;
    for (const { entry } of this.items) {
      if (entry.from === 'customer' || entry.id === lastReadId) count = 0;
      else if (stored(entry.id)) count++;
    }
    return count;
  }

  /** The element showing the message with this id. */
  elementOf(id: string): HTMLElement | null {
    return this.byId.get(id)?.el ?? null;
  }

  /** The last element, if the bot or an agent wrote it (what to show from its first line). */
  lastIncoming(): HTMLElement | null {
    const last = this.items[this.items.length - 1];
    return last && last.entry.from !== 'customer' ? last.el : null;
  }

  /** Takes a message away (the unstored greeting, once the stored history has come). */
  remove(id: string): void {
    const item = this.byId.get(id);
    if (!item) return;
    item.el.remove();
    this.items.splice(this.items.indexOf(item), 1);
    this.byId.delete(id);
    this.refreshChoices();
  }

  upsert(m: ServerMessage): Upsert {
    const known = this.byId.get(m.id) ?? (m.clientId ? this.byClient.get(m.clientId) : undefined);
    if (known?.entry.fromServer) return 'known';
    const entry = entryFromServer(m);
    if (known) {
      this.replace(known, entry);
      return 'updated';
    }
    this.insert(entry, this.firstPendingIndex());
    return 'new';
  }

  /** Older messages from a `history` ack, oldest first, above everything shown. */
  prepend(messages: ServerMessage[]): void {
    const fresh = messages.filter((m) => !this.byId.has(m.id) && !(m.clientId && this.byClient.has(m.clientId)));
    fresh.forEach((m, i) => this.insert(entryFromServer(m), i));
  }

  addPending(item: OutboxItem): void {
    if (this.byClient.has(item.clientId)) return;
    this.insert(entryFromOutbox(item), this.items.length);
  }

  /** The server acknowledged a pending message. */
  confirm(clientId: string, id: string): void {
    const item = this.byClient.get(clientId);
    if (!item || item.entry.state === 'sent') return;
    this.replace(item, { ...item.entry, id, state: 'sent' });
  }

  fail(clientId: string, error: string): void {
    const item = this.byClient.get(clientId);
    if (item) this.replace(item, { ...item.entry, state: 'failed', error });
  }

  clear(): void {
    this.items = [];
    this.byId.clear();
    this.byClient.clear();
    this.el.replaceChildren();
  }

  private firstPendingIndex(): number {
    const i = this.items.findIndex((it) => it.entry.state === 'pending');
    return i === -1 ? this.items.length : i;
  }

  private insert(entry: Entry, index: number): void {
    const item = { entry, el: renderEntry(entry, this.ctx) };
    this.el.insertBefore(item.el, this.items[index]?.el ?? null);
    this.items.splice(index, 0, item);
    this.index(item);
    this.refreshChoices();
  }

  private replace(item: Item, entry: Entry): void {
    const el = renderEntry(entry, this.ctx);
    item.el.replaceWith(el);
    item.entry = entry;
    item.el = el;
    this.index(item);
    this.refreshChoices();
  }

  private index(item: Item): void {
    if (item.entry.id) this.byId.set(item.entry.id, item);
    if (item.entry.clientId) this.byClient.set(item.entry.clientId, item);
  }

  /** Only the newest message's choices are meaningful (protocol, `message`). */
  private refreshChoices(): void {
    const last = this.items[this.items.length - 1];
    for (const item of this.items) {
      const active = item === last;
      item.el.querySelectorAll<HTMLButtonElement>('.choice').forEach((b) => (b.disabled = !active));
    }
  }
}

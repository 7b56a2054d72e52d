import type { MessageAck, OutgoingMessage, ProtocolError } from './protocol';
import type { Slot } from './storage';

/** A message the visitor sent that the server has not acknowledged yet. */
export interface OutboxItem extends OutgoingMessage {
  /** Label of the pressed choice, shown in place of text. */
  label?: string;
  /** Link of the uploaded attachment, shown while the message waits. */
  attachmentUrl?: string;
  /** ISO time the visitor sent it. */
  createdAt: string;
}

/** How the outbox reaches the server. */
export interface OutboxTransport {
  /** True while connected and past `history` (so known messages were already settled). */
  ready(): boolean;
  /** Emits `message` and resolves with its ack; rejects when the connection drops or the ack times out. */
  send(message: OutgoingMessage): Promise<MessageAck>;
}

export interface OutboxEvents {
  delivered(item: OutboxItem, id: string): void;
  rejected(item: OutboxItem, error: ProtocolError): void;
}

const RETRY_MS = 3000;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function toWire({ clientId, text, choiceId, attachmentId, label }: OutboxItem): OutgoingMessage {
  const m: OutgoingMessage = { clientId };
  // A pressed choice carries its label as text, so the history shows what the visitor saw.
  if (text) m.text = text;
  else if (choiceId && label) m.text = label;
  if (choiceId) m.choiceId = choiceId;
  if (attachmentId) m.attachmentId = attachmentId;
  return m;
}

/**
 * The visitor's unacknowledged messages, kept in localStorage and sent one at
 * a time, in order, whenever the connection is ready. Resending is safe: the
 * server stores a clientId once (docs/webchat-protocol.md, `message`).
 */
export class Outbox {
  private items: OutboxItem[];
  private running = false;
  /** flush() was called while running: look again when done. */
  private again = false;

  constructor(
    private readonly slot: Slot<OutboxItem[]>,
    private readonly transport: OutboxTransport,
    private readonly events: OutboxEvents,
  ) {
    this.items = (slot.get() ?? []).filter((i) => i && typeof i.clientId === 'string');
  }

  pending(): readonly OutboxItem[] {
    return this.items;
  }

  add(item: OutboxItem): void {
    this.items.push(item);
    this.save();
    void this.flush();
  }

  /** Forgets an item the server already has (its clientId came back in a message). */
  settle(clientId: string): void {
    const before = this.items.length;
    this.items = this.items.filter((i) => i.clientId !== clientId);
    if (this.items.length !== before) this.save();
  }

  clear(): void {
    this.items = [];
    this.save();
  }

  async flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    try {
      for (let item = this.items[0]; item && this.transport.ready(); item = this.items[0]) {
        if (!(await this.sendOne(item))) break;
      }
    } finally {
      this.running = false;
    }
    if (this.again) {
      this.again = false;
      await this.flush();
    }
  }

  /** Returns false when sending must stop until the next flush. */
  private async sendOne(item: OutboxItem): Promise<boolean> {
    let ack: MessageAck;
    try {
      ack = await this.transport.send(toWire(item));
    } catch {
      // No ack: the connection dropped, or the server is slow. Resend later.
      if (this.transport.ready()) setTimeout(() => void this.flush(), RETRY_MS);
      return false;
    }
    if (ack.ok) {
      this.settle(item.clientId);
      this.events.delivered(item, ack.id);
      return true;
    }
    const { error } = ack;
    if (error.code === 'rate_limited' || error.code === 'unavailable') {
      await sleep(error.retryAfterMs ?? RETRY_MS);
      return true; // the same item is first again
    }
    this.settle(item.clientId);
    this.events.rejected(item, error);
    return true;
  }

  private save(): void {
    this.slot.set(this.items.length ? this.items : null);
  }
}

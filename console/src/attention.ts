import type { MessageView, RequestListItem } from './types.js';

/** Something worth a browser notification (and a sound). */
export type Attention =
  | { kind: 'request'; number: string; subject: string; customer: string | null }
  | { kind: 'message'; number: string; customer: string | null; text: string | null };

export interface AttentionContext {
  /** The signed-in agent. */
  myId: string;
  /** The request open in the console, if any. */
  openNumber: string | null;
  /** The console's tab is in front of the agent. */
  visible: boolean;
}

/** Customer messages waiting for their row are forgotten past this many (a row that never came). */
const MAX_WAITING = 200;

/**
 * Which live events deserve the agent's attention: a new request (not one the
 * agent made themselves, by taking over an intake), and a customer's message
 * in a request assigned to the agent, unless that request is open in a
 * visible tab. Agents' and the bot's messages never do.
 *
 * A `message` event does not say who the request is assigned to; the relay
 * sends the request's row (`request_updated`) right after each message, in
 * order, and that decides. Pure, so it is tested on its own.
 */
export class AttentionTracker {
  private readonly waiting = new Map<string, MessageView>();

  created(r: RequestListItem, ctx: AttentionContext): Attention | null {
    if (r.assignee?.id === ctx.myId) return null;
    return { kind: 'request', number: r.number, subject: r.subject, customer: r.customer.displayName };
  }

  message(requestNumber: string, m: MessageView): void {
    if (m.author !== 'customer' || m.internal) return;
    this.waiting.delete(requestNumber);
    this.waiting.set(requestNumber, m);
    if (this.waiting.size > MAX_WAITING) this.waiting.delete(this.waiting.keys().next().value!);
  }

  updated(r: RequestListItem, ctx: AttentionContext): Attention | null {
    const m = this.waiting.get(r.number);
    if (!m) return null;
    this.waiting.delete(r.number);
    if (r.assignee?.id !== ctx.myId) return null;
    if (ctx.visible && ctx.openNumber === r.number) return null;
    return { kind: 'message', number: r.number, customer: r.customer.displayName, text: m.text };
  }
}

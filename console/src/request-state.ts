import type { AgentRef, DeliveryState, MessageView, RequestListItem, RequestView, StatusChangeView } from './types.js';

/** Live events and call results applied to the open request. Pure, so it is tested on its own. */
export type RequestAction =
  | { type: 'loaded'; request: RequestView }
  | { type: 'message'; message: MessageView }
  | { type: 'message_status'; messageId: string; deliveryState: DeliveryState; deliveryError: string | null }
  | { type: 'status_changed'; change: StatusChangeView }
  | { type: 'assigned'; assignee: AgentRef | null }
  | { type: 'updated'; request: RequestListItem };

type Delivery = Pick<MessageView, 'deliveryState' | 'deliveryError'>;

export interface RequestState {
  request: RequestView | null;
  /**
   * Delivery news about messages not shown yet: the outbox can deliver a reply
   * before the POST that sent it has answered, so its `message_status` may
   * come first. Applied when the message arrives.
   */
  early: Record<string, Delivery>;
}

export const INITIAL_REQUEST: RequestState = { request: null, early: {} };

export function requestReducer(s: RequestState, a: RequestAction): RequestState {
  if (a.type === 'loaded') return { request: a.request, early: {} };
  const r = s.request;
  if (!r) return s;
  switch (a.type) {
    case 'message': {
      const { [a.message.id]: early, ...rest } = s.early;
      return { request: addMessage(r, early ? { ...a.message, ...early } : a.message), early: rest };
    }
    case 'message_status': {
      const delivery = { deliveryState: a.deliveryState, deliveryError: a.deliveryError };
      if (!r.messages.some((m) => m.id === a.messageId)) return { ...s, early: { ...s.early, [a.messageId]: delivery } };
      return { ...s, request: { ...r, messages: r.messages.map((m) => (m.id === a.messageId ? { ...m, ...delivery } : m)) } };
    }
    case 'status_changed':
      return { ...s, request: addChange(r, a.change) };
    case 'assigned':
      return { ...s, request: { ...r, assignee: a.assignee } };
    case 'updated':
      // The row's fields only; the conversation and history are kept.
      return { ...s, request: { ...r, ...a.request, unread: 0 } };
  }
}

function addChange(r: RequestView, change: StatusChangeView): RequestView {
  if (r.statusHistory.some((c) => c.id === change.id)) return { ...r, status: change.to };
  return {
    ...r,
    status: change.to,
    closedAt: change.to === 'closed' ? change.createdAt : r.closedAt,
    statusHistory: [...r.statusHistory, change],
  };
}

/**
 * Adds a message once: the reply an agent posts comes back both as the POST's
 * answer and as a `message` event, in either order. A known id is updated in
 * place unless it would move its delivery state back to pending.
 */
function addMessage(r: RequestView, m: MessageView): RequestView {
  const at = r.messages.findIndex((x) => x.id === m.id);
  if (at < 0) {
    const messages = [...r.messages, m].sort((a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt));
    return { ...r, messages };
  }
  const old = r.messages[at]!;
  const keep = old.deliveryState !== 'pending' && m.deliveryState === 'pending';
  const messages = r.messages.slice();
  messages[at] = keep ? { ...m, deliveryState: old.deliveryState, deliveryError: old.deliveryError } : m;
  return { ...r, messages };
}

/** One line of the conversation: a message or a status change, in time order. */
export type TimelineItem = { kind: 'message'; at: number; message: MessageView } | { kind: 'status'; at: number; change: StatusChangeView };

export function timeline(r: RequestView): TimelineItem[] {
  const items: TimelineItem[] = [
    ...r.messages.map((message) => ({ kind: 'message' as const, at: Date.parse(message.createdAt), message })),
    ...r.statusHistory.map((change) => ({ kind: 'status' as const, at: Date.parse(change.createdAt), change })),
  ];
  // Array.prototype.sort is stable: at equal times messages stay before status changes.
  return items.sort((a, b) => a.at - b.at);
}

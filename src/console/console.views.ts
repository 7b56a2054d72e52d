/**
 * Pure mapping from store records to the shapes of the agent API
 * (console.api.ts). Agents are named through a lookup the caller provides.
 */
import { feedbackChoices, fieldChoices, skipChoices, summaryChoices, typeChoices } from '../conversation/index.js';
import { menuChoices } from '../conversation/conversation.menu.js';
import { reopenChoices } from '../conversation/conversation.choices.js';
import type { Choice, Locale } from '../conversation/conversation.types.js';
import type { AttachmentRecord, Customer, RequestRecord, StatusChangeRecord, StoredMessage } from '../requests/request.types.js';
import type { AgentRecord } from './agent-store.js';
import type {
  AgentRef,
  AgentView,
  AttachmentView,
  CustomerView,
  MessageView,
  RequestListItem,
  StatusChangeView,
} from './console.api.js';

export type AgentLookup = (id: string | null) => AgentRef | null;

/** An agent as the API shows them; `connected`: they have a console open somewhere (see presence.ts). */
export function toAgentView(agent: AgentRecord, connected: boolean): AgentView {
  return {
    id: agent.id,
    email: agent.email,
    name: agent.name,
    role: agent.role,
    active: agent.active,
    locale: agent.locale,
    presence: connected ? agent.presence : 'offline',
    createdAt: agent.createdAt.toISOString(),
  };
}

export function agentLookup(agents: Iterable<Pick<AgentRecord, 'id' | 'name'>>): AgentLookup {
  const byId = new Map<string, AgentRef>();
  for (const a of agents) byId.set(a.id, { id: a.id, name: a.name });
  return (id) => (id ? (byId.get(id) ?? { id, name: '?' }) : null);
}

export function toCustomerView(customer: Customer): CustomerView {
  return {
    id: customer.id,
    channel: customer.channel,
    displayName: customer.displayName,
    email: customer.email,
    phone: customer.phone,
    locale: customer.locale,
    reachable: customer.reachable,
  };
}

export function toAttachmentView(a: AttachmentRecord): AttachmentView {
  return { id: a.id, mimeType: a.mimeType, size: a.size, fileName: a.fileName, url: `/api/attachments/${a.id}` };
}

/** Every button the bot offers, by id, in `locale`: how a press reads when the offer is not at hand. */
function knownChoices(locale: Locale): Choice[] {
  return [
    ...typeChoices(locale), ...summaryChoices(locale), ...fieldChoices(locale), ...skipChoices(locale),
    ...feedbackChoices(locale), ...reopenChoices(locale), ...menuChoices(locale, ['new', 'status', 'lang']),
  ];
}

/** `locale`: the customer's, in which a button they pressed is labelled (`chosen`). */
export function toMessageView(
  m: StoredMessage,
  attachments: AttachmentRecord[],
  agents: AgentLookup,
  deliveryError: string | null = null,
  locale: Locale = 'ru',
): MessageView {
  const choices: Choice[] = m.payload?.choices ?? [];
  const pressed = m.direction === 'inbound' ? m.payload?.choiceId : undefined;
  return {
    id: m.id,
    direction: m.direction,
    author: m.author,
    agent: agents(m.agentId),
    text: m.text,
    internal: m.deliveryState === 'internal',
    deliveryState: m.deliveryState,
    deliveryError: m.deliveryState === 'failed' ? deliveryError : null,
    choices: choices.map((c) => ({ id: c.id, label: c.label })),
    chosen: pressed ? { id: pressed, label: knownChoices(locale).find((c) => c.id === pressed)?.label ?? pressed } : null,
    attachments: attachments.map(toAttachmentView),
    createdAt: m.createdAt.toISOString(),
  };
}

export function toStatusChangeView(c: StatusChangeRecord, agents: AgentLookup): StatusChangeView {
  return {
    id: c.id,
    from: c.from,
    to: c.to,
    comment: c.comment,
    actor: { kind: c.actorKind, agent: agents(c.agentId) },
    event: c.event,
    incidentNumber: c.incidentNumber,
    createdAt: c.createdAt.toISOString(),
  };
}

export interface ListExtras {
  customer: Customer;
  lastMessage: RequestListItem['lastMessage'];
  unread: number;
  /** The mass incident the request is linked to. */
  incident?: RequestListItem['incident'];
}

export function toListItem(r: RequestRecord, extras: ListExtras, agents: AgentLookup): RequestListItem {
  return {
    id: r.id,
    number: r.number,
    type: r.type,
    subject: r.subject,
    status: r.status,
    channel: r.channel,
    customer: toCustomerView(extras.customer),
    assignee: agents(r.assigneeId),
    createdAt: r.createdAt.toISOString(),
    lastActivityAt: r.lastActivityAt.toISOString(),
    lastMessage: extras.lastMessage,
    unread: extras.unread,
    incident: extras.incident ?? null,
  };
}

/**
 * The console's read model: the request list with its filters and cursor, and
 * a request with everything an agent reads. Reads only; every change goes
 * through the gateway or the agent store.
 */
import type { Locale } from '../conversation/conversation.types.js';
import type { Database } from '../db/database.js';
import type { Prisma } from '../generated/prisma/client.js';
import { toCustomer, toRequestRecord } from '../requests/prisma.mappers.js';
import { toCustomerRecord, toRequest, type RequestRow } from '../requests/sql.rows.js';
import { findByNumber, parseRequestNumber, spelledNumber } from '../requests/request-number.js';
import type { RequestStore } from '../requests/request-store.port.js';
import type { AttachmentRecord, RequestStatus, RequestType } from '../requests/request.types.js';
import type { AgentStore } from './agent-store.js';
import type { RequestListItem, RequestPage, RequestView } from './console.api.js';
import { agentLookup, toAttachmentView, toListItem, toMessageView, toStatusChangeView, type AgentLookup } from './console.views.js';

export interface RequestFilter {
  statuses?: RequestStatus[];
  types?: RequestType[];
  channel?: string;
  /** An agent id, or null for unassigned ones. */
  assigneeId?: string | null;
  q?: string;
  cursor?: string;
  limit: number;
}

interface Cursor {
  t: string;
  id: string;
}

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

/** The cursor's position, or null when it is not one this server made. */
export function decodeCursor(text: string): Cursor | null {
  try {
    const c = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as Partial<Cursor>;
    return typeof c.t === 'string' && typeof c.id === 'string' && !Number.isNaN(Date.parse(c.t)) ? { t: c.t, id: c.id } : null;
  } catch {
    return null;
  }
}

/** How an agent's unread count is taken: theirs, none read (a new request), or left to the client (0). */
type UnreadFor = { agentId: string } | 'all' | 'none';

/** Request numbers kept by ConsoleQueries.numberOf: the requests being talked about, and far more. */
const NUMBERS_KEPT = 10_000;
/** How long the agents' names are kept (see ConsoleQueries.lookup). */
const AGENT_NAMES_TTL_MS = 5_000;

export class ConsoleQueries {
  private names: { lookup: Promise<AgentLookup>; until: number } | null = null;
  /** Request numbers by id, oldest first (see numberOf). */
  private readonly numbers = new Map<string, string>();

  constructor(
    private readonly db: Database,
    private readonly store: RequestStore,
    private readonly agents: AgentStore,
  ) {}

  async listRequests(filter: RequestFilter, agentId: string): Promise<RequestPage> {
    // Customers' requests: a mass incident has its own list (GET /api/incidents).
    const where: Prisma.RequestWhereInput[] = [{ customerId: { not: null } }];
    if (filter.statuses?.length) where.push({ status: { in: filter.statuses } });
    if (filter.types?.length) where.push({ type: { in: filter.types } });
    if (filter.channel) where.push({ channel: filter.channel });
    if (filter.assigneeId !== undefined) where.push({ assigneeId: filter.assigneeId });
    const q = filter.q?.trim();
    if (q) where.push({ OR: searchTerms(q) });
    const cursor = filter.cursor ? decodeCursor(filter.cursor) : null;
    if (cursor) {
      const t = new Date(cursor.t);
      where.push({ OR: [{ lastActivityAt: { lt: t } }, { lastActivityAt: t, id: { lt: cursor.id } }] });
    }
    const rows = (await this.db.prisma.request.findMany({
      where: { AND: where },
      orderBy: [{ lastActivityAt: 'desc' }, { id: 'desc' }],
      take: filter.limit + 1,
      include: { customer: true },
    })).filter(hasCustomer);
    const page = rows.slice(0, filter.limit);
    const last = page.at(-1);
    const items = await this.toListItems(page, { agentId });
    return {
      requests: items,
      nextCursor: rows.length > filter.limit && last ? encodeCursor({ t: last.lastActivityAt.toISOString(), id: last.id }) : null,
    };
  }

  /**
   * One list row by request id, as events show it to every agent; `agents` when
   * the caller has them already. Without unread counts (every message's
   * announcement) it is one statement: the request, its customer and its last
   * message together.
   */
  async listItem(requestId: string, unread: 'all' | 'none', agents?: AgentLookup): Promise<RequestListItem | null> {
    if (unread === 'none') {
      const [{ rows }, names] = await Promise.all([this.db.sql.query<ListRow>(LIST_ROW, [requestId]), agents ?? this.lookup()]);
      const r = rows[0];
      if (!r) return null;
      const customer = toCustomerRecord({ id: r.customerId, channel: r.cChannel, externalId: r.cExternalId, displayName: r.cDisplayName, email: r.cEmail, phone: r.cPhone, locale: r.cLocale, reachable: r.cReachable });
      const lastMessage = r.lastAuthor ? { author: r.lastAuthor as 'customer', text: r.lastText, createdAt: new Date(r.lastAt!).toISOString() } : null;
      const incident = r.iNumber ? { number: r.iNumber, title: r.iTitle ?? '', status: r.iStatus ?? 'new' } : null;
      return toListItem(toRequest({ ...r, seq: 0 }), { customer, lastMessage, unread: 0, incident }, names);
    }
    const row = await this.db.prisma.request.findUnique({ where: { id: requestId }, include: { customer: true } });
    if (!row || !hasCustomer(row)) return null;
    const [item] = await this.toListItems([row], unread, agents);
    return item ?? null;
  }

  async getRequestView(number: string, agentId: string): Promise<RequestView | null> {
    const detail = await this.store.getRequest(number);
    if (!detail) return null;
    const agents = await this.lookup();
    const failed = detail.messages.filter((m) => m.deliveryState === 'failed').map((m) => m.id);
    const [errors, extras] = await Promise.all([this.deliveryErrors(failed), this.extras([detail.id], { agentId })]);
    const byMessage = new Map<string, AttachmentRecord[]>();
    for (const a of detail.attachments) {
      if (a.messageId) byMessage.set(a.messageId, [...(byMessage.get(a.messageId) ?? []), a]);
    }
    const item = toListItem(detail, { customer: detail.customer, ...extrasOf(extras, detail.id) }, agents);
    return {
      ...item,
      description: detail.description,
      closedAt: detail.closedAt?.toISOString() ?? null,
      messages: detail.messages.map((m) => toMessageView(m, byMessage.get(m.id) ?? [], agents, errors.get(m.id) ?? null, detail.customer.locale as Locale)),
      statusHistory: detail.statusChanges.map((c) => toStatusChangeView(c, agents)),
      attachments: detail.attachments.map(toAttachmentView),
    };
  }

  /** A request's id and its newest message id (what "read" moves to), by number as typed (see request-number.ts). */
  async requestRef(number: string): Promise<{ id: string; number: string; lastMessageId: bigint | null } | null> {
    const row = await findByNumber(number, async (seq) => {
      const { rows } = await this.db.sql.query<{ id: string; number: string; last: string | null }>(
        'SELECT r.id, r.number, (SELECT max(m.id)::text FROM message m WHERE m.request_id = r.id) AS last FROM request r WHERE r.seq = $1',
        [seq],
      );
      return rows[0];
    });
    if (!row) return null;
    return { id: row.id, number: row.number, lastMessageId: row.last === null ? null : BigInt(row.last) };
  }

  /**
   * A request's number by its id (every delivery's announcement asks). A number
   * never changes, so the latest NUMBERS_KEPT are kept, on every instance alike.
   */
  async numberOf(requestId: string): Promise<string | null> {
    const known = this.numbers.get(requestId);
    if (known) return known;
    const { rows } = await this.db.sql.query<{ number: string }>('SELECT number FROM request WHERE id = $1', [requestId]);
    const number = rows[0]?.number ?? null;
    if (number) {
      if (this.numbers.size >= NUMBERS_KEPT) this.numbers.delete(this.numbers.keys().next().value!);
      this.numbers.set(requestId, number);
    }
    return number;
  }

  /**
   * Names of every agent (a desk has tens, not thousands), read at most once per
   * AGENT_NAMES_TTL_MS: every announcement names agents. forgetAgents drops the
   * copy when this instance changes an agent; another instance's change shows
   * within that time.
   */
  lookup(): Promise<AgentLookup> {
    const now = Date.now();
    if (this.names && now < this.names.until) return this.names.lookup;
    const lookup = this.agents.listAgents().then(agentLookup);
    this.names = { lookup, until: now + AGENT_NAMES_TTL_MS };
    lookup.catch(() => {
      if (this.names?.lookup === lookup) this.names = null;
    });
    return lookup;
  }

  /** An agent was added or changed here: the next lookup reads them again. */
  forgetAgents(): void {
    this.names = null;
  }

  /** Why each of these failed deliveries failed, by message id. */
  async deliveryErrors(messageIds: string[]): Promise<Map<string, string>> {
    if (messageIds.length === 0) return new Map();
    const { rows } = await this.db.sql.query<{ message_id: string; last_error: string | null }>(
      'SELECT message_id::text AS message_id, last_error FROM outbox WHERE message_id = ANY($1::bigint[])',
      [messageIds],
    );
    return new Map(rows.map((r) => [r.message_id, r.last_error ?? 'delivery failed']));
  }

  private async toListItems(
    rows: Array<Parameters<typeof toRequestRecord>[0] & { customer: Parameters<typeof toCustomer>[0] }>,
    unread: UnreadFor,
    known?: AgentLookup,
  ): Promise<RequestListItem[]> {
    const [agents, extras] = await Promise.all([known ?? this.lookup(), this.extras(rows.map((r) => r.id), unread)]);
    return rows.map((r) => toListItem(toRequestRecord(r), { customer: toCustomer(r.customer), ...extrasOf(extras, r.id) }, agents));
  }

  /** The newest visible message and the unread count of each request. */
  private async extras(requestIds: string[], unread: UnreadFor): Promise<Map<string, RowExtras>> {
    const result = new Map<string, RowExtras>();
    if (requestIds.length === 0) return result;
    const { rows: lasts } = await this.db.sql.query<{ request_id: string; author: string; text: string | null; created_at: Date }>(
      `SELECT DISTINCT ON (request_id) request_id, author::text AS author, text, created_at
       FROM message WHERE request_id = ANY($1::text[]) AND delivery_state <> 'internal'
       ORDER BY request_id, id DESC`,
      [requestIds],
    );
    const { rows: linked } = await this.db.sql.query<{ id: string; number: string; title: string; status: RequestStatus }>(
      `SELECT r.id, i.number, i.subject AS title, i.status::text AS status
       FROM request r JOIN request i ON i.id = r.incident_id WHERE r.id = ANY($1::text[])`,
      [requestIds],
    );
    for (const l of lasts) {
      result.set(l.request_id, {
        lastMessage: { author: l.author as 'customer', text: l.text, createdAt: new Date(l.created_at).toISOString() },
        unread: 0,
        incident: null,
      });
    }
    for (const l of linked) {
      const row = result.get(l.id) ?? { lastMessage: null, unread: 0, incident: null };
      result.set(l.id, { ...row, incident: { number: l.number, title: l.title, status: l.status } });
    }
    if (unread === 'none') return result;
    const { rows: counts } = await this.db.sql.query<{ request_id: string; n: string }>(
      `SELECT m.request_id, count(*)::text AS n
       FROM message m LEFT JOIN request_read r ON r.request_id = m.request_id AND r.agent_id = $2
       WHERE m.request_id = ANY($1::text[]) AND m.author = 'customer' AND m.id > COALESCE(r.last_read_message_id, 0)
       GROUP BY m.request_id`,
      [requestIds, unread === 'all' ? null : unread.agentId],
    );
    for (const c of counts) {
      const entry = result.get(c.request_id) ?? { lastMessage: null, unread: 0, incident: null };
      result.set(c.request_id, { ...entry, unread: Number(c.n) });
    }
    return result;
  }
}

/**
 * What `q` matches: the number (as a part, or the request it names in any form
 * people type: `sr 1042`, `1042`), subject, description and the customer's
 * name, e-mail and phone. A phone is stored as digits with an optional leading
 * +, so the digits of a typed `+7 (900) 123-45-67` are matched too.
 */
function searchTerms(q: string): Prisma.RequestWhereInput[] {
  const contains = { contains: q, mode: 'insensitive' as const };
  const terms: Prisma.RequestWhereInput[] = [
    { number: contains },
    { subject: contains },
    { description: contains },
    { customer: { displayName: contains } },
    { customer: { email: contains } },
    { customer: { phone: contains } },
  ];
  const digits = q.replace(/[\s().-]/g, '');
  if (digits !== q && /^\+?\d{3,}$/.test(digits)) terms.push({ customer: { phone: { contains: digits } } });
  const parsed = parseRequestNumber(q);
  const spelled = parsed && spelledNumber(parsed);
  if (parsed) terms.push(spelled === null ? { seq: parsed.counter } : { seq: parsed.counter, number: { equals: spelled, mode: 'insensitive' } });
  return terms;
}

/** A list row in one statement (ConsoleQueries.listItem): the request's columns, its customer's (c…) and its last visible message's. */
const LIST_ROW = `
  SELECT r.id, r.number, r.type::text AS type, r.subject, r.description, r.status::text AS status, r.channel,
         r.customer_id AS "customerId", r.assignee_id AS "assigneeId", r.incident_id AS "incidentId", r.created_at AS "createdAt", r.updated_at AS "updatedAt",
         r.last_activity_at AS "lastActivityAt", r.closed_at AS "closedAt",
         c.channel AS "cChannel", c.external_id AS "cExternalId", c.display_name AS "cDisplayName", c.email AS "cEmail",
         c.phone AS "cPhone", c.locale AS "cLocale", c.reachable AS "cReachable",
         lm.author AS "lastAuthor", lm.text AS "lastText", lm.created_at AS "lastAt",
         i.number AS "iNumber", i.subject AS "iTitle", i.status::text AS "iStatus"
  FROM request r JOIN customer c ON c.id = r.customer_id
  LEFT JOIN request i ON i.id = r.incident_id
  LEFT JOIN LATERAL (
    SELECT author::text AS author, text, created_at FROM message m
    WHERE m.request_id = r.id AND m.delivery_state <> 'internal' ORDER BY m.id DESC LIMIT 1
  ) lm ON true
  WHERE r.id = $1`;

type ListRow = Omit<RequestRow, 'seq'> & {
  cChannel: string;
  cExternalId: string;
  cDisplayName: string | null;
  cEmail: string | null;
  cPhone: string | null;
  cLocale: string;
  cReachable: boolean;
  lastAuthor: string | null;
  lastText: string | null;
  lastAt: Date | string | null;
  iNumber: string | null;
  iTitle: string | null;
  iStatus: RequestStatus | null;
};

interface RowExtras {
  lastMessage: RequestListItem['lastMessage'];
  unread: number;
  incident: RequestListItem['incident'];
}

function extrasOf(extras: Map<string, RowExtras>, id: string): RowExtras {
  return extras.get(id) ?? { lastMessage: null, unread: 0, incident: null };
}

/** A request row of a customer (a mass incident has none). */
function hasCustomer<R extends { customerId: string | null; customer: unknown }>(row: R): row is R & { customerId: string; customer: NonNullable<R['customer']> } {
  return row.customerId !== null && row.customer !== null;
}

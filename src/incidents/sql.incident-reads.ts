/** Reading incidents: one incident with everything an agent sees, and fan-out delivery counts. */
import type { Locale } from '../conversation/conversation.types.js';
import type { SqlQueryable } from '../db/sql.js';
import { findByNumber } from '../requests/request-number.js';
import type { RequestStatus, StatusChangeRecord } from '../requests/request.types.js';
import { run } from '../requests/sql.run.js';
import { STATUS_CHANGE_COLUMNS } from '../requests/sql.rows.js';
import type { DeliveryCounts, IncidentDetail, IncidentRecord, IncidentUpdateRecord, LinkedRequest } from './incident.types.js';
import { DELIVERY_COUNTS, INCIDENT_BY_SEQ } from './sql.incident-statements.js';

export interface IncidentRow {
  id: string;
  seq: number;
  number: string;
  title: string;
  titles: unknown;
  description: string;
  status: RequestStatus;
  assigneeId: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  linkedCount: number;
  openLinkedCount: number;
  uId: string | null;
  uText: string | null;
  uAgentId: string | null;
  uRecipients: number | null;
  uDoneAt: Date | null;
  uAt: Date | null;
}

/** The stored titles, each language falling back to the main title. */
function titlesOf(stored: unknown, title: string): Record<Locale, string> {
  const t = (stored && typeof stored === 'object' ? stored : {}) as Partial<Record<string, unknown>>;
  const pick = (l: Locale) => (typeof t[l] === 'string' && (t[l] as string).trim() ? (t[l] as string) : title);
  return { ru: pick('ru'), en: pick('en') };
}

export function toIncident(r: IncidentRow): IncidentRecord {
  return {
    id: r.id, number: r.number, title: r.title, titles: titlesOf(r.titles, r.title), description: r.description,
    status: r.status, assigneeId: r.assigneeId, createdAt: r.createdAt, updatedAt: r.updatedAt, closedAt: r.closedAt,
    linkedCount: r.linkedCount, openLinkedCount: r.openLinkedCount,
    latestUpdate: r.uId === null ? null : {
      id: r.uId, text: r.uText ?? '', internal: false, agentId: r.uAgentId, recipients: r.uRecipients ?? 0,
      queued: r.uDoneAt !== null, createdAt: r.uAt!,
    },
  };
}

const LINKED = `
  SELECT r.number, r.subject, r.channel, r.status::text AS status,
         c.id AS "customerId", c.display_name AS "displayName", c.locale, c.reachable
  FROM request r JOIN customer c ON c.id = r.customer_id WHERE r.incident_id = $1 ORDER BY r.seq`;

const UPDATES = `
  SELECT id::text AS id, text, internal, agent_id AS "agentId", recipients, fanout_done_at IS NOT NULL AS queued,
         created_at AS "createdAt"
  FROM incident_update WHERE incident_id = $1 ORDER BY id`;

const HISTORY = `SELECT ${STATUS_CHANGE_COLUMNS} FROM status_change WHERE request_id = $1 ORDER BY id`;

const zero = (): DeliveryCounts => ({ delivered: 0, pending: 0, failed: 0 });

/**
 * Fan-out copies of one incident's updates (or every incident's: null) by state:
 * in all, per channel and per update. An outbox row `sent` is delivered.
 */
export async function deliveryCounts(q: SqlQueryable, incidentId: string | null) {
  const { rows } = await run<{ updateId: string; channel: string; status: 'pending' | 'sent' | 'failed'; n: number }>(
    q, 'incidentDeliveries', DELIVERY_COUNTS, [incidentId]);
  const total = zero();
  const byChannel: Record<string, DeliveryCounts> = {};
  const byUpdate = new Map<string, DeliveryCounts & { copies: number }>();
  for (const r of rows) {
    const key = r.status === 'sent' ? 'delivered' : r.status;
    const channel = (byChannel[r.channel] ??= zero());
    const update = byUpdate.get(r.updateId) ?? { ...zero(), copies: 0 };
    byUpdate.set(r.updateId, update);
    total[key] += r.n;
    channel[key] += r.n;
    update[key] += r.n;
    update.copies += r.n;
  }
  return { total, byChannel, byUpdate };
}

/** The incident with this number, or null (a customer's request is no incident); `detail` adds what its view shows. */
export async function readIncident(q: SqlQueryable, number: string): Promise<IncidentRecord | null>;
export async function readIncident(q: SqlQueryable, number: string, opts: { detail: true }): Promise<IncidentDetail | null>;
export async function readIncident(q: SqlQueryable, number: string, opts: { detail?: boolean } = {}): Promise<IncidentRecord | IncidentDetail | null> {
  const row = await findByNumber(number, async (seq) => (await run<IncidentRow>(q, 'readIncident', INCIDENT_BY_SEQ, [seq])).rows[0]);
  if (!row) return null;
  const incident = toIncident(row);
  if (!opts.detail) return incident;
  const [linked, updates, history, counts] = await Promise.all([
    run<{ number: string; subject: string; channel: string; status: RequestStatus; customerId: string; displayName: string | null; locale: string; reachable: boolean }>(q, 'incidentRequests', LINKED, [row.id]),
    run<IncidentUpdateRecord>(q, 'incidentUpdates', UPDATES, [row.id]),
    run<StatusChangeRecord>(q, 'incidentHistory', HISTORY, [row.id]),
    deliveryCounts(q, row.id),
  ]);
  const requests: LinkedRequest[] = linked.rows.map((r) => ({
    number: r.number, subject: r.subject, channel: r.channel, status: r.status,
    customer: { id: r.customerId, displayName: r.displayName, locale: r.locale === 'en' ? 'en' : 'ru', reachable: r.reachable },
  }));
  let notQueued = 0;
  const withCounts = updates.rows.map((u) => {
    const c = counts.byUpdate.get(u.id) ?? { ...zero(), copies: 0 };
    // Copies the fan-out has still to queue are pending too.
    const waiting = u.internal || u.queued ? 0 : Math.max(0, u.recipients - c.copies);
    notQueued += waiting;
    return { ...u, deliveries: { delivered: c.delivered, pending: c.pending + waiting, failed: c.failed } };
  });
  return {
    ...incident,
    requests,
    updates: withCounts,
    deliveries: { ...counts.total, pending: counts.total.pending + notQueued, byChannel: counts.byChannel },
    statusChanges: history.rows.map((h) => ({ ...h, event: h.event ?? 'status' })),
  };
}

const INCIDENT_SUMMARIES = `
  SELECT r.id, r.number, r.subject AS title, r.titles,
         (SELECT text FROM incident_update u WHERE u.incident_id = r.id AND NOT u.internal ORDER BY u.id DESC LIMIT 1) AS "latestUpdate"
  FROM request r WHERE r.id = ANY($1::text[])`;

/** Customers' request summaries with the incident each is linked to (for /status). */
export async function withIncidents<R extends { incidentId: string | null }>(
  q: SqlQueryable,
  rows: R[],
): Promise<Array<Omit<R, 'incidentId'> & { incident: { number: string; titles: Record<Locale, string>; latestUpdate: string | null } | null }>> {
  const ids = [...new Set(rows.flatMap((r) => r.incidentId ?? []))];
  const found = ids.length === 0 ? [] : (await run<{ id: string; number: string; title: string; titles: unknown; latestUpdate: string | null }>(
    q, 'incidentSummaries', INCIDENT_SUMMARIES, [ids])).rows;
  const byId = new Map(found.map((i) => [i.id, { number: i.number, titles: titlesOf(i.titles, i.title), latestUpdate: i.latestUpdate }]));
  return rows.map(({ incidentId, ...rest }) => ({ ...rest, incident: incidentId ? (byId.get(incidentId) ?? null) : null }));
}

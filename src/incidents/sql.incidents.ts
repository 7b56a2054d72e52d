/**
 * The incident store in plain SQL, for PostgreSQL and PGlite alike (see
 * incident-store.port.ts for the contract; the statements are in
 * sql.incident-statements.ts). Several-row changes run in one transaction that
 * locks the incident row first, so links, unlinks and status changes of one
 * incident apply one after the other.
 */
import type { Locale } from '../conversation/conversation.types.js';
import type { SqlDatabase, SqlQueryable } from '../db/sql.js';
import { uuidv7 } from '../requests/ids.js';
import { matchesPrefix, parseRequestNumber } from '../requests/request-number.js';
import { StoreError } from '../requests/request-store.port.js';
import type { RequestStatus } from '../requests/request.types.js';
import { changeStatus, reserveRequestNumbers } from '../requests/sql.requests.js';
import { run } from '../requests/sql.run.js';
import type { IncidentStore } from './incident-store.port.js';
import { deliveryCounts, readIncident, toIncident, type IncidentRow } from './sql.incident-reads.js';
import {
  CASCADE_TARGETS,
  DECLARE,
  FANOUT_BATCH,
  INCIDENT_SELECT,
  LINK,
  LOCK_INCIDENT,
  LOCK_REQUESTS_BY_SEQ,
  OPEN_INCIDENTS,
  POST_UPDATE,
  UNLINK,
} from './sql.incident-statements.js';
import type { CascadeTarget, FanoutBatch, IncidentUpdateRecord } from './incident.types.js';

interface LockedRequest {
  id: string;
  seq: number;
  number: string;
  customerId: string | null;
  incidentId: string | null;
  status: RequestStatus;
  incidentNumber: string | null;
}

export function createSqlIncidentStore(sql: SqlDatabase, opts: { requestPrefix: string }): IncidentStore {
  /** Runs `fn` in a transaction; the incident `number`'s row is locked first when given. */
  async function inTx<T>(fn: (q: SqlQueryable) => Promise<T>): Promise<T> {
    const s = await sql.begin();
    try {
      const result = await fn(s);
      await s.commit();
      return result;
    } catch (error) {
      await s.rollback().catch(() => undefined);
      throw error;
    }
  }

  async function lockIncident(q: SqlQueryable, number: string): Promise<{ id: string; number: string; status: RequestStatus }> {
    const found = await readIncident(q, number);
    if (!found) throw new StoreError('not_found', `incident ${number} does not exist`);
    const { rows } = await run<{ id: string; number: string; status: RequestStatus }>(q, 'lockIncident', LOCK_INCIDENT, [found.id]);
    if (!rows[0]) throw new StoreError('not_found', `incident ${number} does not exist`);
    return rows[0];
  }

  async function declareIn(q: SqlQueryable, input: { title: string; titles: Partial<Record<Locale, string>>; description: string; agentId: string; at: Date }) {
    const [seq] = await reserveRequestNumbers(q, 1);
    const id = uuidv7(input.at.getTime());
    const number = `${opts.requestPrefix}-${seq}`;
    await run(q, 'declareIncident', DECLARE, [id, seq, number, input.title, input.description, JSON.stringify(input.titles), input.at, input.agentId]);
    return { id, number };
  }

  async function lockRequests(q: SqlQueryable, numbers: string[]): Promise<LockedRequest[]> {
    const parsed = numbers.map((n) => ({ n, p: parseRequestNumber(n) }));
    const bad = parsed.filter((x) => x.p === null).map((x) => x.n);
    if (bad.length) throw new StoreError('not_found', `not request numbers: ${bad.join(', ')}`);
    const { rows } = await run<LockedRequest>(q, 'lockRequests', LOCK_REQUESTS_BY_SEQ, [parsed.map((x) => x.p!.counter)]);
    const bySeq = new Map(rows.map((r) => [r.seq, r]));
    const missing = parsed.filter((x) => {
      const row = bySeq.get(x.p!.counter);
      return !row || !matchesPrefix(row, x.p!);
    });
    if (missing.length) throw new StoreError('not_found', `no such requests: ${missing.map((x) => x.n).join(', ')}`);
    return parsed.map((x) => bySeq.get(x.p!.counter)!);
  }

  /** Links `requests` (locked) to the incident (locked), all or none. */
  async function linkIn(q: SqlQueryable, incident: { id: string; number: string }, requests: LockedRequest[], agentId: string, at: Date) {
    const unique = [...new Map(requests.map((r) => [r.id, r])).values()];
    const incidents = unique.filter((r) => r.customerId === null).map((r) => r.number);
    if (incidents.length) throw new StoreError('invalid_transition', `mass incidents cannot be linked to an incident: ${incidents.join(', ')}`);
    const closed = unique.filter((r) => r.status === 'closed').map((r) => r.number);
    if (closed.length) throw new StoreError('invalid_transition', `closed requests cannot be linked (reopen them first): ${closed.join(', ')}`);
    const elsewhere = unique.filter((r) => r.incidentId !== null && r.incidentId !== incident.id);
    if (elsewhere.length) {
      throw new StoreError('conflict', `already linked to another incident: ${elsewhere.map((r) => `${r.number} (${r.incidentNumber})`).join(', ')}`);
    }
    const fresh = unique.filter((r) => r.incidentId === null);
    if (fresh.length) await run(q, 'linkIncident', LINK, [incident.id, fresh.map((r) => r.id), at, agentId]);
    return { linked: fresh.map((r) => r.number), alreadyLinked: unique.filter((r) => r.incidentId === incident.id).map((r) => r.number) };
  }

  return {
    async declare(input) {
      const { number } = await inTx((q) => declareIn(q, input));
      return (await readIncident(sql, number))!;
    },

    async promote(input) {
      const number = await inTx(async (q) => {
        const [request] = await lockRequests(q, [input.number]);
        if (request!.customerId === null) throw new StoreError('conflict', `${request!.number} is a mass incident already`);
        if (request!.incidentId !== null) throw new StoreError('conflict', `${request!.number} is linked to incident ${request!.incidentNumber} already`);
        const { rows } = await run<{ subject: string; description: string }>(q, 'promote', 'SELECT subject, description FROM request WHERE id = $1', [request!.id]);
        const source = rows[0]!;
        const created = await declareIn(q, { title: source.subject, titles: {}, description: source.description, agentId: input.agentId, at: input.at });
        await linkIn(q, created, [request!], input.agentId, input.at);
        return created.number;
      });
      return (await readIncident(sql, number))!;
    },

    get: (number) => readIncident(sql, number, { detail: true }),

    async list(filter) {
      const where = filter.status === 'all' ? '' : filter.status === 'open' ? ` AND r.status NOT IN ('solution_provided', 'closed')` : ` AND r.status = $2::"RequestStatus"`;
      const params: unknown[] = [filter.limit];
      if (filter.status !== 'all' && filter.status !== 'open') params.push(filter.status);
      const { rows } = await run<IncidentRow>(sql, 'listIncidents', `${INCIDENT_SELECT}${where} ORDER BY r.seq DESC LIMIT $1`, params);
      return rows.map(toIncident);
    },

    link: (input) =>
      inTx(async (q) => {
        const incident = await lockIncident(q, input.incidentNumber);
        if (incident.status === 'closed') throw new StoreError('conflict', `incident ${incident.number} is closed`);
        return linkIn(q, incident, await lockRequests(q, input.numbers), input.agentId, input.at);
      }),

    unlink: (input) =>
      inTx(async (q) => {
        const incident = await lockIncident(q, input.incidentNumber);
        const [request] = await lockRequests(q, [input.number]);
        const comment = input.reason === 'not_solved' ? 'not_solved' : null;
        const { rowCount } = await run(q, 'unlinkIncident', UNLINK, [request!.id, incident.id, input.at, input.agentId, comment]);
        if (rowCount === 0) throw new StoreError('not_found', `${request!.number} is not linked to incident ${incident.number}`);
      }),

    changeStatus: (input) =>
      inTx(async (q) => {
        const incident = await lockIncident(q, input.number);
        await changeStatus(q, { number: incident.number, to: input.to, comment: input.comment, actor: { kind: 'agent', agentId: input.agentId }, at: input.at });
      }),

    postUpdate: (input) =>
      inTx(async (q) => {
        const incident = await lockIncident(q, input.incidentNumber);
        if (incident.status === 'closed' && !input.internal) throw new StoreError('conflict', `incident ${incident.number} is closed`);
        const { rows } = await run<IncidentUpdateRecord>(q, 'postIncidentUpdate', POST_UPDATE, [
          incident.id, input.agentId, input.text, input.internal, input.texts.ru, input.texts.en, input.at,
        ]);
        return rows[0]!;
      }),

    async fanoutBatch(limit, at) {
      const { rows } = await run<FanoutBatch>(sql, 'fanoutBatch', FANOUT_BATCH, [limit, at]);
      return rows[0] ?? null;
    },

    async cascadeTargets(limit) {
      return (await run<CascadeTarget>(sql, 'cascadeTargets', CASCADE_TARGETS, [limit])).rows;
    },

    async openIncidents(limit) {
      const { rows } = await run<IncidentRow>(sql, 'openIncidents', OPEN_INCIDENTS, [limit]);
      return rows.map(toIncident).map((i) => ({ id: i.id, number: i.number, titles: i.titles, latestUpdate: i.latestUpdate?.text ?? null }));
    },

    async numberOf(incidentId) {
      const { rows } = await run<{ number: string }>(sql, 'incidentNumber', 'SELECT number FROM request WHERE id = $1', [incidentId]);
      return rows[0]?.number ?? null;
    },

    async counts() {
      const [open, linked, deliveries] = await Promise.all([
        run<{ n: number }>(sql, 'countIncidents', `SELECT count(*)::int AS n FROM request WHERE customer_id IS NULL AND type = 'mass_incident' AND status NOT IN ('solution_provided', 'closed')`),
        run<{ n: number }>(sql, 'countLinked', 'SELECT count(*)::int AS n FROM request WHERE incident_id IS NOT NULL'),
        deliveryCounts(sql, null),
      ]);
      return { open: open.rows[0]?.n ?? 0, linked: linked.rows[0]?.n ?? 0, deliveries: deliveries.total };
    },
  };
}


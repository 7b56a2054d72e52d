/**
 * The transactional half of the request store (RequestTx) in plain SQL.
 *
 * The transaction opens lazily, on the first statement. A step whose only writes
 * are its commit (and a request it prepared) therefore needs no BEGIN / COMMIT:
 * commitStep writes it all in one statement, atomic by itself and shared with
 * other conversations' steps (store-batches.ts). That is nearly every step.
 */
import type { Batcher } from '../db/batcher.js';
import { sqlStatement, type SqlDatabase, type SqlQueryable, type SqlSession } from '../db/sql.js';
import {
  changeStatus,
  findRequestByNumber,
  prepareRequest,
  reserveRequestNumbers,
  toSummary,
  type PreparedRequest,
} from './sql.requests.js';
import { commitStep, MESSAGE_EXISTS, writeRequest, type BatchedStep } from './sql.steps.js';
import { enqueueOutbound } from './sql.outbox.js';
import { driverError, run } from './sql.run.js';
import { withIncidents } from '../incidents/sql.incident-reads.js';
import { UNLINK } from '../incidents/sql.incident-statements.js';
import { parseId } from './ids.js';
import { StoreError, type RequestTx, type StepCommitted } from './request-store.port.js';
import type { RequestStatus, RequestType } from './request.types.js';

const OPEN_REQUESTS = sqlStatement('relaydesk_open_requests', `
  SELECT number, type, subject, status, incident_id AS "incidentId" FROM request WHERE customer_id = $1 AND status <> 'closed'
  ORDER BY created_at DESC, seq DESC`);

const MARK_PROCESSED = sqlStatement('relaydesk_mark_processed',
  'UPDATE message SET processed_at = $2::timestamptz WHERE id = $1::bigint AND processed_at IS NULL');

const SET_LOCALE = sqlStatement('relaydesk_set_locale', 'UPDATE customer SET locale = $2, updated_at = now() WHERE id = $1');
// A contact given again replaces the earlier one; a name always comes with it.
const SET_CONTACT = sqlStatement('relaydesk_set_contact', `
  UPDATE customer SET display_name = $2, email = $3, phone = $4, updated_at = now() WHERE id = $1`);

export interface SqlRequestTx {
  tx: RequestTx;
  /** Commits what the body wrote (unless commitStep already did). */
  commit(): Promise<void>;
  /** Rolls back what the body wrote, if anything is still open. */
  rollback(): Promise<void>;
}

/** What a store's transactions share (store-batches.ts): the batchers of steps and of request numbers. */
export interface SqlTxShared {
  requestPrefix: string;
  /** Takes the steps that need no transaction of their own, to write them with others'. */
  steps: Batcher<BatchedStep, StepCommitted>;
  /** Takes numbers from the request sequence for prepareRequest, with others'. */
  numbers: Batcher<null, number>;
}

export function openSqlRequestTx(db: SqlDatabase, opts: SqlTxShared): SqlRequestTx {
  let session: Promise<SqlSession> | null = null;
  let over = false;
  /** A request prepared while no transaction was open: written by commitStep, or first thing if one opens. */
  let prepared: PreparedRequest | null = null;
  const open = (): Promise<SqlSession> => {
    if (over) throw new Error('the transaction is over: commitStep ended it');
    session ??= begin();
    return session;
  };
  const begin = async (): Promise<SqlSession> => {
    const s = await db.begin().catch((error: unknown) => {
      throw driverError(error, 'transaction');
    });
    const pending = prepared;
    prepared = null;
    if (!pending) return s;
    try {
      await writeRequest(s, pending);
      return s;
    } catch (error) {
      // The body sees the error; the rollback's own failure would only hide it.
      await s.rollback().catch(() => undefined);
      throw error;
    }
  };
  // Every statement of the body goes through the session, opened on the first one.
  const q: SqlQueryable = { query: async (statement, params) => (await open()).query(statement, params) };

  const end = async (commit: boolean): Promise<void> => {
    if (over || !session) return;
    over = true;
    const s = await session.catch(() => null);
    if (!s) return; // it never opened (its error went to the body)
    try {
      await (commit ? s.commit() : s.rollback());
    } catch (error) {
      throw driverError(error, commit ? 'commit' : 'rollback');
    }
  };

  const tx: RequestTx = {
    async prepareRequest(input) {
      if (!session && !prepared) {
        prepared = prepareRequest(opts.requestPrefix, input, await opts.numbers.submit(null));
        return prepared.record;
      }
      // The transaction goes on: the request is written now, its number taken inside it
      // (on PGlite, one connection, a statement outside would wait for the transaction).
      const [seq] = await reserveRequestNumbers(q, 1);
      const request = prepareRequest(opts.requestPrefix, input, seq!);
      await writeRequest(q, request);
      return request.record;
    },

    findCustomerRequest: async (customerId, number) => {
      const row = await findRequestByNumber(q, number, { customerId });
      if (!row) return null;
      const [summary] = await withIncidents(q, [{ ...toSummary(row), incidentId: row.incidentId }]);
      return summary!;
    },

    listOpenRequests: async (customerId) => {
      const { rows } = await run<{ number: string; type: RequestType; subject: string; status: RequestStatus; incidentId: string | null }>(
        q, 'listOpenRequests', OPEN_REQUESTS, [customerId]);
      return withIncidents(q, rows);
    },

    async leaveIncident(customerId, number, at) {
      const row = await findRequestByNumber(q, number, { customerId, lock: true });
      if (!row?.incidentId) return null;
      const incident = (await withIncidents(q, [{ incidentId: row.incidentId }]))[0]?.incident ?? null;
      await run(q, 'leaveIncident', UNLINK, [row.id, row.incidentId, at, null, 'not_solved']);
      return incident ? incident.number : null;
    },

    changeStatus: (input) => changeStatus(q, input),

    enqueueOutbound: (input) => enqueueOutbound(q, input),

    async markProcessed(messageId, at) {
      const id = parseId(messageId, 'message');
      const { rowCount } = await run(q, 'markProcessed', MARK_PROCESSED, [id, at]);
      if (rowCount === 1) return;
      const exists = await run(q, 'markProcessed', MESSAGE_EXISTS, [id]);
      if (exists.rowCount === 0) throw new StoreError('not_found', `message ${messageId} does not exist`);
      // Applied already, by a step that committed first: this step must not commit a second copy.
      throw new StoreError('conflict', `message ${messageId} was already applied`);
    },

    async setCustomerLocale(customerId, locale) {
      const { rowCount } = await run(q, 'setCustomerLocale', SET_LOCALE, [customerId, locale]);
      if (rowCount === 0) throw new StoreError('not_found', `customer ${customerId} does not exist`);
    },

    async setCustomerContact(customerId, contact) {
      const { rowCount } = await run(q, 'setCustomerContact', SET_CONTACT, [customerId, contact.name, contact.email, contact.phone]);
      if (rowCount === 0) throw new StoreError('not_found', `customer ${customerId} does not exist`);
    },

    async commitStep(step) {
      if (over) throw new Error('the transaction is over: commitStep ended it');
      if (!session) {
        over = true;
        const request = prepared;
        prepared = null;
        return opts.steps.submit({ ...step, request });
      }
      const stored = await commitStep(q, { ...step, request: null });
      await end(true);
      return stored;
    },
  };
  return { tx, commit: () => end(true), rollback: () => end(false) };
}

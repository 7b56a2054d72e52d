/**
 * What a conversation's step starts from when its hot copy is gone (usually its
 * first step): the stored snapshot and the customer's active request, for many
 * customers in one statement each (concurrent first messages share them).
 */
import { sqlStatement, type SqlQueryable } from '../db/sql.js';
import type { RequestSummary } from '../conversation/conversation.types.js';
import type { ConversationSnapshot } from './request-store.port.js';
import { run } from './sql.run.js';

const SNAPSHOTS = sqlStatement('relaydesk_snapshots', `
  SELECT customer_id AS "customerId", state, version, updated_at AS "updatedAt"
  FROM conversation WHERE customer_id = ANY($1::text[])`);

const ACTIVE_REQUESTS = sqlStatement('relaydesk_active_requests', `
  SELECT DISTINCT ON (customer_id) customer_id AS "customerId", number, type, subject, status
  FROM request WHERE customer_id = ANY($1::text[]) AND status <> 'closed'
  ORDER BY customer_id, created_at DESC, seq DESC`);

/** Each customer's snapshot, or null, in the order asked. */
export async function loadSnapshots(db: SqlQueryable, customerIds: string[]): Promise<Array<ConversationSnapshot | null>> {
  const { rows } = await run<ConversationSnapshot & { customerId: string }>(db, 'loadConversation', SNAPSHOTS, [customerIds]);
  const byCustomer = new Map(rows.map(({ customerId, ...snapshot }) => [customerId, snapshot]));
  return customerIds.map((id) => byCustomer.get(id) ?? null);
}

/** Each customer's newest request that is not closed, or null, in the order asked. */
export async function findActiveRequests(db: SqlQueryable, customerIds: string[]): Promise<Array<RequestSummary | null>> {
  const { rows } = await run<RequestSummary & { customerId: string }>(db, 'findActiveRequest', ACTIVE_REQUESTS, [customerIds]);
  const byCustomer = new Map(rows.map(({ customerId, ...summary }) => [customerId, summary]));
  return customerIds.map((id) => byCustomer.get(id) ?? null);
}

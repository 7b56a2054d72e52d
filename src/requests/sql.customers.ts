/** Customers in plain SQL: the one statement that creates them or brings them up to date. */
import { sqlStatement, type SqlDatabase } from '../db/sql.js';
import { uuidv7 } from './ids.js';
import { StoreError, type CustomerIdentity } from './request-store.port.js';
import type { Customer } from './request.types.js';
import { run } from './sql.run.js';
import { customerColumns, toCustomerRecord, type CustomerRow } from './sql.rows.js';

/*
 * One statement: the customer as found, or as changed when it was unreachable or
 * brings a new display name, or as created. Concurrent first messages of one
 * customer meet in ON CONFLICT, which waits for the first insert and updates it.
 */
const UPSERT_CUSTOMER = sqlStatement('relaydesk_upsert_customer', `
  WITH found AS (
    SELECT ${customerColumns()} FROM customer WHERE channel = $2 AND external_id = $3
  ), changed AS (
    UPDATE customer SET display_name = COALESCE($4, customer.display_name), reachable = true, updated_at = now()
    FROM found
    WHERE customer.id = found.id
      AND (NOT found.reachable OR ($4::text IS NOT NULL AND found."displayName" IS DISTINCT FROM $4::text))
    RETURNING ${customerColumns('customer')}
  ), created AS (
    INSERT INTO customer (id, channel, external_id, display_name, locale, reachable, created_at, updated_at)
    SELECT $1, $2, $3, $4, $5, true, now(), now() WHERE NOT EXISTS (SELECT 1 FROM found)
    ON CONFLICT (channel, external_id) DO UPDATE
      SET display_name = COALESCE(EXCLUDED.display_name, customer.display_name), reachable = true, updated_at = now()
    RETURNING ${customerColumns()}
  )
  SELECT * FROM changed
  UNION ALL SELECT * FROM created
  UNION ALL SELECT * FROM found WHERE NOT EXISTS (SELECT 1 FROM changed)`);

/**
 * One customer per (channel, externalId), safe against concurrent first messages.
 * A new display name replaces the stored one; the stored locale is kept (the
 * customer may have chosen it). A customer who writes is reachable again.
 */
export async function upsertCustomer(sql: SqlDatabase, identity: CustomerIdentity): Promise<Customer> {
  const { channel, externalId } = identity;
  const { rows } = await run<CustomerRow>(sql, 'upsertCustomer', UPSERT_CUSTOMER, [
    uuidv7(), channel, externalId, identity.displayName ?? null, identity.locale,
  ]);
  const row = rows[0];
  if (!row) throw new StoreError('conflict', `customer ${channel}/${externalId} was not stored`);
  return toCustomerRecord(row);
}

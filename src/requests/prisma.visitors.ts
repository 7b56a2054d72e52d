/**
 * What a channel's sign-in and uploads need beyond messages: a customer found
 * by identity without creating one, revoked visitor tokens, the bytes a
 * customer uploaded and has not sent yet, the clean-up of uploads never sent,
 * and deployment-wide settings such as the secret that signs visitor tokens.
 */
import type { SqlDatabase } from '../db/sql.js';
import { sqlStatement } from '../db/sql.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { guard } from './prisma.errors.js';
import { toCustomer } from './prisma.mappers.js';
import { StoreError, type DeletedAttachment, type RequestStore } from './request-store.port.js';
import { run } from './sql.run.js';

type VisitorOperations = Pick<
  RequestStore,
  'findCustomer' | 'revokeVisitorTokens' | 'unsentUploadBytes' | 'deleteOrphanAttachments' | 'ensureSetting' | 'readSettings' | 'writeSetting'
>;

// An upload is unsent while no message carries it and no request holds it.
const UNSENT_BYTES = sqlStatement('relaydesk_unsent_upload_bytes', `
  SELECT COALESCE(SUM(size), 0)::int AS bytes FROM attachment
  WHERE customer_id = $1 AND message_id IS NULL AND request_id IS NULL`);

/*
 * Deletes a batch of orphans (rows other instances are deleting are skipped) and
 * says, for each, whether any other row still refers to its stored bytes (the
 * storage is content-addressed: one file may serve several rows). The main query
 * sees the table as it was before the DELETE, hence the `NOT IN gone`.
 */
const DELETE_ORPHANS = sqlStatement('relaydesk_delete_orphan_attachments', `
  WITH doomed AS (
    SELECT id FROM attachment
    WHERE message_id IS NULL AND request_id IS NULL AND created_at < $1
    ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED
  ), gone AS (
    DELETE FROM attachment a USING doomed WHERE a.id = doomed.id RETURNING a.id, a.storage_key
  )
  SELECT gone.id, gone.storage_key AS "storageKey",
    NOT EXISTS (SELECT 1 FROM attachment o WHERE o.storage_key = gone.storage_key AND o.id NOT IN (SELECT id FROM gone)) AS "lastReference"
  FROM gone`);

export function createVisitorOperations(prisma: PrismaClient, sql: SqlDatabase): VisitorOperations {
  return {
    findCustomer: (channel, externalId) =>
      guard('findCustomer', async () => {
        const row = await prisma.customer.findUnique({ where: { channel_externalId: { channel, externalId } } });
        return row ? { ...toCustomer(row), tokensValidAfter: row.tokensValidAfter } : null;
      }),

    revokeVisitorTokens: (customerId, at) =>
      guard('revokeVisitorTokens', async () => {
        const { count } = await prisma.customer.updateMany({ where: { id: customerId }, data: { tokensValidAfter: at } });
        if (count === 0) throw new StoreError('not_found', `customer ${customerId} does not exist`);
      }),

    async unsentUploadBytes(customerId) {
      const { rows } = await run<{ bytes: number }>(sql, 'unsentUploadBytes', UNSENT_BYTES, [customerId]);
      return rows[0]?.bytes ?? 0;
    },

    ensureSetting: (key, value) =>
      guard('ensureSetting', async () => {
        // Two statements: the read sees a row another instance committed while the insert waited on it.
        await prisma.setting.createMany({ data: [{ key, value }], skipDuplicates: true });
        return (await prisma.setting.findUniqueOrThrow({ where: { key } })).value;
      }),

    readSettings: (keys) =>
      guard('readSettings', async () => {
        const rows = await prisma.setting.findMany({ where: { key: { in: [...keys] } } });
        return Object.fromEntries(rows.map((r) => [r.key, r.value]));
      }),

    writeSetting: (key, value) =>
      guard('writeSetting', async () => {
        await prisma.setting.upsert({ where: { key }, create: { key, value }, update: { value } });
      }),

    async deleteOrphanAttachments(before, limit) {
      const { rows } = await run<DeletedAttachment>(sql, 'deleteOrphanAttachments', DELETE_ORPHANS, [before, limit]);
      return rows.map((r) => ({ id: r.id, storageKey: r.storageKey, lastReference: Boolean(r.lastReference) }));
    },
  };
}

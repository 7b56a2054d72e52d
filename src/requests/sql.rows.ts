/**
 * Rows of the plain-SQL half of the request store, and their mapping to the
 * store's records. Queries select columns under these camelCase names, with
 * bigint ids cast to text (the drivers disagree on how to return bigint).
 */
import type { Locale } from '../conversation/conversation.types.js';
import type {
  AttachmentRecord,
  Customer,
  MessagePayload,
  RequestRecord,
  RequestStatus,
  RequestType,
  StatusChangeRecord,
  StoredMessage,
} from './request.types.js';

/**
 * The message columns of table alias `alias`, with its attachment ids (oldest first),
 * or with none (`attachments: false`, e.g. in RETURNING of a message just inserted).
 */
export function messageColumns(alias: string, attachments = true): string {
  const a = `${alias}.`;
  const ids = attachments
    ? `ARRAY(SELECT x.id FROM attachment x WHERE x.message_id = ${a}id ORDER BY x.created_at, x.id)`
    : `'{}'::text[]`;
  return `${a}id::text AS id, ${a}customer_id AS "customerId", ${a}request_id AS "requestId", ${a}channel,
    ${a}direction, ${a}author, ${a}agent_id AS "agentId", ${a}text, ${a}payload,
    ${a}channel_message_id AS "channelMessageId", ${a}delivery_state AS "deliveryState",
    ${a}processed_at AS "processedAt", ${a}created_at AS "createdAt", ${ids} AS "attachmentIds"`;
}

export const REQUEST_COLUMNS = `id, seq, number, type, subject, description, status, channel, customer_id AS "customerId",
  assignee_id AS "assigneeId", incident_id AS "incidentId", created_at AS "createdAt", updated_at AS "updatedAt",
  last_activity_at AS "lastActivityAt", closed_at AS "closedAt"`;

/** The customer columns, of table alias `alias` when given. */
export function customerColumns(alias?: string): string {
  const a = alias ? `${alias}.` : '';
  return `${a}id, ${a}channel, ${a}external_id AS "externalId", ${a}display_name AS "displayName", ${a}email, ${a}phone, ${a}locale, ${a}reachable`;
}

export const ATTACHMENT_COLUMNS = `id, customer_id AS "customerId", request_id AS "requestId", message_id::text AS "messageId",
  mime_type AS "mimeType", size, sha256, storage_key AS "storageKey", file_name AS "fileName", created_at AS "createdAt"`;

export const STATUS_CHANGE_COLUMNS = `id::text AS id, request_id AS "requestId", "from", "to", comment,
  actor_kind AS "actorKind", agent_id AS "agentId", event,
  (SELECT number FROM request i WHERE i.id = status_change.incident_id) AS "incidentNumber", created_at AS "createdAt"`;

/** A message as selected by messageColumns: the record's fields, the payload as raw JSON. */
export type MessageRow = Omit<StoredMessage, 'payload'> & { payload: unknown };

export type RequestRow = RequestRecord & { seq: number };

/** The locale as the database holds it: any string, checked by the mapping. */
export type CustomerRow = Omit<Customer, 'locale'> & { locale: string };

export type AttachmentRow = AttachmentRecord;

export type StatusChangeRow = StatusChangeRecord;

export function toMessage(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    customerId: row.customerId,
    requestId: row.requestId,
    channel: row.channel,
    direction: row.direction,
    author: row.author,
    agentId: row.agentId,
    text: row.text,
    // Stored as written by recordInbound / enqueueOutbound, which take a MessagePayload.
    payload: (row.payload ?? null) as MessagePayload | null,
    channelMessageId: row.channelMessageId,
    deliveryState: row.deliveryState,
    processedAt: row.processedAt,
    createdAt: row.createdAt,
    attachmentIds: row.attachmentIds,
  };
}

export function toRequest(row: RequestRow): RequestRecord {
  return {
    id: row.id,
    number: row.number,
    type: row.type as RequestType,
    subject: row.subject,
    description: row.description,
    status: row.status as RequestStatus,
    channel: row.channel,
    customerId: row.customerId,
    assigneeId: row.assigneeId,
    incidentId: row.incidentId ?? null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    lastActivityAt: row.lastActivityAt,
    closedAt: row.closedAt,
  };
}

export function toCustomerRecord(row: CustomerRow): Customer {
  return {
    id: row.id,
    channel: row.channel,
    externalId: row.externalId,
    displayName: row.displayName,
    email: row.email,
    phone: row.phone,
    locale: row.locale as Locale,
    reachable: row.reachable,
  };
}

/** JSON for a `jsonb` parameter (written `$n::text::jsonb`); null stays SQL NULL. */
export function jsonText(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** Rows of the generated Prisma client (or raw rows of the same shape) → the store's records. */
import type {
  Prisma,
  Attachment as AttachmentRow,
  Customer as CustomerRow,
  Message as MessageRow,
  Request as RequestRow,
  StatusChange as StatusChangeRow,
} from '../generated/prisma/client.js';
import type {
  AttachmentRecord,
  Customer,
  RequestRecord,
  StatusChangeRecord,
  StatusEvent,
  StoredMessage,
} from './request.types.js';
import { STATUS_EVENTS } from './request.types.js';
import { toCustomerRecord, toMessage, toRequest } from './sql.rows.js';

/** Prisma's rows have the raw SQL rows' fields (and more): one mapping serves both. */
export function toCustomer(row: CustomerRow): Customer {
  return toCustomerRecord(row);
}

/** `attachmentIds` come from the message's attachments, oldest first. */
export function toStoredMessage(row: MessageRow, attachmentIds: string[]): StoredMessage {
  return toMessage({ ...row, id: row.id.toString(), attachmentIds });
}

/** A message loaded with `include: { attachments: { select: { id: true } } }`. */
export function toStoredMessageWithAttachments(row: MessageRow & { attachments: { id: string }[] }): StoredMessage {
  return toStoredMessage(row, row.attachments.map((a) => a.id));
}

/** A customer's request (never a mass incident, which has no customer: see getRequest's filter). */
export function toRequestRecord(row: RequestRow): RequestRecord {
  if (row.customerId === null) throw new Error(`request ${row.number} is a mass incident, not a customer's request`);
  return toRequest({ ...row, customerId: row.customerId });
}


export function toAttachmentRecord(row: AttachmentRow): AttachmentRecord {
  return {
    id: row.id,
    customerId: row.customerId,
    requestId: row.requestId,
    messageId: row.messageId === null ? null : row.messageId.toString(),
    mimeType: row.mimeType,
    size: row.size,
    sha256: row.sha256,
    storageKey: row.storageKey,
    fileName: row.fileName,
    createdAt: row.createdAt,
  };
}

/** A status change loaded with `include: WITH_INCIDENT_NUMBER`. */
export function toStatusChangeRecord(row: StatusChangeRow & { incident: { number: string } | null }): StatusChangeRecord {
  return {
    id: row.id.toString(),
    requestId: row.requestId,
    from: row.from,
    to: row.to,
    comment: row.comment,
    actorKind: row.actorKind,
    agentId: row.agentId,
    event: (STATUS_EVENTS as readonly string[]).includes(row.event) ? (row.event as StatusEvent) : 'status',
    incidentNumber: row.incident?.number ?? null,
    createdAt: row.createdAt,
  };
}

/** Prisma selection for a status change with the number of the incident it concerns. */
export const WITH_INCIDENT_NUMBER = { incident: { select: { number: true } } } as const;

/** Prisma selection for a message with its attachment ids, in a stable order. */
export const WITH_ATTACHMENT_IDS = {
  attachments: { select: { id: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
} satisfies Prisma.MessageInclude;

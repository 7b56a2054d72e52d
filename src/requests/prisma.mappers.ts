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
  StoredMessage,
} from './request.types.js';
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

export function toRequestRecord(row: RequestRow): RequestRecord {
  return toRequest(row);
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

export function toStatusChangeRecord(row: StatusChangeRow): StatusChangeRecord {
  return {
    id: row.id.toString(),
    requestId: row.requestId,
    from: row.from,
    to: row.to,
    comment: row.comment,
    actorKind: row.actorKind,
    agentId: row.agentId,
    createdAt: row.createdAt,
  };
}

/** Prisma selection for a message with its attachment ids, in a stable order. */
export const WITH_ATTACHMENT_IDS = {
  attachments: { select: { id: true }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
} satisfies Prisma.MessageInclude;

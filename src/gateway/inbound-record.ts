/**
 * A channel's message as the store records it: its file checked and stored (or
 * the reason it was refused), an uploaded attachment verified as the customer's.
 */
import type { InboundMessage } from '../channels/channel.port.js';
import type { RejectedFile } from '../conversation/conversation.types.js';
import { toRejectedFile, type AttachmentService } from '../requests/attachments.js';
import type { RecordInboundInput, RequestStore } from '../requests/request-store.port.js';
import type { Customer, MessagePayload } from '../requests/request.types.js';
import { GatewayError } from './gateway.errors.js';

interface RecordDeps {
  store: RequestStore;
  attachments: AttachmentService;
  clock: () => Date;
}

/** A file the recorded message carries, as checked here: the step needs its type and need not read it again. */
export interface CheckedFile {
  id: string;
  mimeType: string;
}

export async function toRecord(customer: Customer, input: InboundMessage, deps: RecordDeps): Promise<{ record: RecordInboundInput; file: CheckedFile | null }> {
  const { file, rejectedFile } = await resolveFile(customer, input, deps);
  const attachmentId = file?.id;
  const record: RecordInboundInput = {
    customerId: customer.id,
    channel: input.channel,
    channelMessageId: input.channelMessageId,
    ...(input.text !== undefined ? { text: input.text } : {}),
    ...payloadOf(input, rejectedFile),
    ...(attachmentId ? { attachmentId } : {}),
    receivedAt: input.receivedAt ?? deps.clock(),
  };
  return { record, file: file ?? null };
}

function payloadOf(input: InboundMessage, rejectedFile: RejectedFile | undefined): { payload?: MessagePayload } {
  const payload: MessagePayload = {
    ...(input.choiceId ? { choiceId: input.choiceId } : {}),
    ...(rejectedFile ? { rejectedFile } : {}),
    ...(input.askContact ? { askContact: true as const } : {}),
    ...(input.answersOpening ? { answersOpening: true as const } : {}),
  };
  return Object.keys(payload).length > 0 ? { payload } : {};
}

/** Checks and stores a file sent with the message, or verifies an uploaded attachment belongs to the customer. */
async function resolveFile(customer: Customer, input: InboundMessage, deps: RecordDeps): Promise<{ file?: CheckedFile; rejectedFile?: RejectedFile }> {
  if (input.attachmentId) {
    const attachment = await deps.store.getAttachment(input.attachmentId);
    if (!attachment || attachment.customerId !== customer.id) {
      throw new GatewayError('invalid_attachment', `attachment ${input.attachmentId} does not belong to this customer`);
    }
    return { file: { id: attachment.id, mimeType: attachment.mimeType } };
  }
  if (input.refusedFile) return { rejectedFile: { reason: input.refusedFile.reason, limitBytes: deps.attachments.maxBytes } };
  if (!input.file) return {};
  const result = await deps.attachments.ingest({
    customerId: customer.id,
    data: input.file.data,
    ...(input.file.fileName ? { fileName: input.file.fileName } : {}),
  });
  if (result.ok) return { file: { id: result.attachment.id, mimeType: result.attachment.mimeType } };
  return { rejectedFile: toRejectedFile(result) };
}

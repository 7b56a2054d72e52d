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

export async function toRecord(customer: Customer, input: InboundMessage, deps: RecordDeps): Promise<RecordInboundInput> {
  const { attachmentId, rejectedFile } = await resolveFile(customer, input, deps);
  return {
    customerId: customer.id,
    channel: input.channel,
    channelMessageId: input.channelMessageId,
    ...(input.text !== undefined ? { text: input.text } : {}),
    ...payloadOf(input, rejectedFile),
    ...(attachmentId ? { attachmentId } : {}),
    receivedAt: input.receivedAt ?? deps.clock(),
  };
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
async function resolveFile(customer: Customer, input: InboundMessage, deps: RecordDeps): Promise<{ attachmentId?: string; rejectedFile?: RejectedFile }> {
  if (input.attachmentId) {
    const attachment = await deps.store.getAttachment(input.attachmentId);
    if (!attachment || attachment.customerId !== customer.id) {
      throw new GatewayError('invalid_attachment', `attachment ${input.attachmentId} does not belong to this customer`);
    }
    return { attachmentId: attachment.id };
  }
  if (input.refusedFile) return { rejectedFile: { reason: input.refusedFile.reason, limitBytes: deps.attachments.maxBytes } };
  if (!input.file) return {};
  const result = await deps.attachments.ingest({
    customerId: customer.id,
    data: input.file.data,
    ...(input.file.fileName ? { fileName: input.file.fileName } : {}),
  });
  if (result.ok) return { attachmentId: result.attachment.id };
  return { rejectedFile: toRejectedFile(result) };
}

import type { InboundMessage } from '../channels/channel.port.js';
import { GatewayError } from './gateway.errors.js';

/** Longer texts are refused outright; the conversation re-prompts for anything over its own, lower limits. */
export const MAX_INBOUND_TEXT = 20_000;
const MAX_ID = 200;

/**
 * Checks what an adapter hands over before anything is stored. An adapter bug
 * or a malformed event gets a GatewayError naming the field, never a crash
 * deeper down.
 */
export function validateInbound(input: InboundMessage): void {
  requireId(input.channel, 'channel');
  requireId(input.externalId, 'externalId');
  requireId(input.channelMessageId, 'channelMessageId');
  if (input.text !== undefined && typeof input.text !== 'string') invalid('text must be a string');
  if (input.text && input.text.length > MAX_INBOUND_TEXT) invalid(`text is longer than ${MAX_INBOUND_TEXT} characters`);
  if (input.choiceId !== undefined && (typeof input.choiceId !== 'string' || input.choiceId.length > MAX_ID)) {
    invalid('choiceId must be a short string');
  }
  if (input.file && !Buffer.isBuffer(input.file.data)) invalid('file.data must be a Buffer');
  if (input.refusedFile && !['too_large', 'unsupported_type'].includes(input.refusedFile.reason)) invalid('refusedFile.reason is unknown');
  const hasContent =
    Boolean(input.text?.trim()) || Boolean(input.choiceId) || Boolean(input.file) || Boolean(input.attachmentId) || Boolean(input.refusedFile);
  if (!hasContent) invalid('the message has no text, choice or file');
}

function requireId(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.length === 0) invalid(`${field} is required`);
  if ((value as string).length > MAX_ID) invalid(`${field} is longer than ${MAX_ID} characters`);
}

function invalid(message: string): never {
  throw new GatewayError('invalid_message', message);
}

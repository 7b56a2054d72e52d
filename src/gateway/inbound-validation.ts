import type { InboundMessage } from '../channels/channel.port.js';
import { hasControlCharacters, toStorableText } from '../formats/storable-text.js';
import { GatewayError } from './gateway.errors.js';

/** Longer texts are refused outright; the conversation re-prompts for anything over its own, lower limits. */
export const MAX_INBOUND_TEXT = 20_000;
const MAX_ID = 200;

/**
 * What every channel's message goes through before anything is stored: text
 * the database can keep (control characters such as NUL removed, see
 * storable-text.ts), then checks that give an adapter bug or a malformed event
 * a GatewayError naming the field, never a crash or a retry loop deeper down.
 */
export function normalizeInbound(input: InboundMessage): InboundMessage {
  validateInbound(input);
  const message: InboundMessage = { ...input };
  if (typeof input.text === 'string') message.text = toStorableText(input.text);
  if (typeof input.displayName === 'string') {
    const name = toStorableText(input.displayName).trim();
    if (name) message.displayName = name;
    else delete message.displayName;
  }
  if (input.file?.fileName !== undefined) message.file = { ...input.file, fileName: toStorableText(input.file.fileName) };
  if (!hasContent(message)) invalid('the message has no text, choice or file');
  return message;
}

function validateInbound(input: InboundMessage): void {
  requireId(input.channel, 'channel');
  requireId(input.externalId, 'externalId');
  requireId(input.channelMessageId, 'channelMessageId');
  if (input.text !== undefined && typeof input.text !== 'string') invalid('text must be a string');
  if (input.text && input.text.length > MAX_INBOUND_TEXT) invalid(`text is longer than ${MAX_INBOUND_TEXT} characters`);
  if (input.displayName !== undefined && typeof input.displayName !== 'string') invalid('displayName must be a string');
  if (input.choiceId !== undefined && (typeof input.choiceId !== 'string' || input.choiceId.length > MAX_ID || hasControlCharacters(input.choiceId))) {
    invalid('choiceId must be a short string');
  }
  if (input.attachmentId !== undefined && (typeof input.attachmentId !== 'string' || hasControlCharacters(input.attachmentId))) {
    invalid('attachmentId must be an id');
  }
  if (input.file && !Buffer.isBuffer(input.file.data)) invalid('file.data must be a Buffer');
  if (input.file?.fileName !== undefined && typeof input.file.fileName !== 'string') invalid('file.fileName must be a string');
  if (input.refusedFile && !['too_large', 'unsupported_type'].includes(input.refusedFile.reason)) invalid('refusedFile.reason is unknown');
}

function hasContent(m: InboundMessage): boolean {
  return Boolean(m.text?.trim()) || Boolean(m.choiceId) || Boolean(m.file) || Boolean(m.attachmentId) || Boolean(m.refusedFile);
}

/** Identifiers are never altered (they name a customer or a message): one the store cannot keep is refused. */
function requireId(value: unknown, field: string): void {
  if (typeof value !== 'string' || value.length === 0) invalid(`${field} is required`);
  if ((value as string).length > MAX_ID) invalid(`${field} is longer than ${MAX_ID} characters`);
  if (hasControlCharacters(value as string)) invalid(`${field} contains control characters`);
}

function invalid(message: string): never {
  throw new GatewayError('invalid_message', message);
}

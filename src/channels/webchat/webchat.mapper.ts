/**
 * Pure translations between the gateway's messages and the web chat protocol.
 */
import type { InboundMessage, OutboundMessage } from '../channel.port.js';
import type { Locale } from '../../conversation/conversation.types.js';
import type { DeskFile, HistoryMessage } from '../channel-desk.port.js';
import { WEBCHAT_CHANNEL, type ClientMessage, type ServerAttachment, type ServerMessage } from './webchat.protocol.js';

/** Builds the signed download URL of an attachment for the visitor. */
export type LinkFor = (attachmentId: string) => string;

/** A visitor's message id on the channel: unique per visitor and client id, so a resend is recognised. */
export function channelMessageIdOf(visitorId: string, clientId: string): string {
  return `${visitorId}:${clientId}`;
}

export function mapClientMessage(
  visitorId: string,
  message: ClientMessage,
  extras: { locale?: Locale; displayName?: string; receivedAt: Date; askContact?: boolean; answersOpening?: boolean },
): InboundMessage {
  return {
    channel: WEBCHAT_CHANNEL,
    externalId: visitorId,
    channelMessageId: channelMessageIdOf(visitorId, message.clientId),
    ...(message.text !== undefined ? { text: message.text } : {}),
    ...(message.choiceId !== undefined ? { choiceId: message.choiceId } : {}),
    ...(message.attachmentId !== undefined ? { attachmentId: message.attachmentId } : {}),
    ...(extras.locale ? { locale: extras.locale } : {}),
    ...(extras.displayName ? { displayName: extras.displayName } : {}),
    ...(extras.askContact ? { askContact: true } : {}),
    ...(extras.answersOpening ? { answersOpening: true } : {}),
    receivedAt: extras.receivedAt,
  };
}

function mapAttachment(a: Pick<DeskFile, 'id' | 'mimeType' | 'fileName'>, linkFor: LinkFor): ServerAttachment {
  return { id: a.id, mimeType: a.mimeType, fileName: a.fileName, url: linkFor(a.id) };
}

/** A stored message of the conversation, as the visitor sees it in the history. */
export function mapHistoryMessage(message: HistoryMessage, linkFor: LinkFor): ServerMessage {
  const from = message.author === 'customer' ? 'customer' : message.author === 'agent' ? 'agent' : 'bot';
  const result: ServerMessage = { id: message.id, from, text: message.text, at: message.createdAt.toISOString() };
  if (message.choices?.length) result.choices = message.choices;
  if (message.files.length > 0) result.attachments = message.files.map((a) => mapAttachment(a, linkFor));
  if (from === 'customer' && message.channelMessageId) {
    const clientId = message.channelMessageId.slice(message.channelMessageId.indexOf(':') + 1);
    if (clientId) result.clientId = clientId;
  }
  return result;
}

/** A message the outbox delivers to the visitor. */
export function mapOutbound(message: OutboundMessage, linkFor: LinkFor, at: Date): ServerMessage {
  const result: ServerMessage = {
    id: message.messageId,
    from: message.author === 'agent' ? 'agent' : 'bot',
    text: message.text,
    at: at.toISOString(),
  };
  if (message.choices?.length) result.choices = message.choices;
  if (message.attachments?.length) result.attachments = message.attachments.map((a) => mapAttachment(a, linkFor));
  if (message.agentName) result.agentName = message.agentName;
  return result;
}

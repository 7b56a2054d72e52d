/**
 * Pure translation between whatsapp-web.js messages and RelayDesk's
 * channel-neutral ones. WhatsApp (through this library) has no buttons:
 * choices become a numbered list, and the customer answers with the number or
 * the label, which the conversation understands either way.
 */
import { signAgentReply } from '../agent-signature.js';
import type { Choice, Locale } from '../../conversation/conversation.types.js';
import type { InboundMessage, OutboundAttachment, OutboundMessage } from '../channel.port.js';
import type { WaMessage } from './whatsapp.client.port.js';

export const WHATSAPP_CHANNEL = 'whatsapp';

export type MappedWaMessage =
  | { kind: 'message'; message: Omit<InboundMessage, 'file'>; download: boolean }
  | { kind: 'ignored'; reason: string };

/** Types that are not something a person wrote (https://docs.wwebjs.dev/global.html#MessageTypes). */
const SYSTEM_TYPES = new Set(['revoked', 'e2e_notification', 'notification', 'notification_template', 'call_log', 'protocol', 'gp2', 'ciphertext', 'broadcast_notification', 'group_notification']);

export function mapWhatsappMessage(m: WaMessage, opts: { maxBytes: number }): MappedWaMessage {
  if (m.fromMe) return { kind: 'ignored', reason: 'sent by this account' };
  if (m.isStatus || m.broadcast || m.from === 'status@broadcast') return { kind: 'ignored', reason: 'status broadcast' };
  if (m.from.endsWith('@g.us')) return { kind: 'ignored', reason: 'group chat' };
  if (!m.from.endsWith('@c.us') && !m.from.endsWith('@lid')) return { kind: 'ignored', reason: `not a person's chat (${m.from})` };
  if (SYSTEM_TYPES.has(m.type)) return { kind: 'ignored', reason: `system message (${m.type})` };
  const base: Omit<InboundMessage, 'file'> = {
    channel: WHATSAPP_CHANNEL,
    externalId: m.from,
    channelMessageId: m.id._serialized,
    ...(m._data?.notifyName ? { displayName: m._data.notifyName } : {}),
    receivedAt: new Date(m.timestamp * 1000),
  };
  if (m.type === 'chat') return { kind: 'message', message: { ...base, text: m.body }, download: false };
  const caption = m.type === 'image' && m.body ? { text: m.body } : {};
  const isImage = m.type === 'image' || (m.type === 'document' && (m._data?.mimetype ?? '').startsWith('image/'));
  if (!isImage || !m.hasMedia) return { kind: 'message', message: { ...base, ...caption, refusedFile: { reason: 'unsupported_type' } }, download: false };
  if ((m._data?.size ?? 0) > opts.maxBytes) return { kind: 'message', message: { ...base, ...caption, refusedFile: { reason: 'too_large' } }, download: false };
  return { kind: 'message', message: { ...base, ...caption }, download: true };
}

/** One `sendMessage` call of a planned delivery. */
export type WaSend = { kind: 'text'; text: string } | { kind: 'media'; attachment: OutboundAttachment; caption?: string };

const ANSWER_HINT: Record<Locale, string> = {
  ru: 'Ответьте номером или названием варианта.',
  en: 'Reply with the number or the name of an option.',
};

/** The text with its choices as a numbered list (`1. Incident`), and how to answer. */
export function withNumberedChoices(text: string, choices: readonly Choice[], locale: Locale): string {
  if (choices.length === 0) return text;
  const list = choices.map((c, i) => `${i + 1}. ${c.label}`).join('\n');
  return [text, list, ANSWER_HINT[locale]].filter((part) => part.length > 0).join('\n\n');
}

/** Images as media (the first captioned with the text), then the text if it was not a caption. */
export function planWhatsappSends(unsigned: OutboundMessage): WaSend[] {
  const message = signAgentReply(unsigned);
  const text = withNumberedChoices(message.text ?? '', message.choices ?? [], message.locale);
  const files = message.attachments ?? [];
  const sends: WaSend[] = files.map((attachment, i) => ({ kind: 'media', attachment, ...(i === 0 && text ? { caption: text } : {}) }));
  if (files.length === 0 && text) sends.push({ kind: 'text', text });
  return sends;
}

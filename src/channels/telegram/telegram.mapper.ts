/**
 * Pure translation between Telegram's Bot API objects and RelayDesk's
 * channel-neutral messages. No network, no state: the adapter does the calls.
 */
import { signAgentReply } from '../agent-signature.js';
import type { InlineKeyboardMarkup, Update, User } from 'telegraf/types';
import type { Choice, Locale } from '../../conversation/conversation.types.js';
import type { InboundMessage, OutboundAttachment, OutboundMessage } from '../channel.port.js';
import { splitText, TELEGRAM_CAPTION_LIMIT } from './telegram.text.js';

export const TELEGRAM_CHANNEL = 'telegram';

/** What an update means for the gateway. */
export type MappedUpdate =
  | {
      kind: 'message';
      message: Omit<InboundMessage, 'file'>;
      /** A file to download (getFile) and hand over with the message. */
      download?: { fileId: string; fileName?: string };
      /** A pressed inline button: answer it and take the keyboard off its message. */
      callback?: { id: string; chatId: number; messageId: number | null };
    }
  /** A message in a group or channel: the bot works in private chats only. */
  | { kind: 'not_private'; chatId: number; callbackId: string | null }
  | { kind: 'ignored'; reason: string };

export interface MapOptions {
  /** Largest file accepted; bigger ones are refused by their declared size, without downloading. */
  maxBytes: number;
}

/** Maps a Telegram update. Message ids are `<chat id>:<message id>` (a redelivered update has the same). */
export function mapTelegramUpdate(update: Update, opts: MapOptions): MappedUpdate {
  if ('callback_query' in update) return mapCallback(update.callback_query);
  if (!('message' in update)) return { kind: 'ignored', reason: `update type ${Object.keys(update).filter((k) => k !== 'update_id').join(',')}` };
  const m = update.message;
  if (m.chat.type !== 'private') return { kind: 'not_private', chatId: m.chat.id, callbackId: null };
  if (!m.from || m.from.is_bot) return { kind: 'ignored', reason: 'not from a person' };
  const base = {
    channel: TELEGRAM_CHANNEL,
    externalId: String(m.chat.id),
    channelMessageId: `${m.chat.id}:${m.message_id}`,
    ...identity(m.from),
    ...(Number.isFinite(m.date) ? { receivedAt: new Date(m.date * 1000) } : {}),
  };
  // Commands arrive as text (`/status@bot SR-1` too): the conversation reads them.
  if ('text' in m) return { kind: 'message', message: { ...base, text: m.text } };
  const caption = 'caption' in m && m.caption ? { text: m.caption } : {};
  if ('photo' in m) {
    const largest = m.photo.at(-1);
    if (!largest) return { kind: 'ignored', reason: 'photo without sizes' };
    if ((largest.file_size ?? 0) > opts.maxBytes) return refused(base, caption, 'too_large');
    return { kind: 'message', message: { ...base, ...caption }, download: { fileId: largest.file_id } };
  }
  if ('document' in m) {
    const doc = m.document;
    if (!doc.mime_type?.startsWith('image/')) return refused(base, caption, 'unsupported_type');
    if ((doc.file_size ?? 0) > opts.maxBytes) return refused(base, caption, 'too_large');
    return { kind: 'message', message: { ...base, ...caption }, download: { fileId: doc.file_id, ...(doc.file_name ? { fileName: doc.file_name } : {}) } };
  }
  // Stickers, voice, video, locations…: not something a request can take.
  return refused(base, caption, 'unsupported_type');
}

function refused(base: Omit<InboundMessage, 'file'>, caption: { text?: string }, reason: 'too_large' | 'unsupported_type'): MappedUpdate {
  return { kind: 'message', message: { ...base, ...caption, refusedFile: { reason } } };
}

function mapCallback(q: Extract<Update, { callback_query: unknown }>['callback_query']): MappedUpdate {
  const chat = q.message?.chat;
  if (!chat) return { kind: 'ignored', reason: 'callback without its message' };
  if (chat.type !== 'private') return { kind: 'not_private', chatId: chat.id, callbackId: q.id };
  if (!('data' in q) || !q.data) return { kind: 'ignored', reason: 'callback without data' };
  return {
    kind: 'message',
    message: { channel: TELEGRAM_CHANNEL, externalId: String(chat.id), channelMessageId: `cb:${q.id}`, ...identity(q.from), choiceId: q.data },
    callback: { id: q.id, chatId: chat.id, messageId: q.message?.message_id ?? null },
  };
}

function identity(from: User): { displayName?: string; locale?: Locale } {
  const name = [from.first_name, from.last_name].filter(Boolean).join(' ') || from.username;
  const locale = localeOf(from.language_code);
  return { ...(name ? { displayName: name } : {}), ...(locale ? { locale } : {}) };
}

/** The customer's language from Telegram's `language_code` (an IETF tag); null leaves the desk's default. */
export function localeOf(code: string | undefined): Locale | null {
  if (!code) return null;
  const lang = code.toLowerCase().split('-')[0];
  if (lang === 'ru') return 'ru';
  if (lang === 'en') return 'en';
  return null;
}

/** The private chat an update came from, if it names one (to answer it outside the conversation). */
export function privateChatOf(update: Update): number | null {
  const u = update as Partial<Record<'message' | 'callback_query', { chat?: { id?: unknown; type?: unknown }; message?: { chat?: { id?: unknown; type?: unknown } } }>>;
  const chat = u.message?.chat ?? u.callback_query?.message?.chat;
  return chat?.type === 'private' && typeof chat.id === 'number' ? chat.id : null;
}

/** Who sent an update, if it says. */
export function fromOf(update: Update): User | undefined {
  const u = update as Partial<Record<'message' | 'callback_query', { from?: User }>>;
  return u.message?.from ?? u.callback_query?.from;
}

/** One Bot API call of a planned delivery. */
export type TelegramSend =
  | { method: 'sendMessage'; text: string; keyboard?: InlineKeyboardMarkup }
  | { method: 'sendPhoto' | 'sendDocument'; attachment: OutboundAttachment; caption?: string; keyboard?: InlineKeyboardMarkup };

/**
 * Plans a message as Bot API calls: images as photos (GIFs as documents),
 * captioned when the text fits a caption, otherwise followed by the text split
 * at Telegram's limit; choices as an inline keyboard on the last call. Texts
 * go without parse_mode, so nothing anyone typed is read as markup.
 */
export function planTelegramSends(unsigned: OutboundMessage): TelegramSend[] {
  const message = signAgentReply(unsigned);
  const keyboard = message.choices?.length ? inlineKeyboard(message.choices) : undefined;
  const text = message.text ?? '';
  const files = message.attachments ?? [];
  const captioned = files.length === 1 && text.length > 0 && text.length <= TELEGRAM_CAPTION_LIMIT;
  const sends: TelegramSend[] = files.map((attachment) => ({
    method: attachment.mimeType === 'image/gif' || !attachment.mimeType.startsWith('image/') ? 'sendDocument' : 'sendPhoto',
    attachment,
    ...(captioned ? { caption: text } : {}),
  }));
  if (!captioned && (text.length > 0 || sends.length === 0)) {
    for (const part of splitText(text)) sends.push({ method: 'sendMessage', text: part });
  }
  const final = sends.at(-1);
  if (final && keyboard) final.keyboard = keyboard;
  return sends;
}

/** Two short choices side by side (solved / not solved), otherwise one per row. */
export function inlineKeyboard(choices: readonly Choice[]): InlineKeyboardMarkup {
  const buttons = choices.map((c) => ({ text: c.label, callback_data: c.id }));
  return { inline_keyboard: choices.length <= 2 ? [buttons] : buttons.map((b) => [b]) };
}

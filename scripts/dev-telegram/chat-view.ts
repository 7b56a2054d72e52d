/**
 * The chat as the dev page shows it: Telegram messages (the customer's and
 * the bot's, from the fake Bot API) reduced to what a client renders.
 */
import type { AnyMessage } from '../../test/fakes/telegram/fake-bot-api.js';

/** A piece of formatting, in UTF-16 offsets as the Bot API gives them. */
export interface EntityView {
  type: string;
  offset: number;
  length: number;
  url?: string;
}

/** An inline button: one that sends `data` back, or one that opens `url`. */
export interface ButtonView {
  text: string;
  data?: string;
  url?: string;
}

export interface ChatItemView {
  id: number;
  from: 'bot' | 'customer';
  /** Unix seconds. */
  date: number;
  text: string | null;
  entities: EntityView[];
  /** The largest size of a photo, to fetch from `/api/files/<fileId>`. */
  photo: { fileId: string; width: number; height: number } | null;
  document: { fileId: string; name: string; mimeType: string | null; size: number | null } | null;
  /** Rows of inline buttons; empty once the bot took the keyboard off. */
  buttons: ButtonView[][];
}

export function toChatView(messages: ReadonlyArray<{ message: AnyMessage; byBot: boolean }>): ChatItemView[] {
  return messages.map(({ message, byBot }) => ({
    id: message.message_id,
    from: byBot ? 'bot' : 'customer',
    date: message.date,
    text: typeof message.text === 'string' ? message.text : typeof message.caption === 'string' ? message.caption : null,
    entities: entitiesOf(message.entities ?? message.caption_entities),
    photo: photoOf(message.photo),
    document: documentOf(message.document),
    buttons: buttonsOf(message.reply_markup),
  }));
}

function entitiesOf(raw: unknown): EntityView[] {
  if (!Array.isArray(raw)) return [];
  return raw.map((e: { type: string; offset: number; length: number; url?: string }) => ({
    type: e.type,
    offset: e.offset,
    length: e.length,
    ...(e.url ? { url: e.url } : {}),
  }));
}

function photoOf(raw: unknown): ChatItemView['photo'] {
  if (!Array.isArray(raw) || raw.length === 0) return null;
  const largest = raw.at(-1) as { file_id: string; width: number; height: number };
  return { fileId: largest.file_id, width: largest.width, height: largest.height };
}

function documentOf(raw: unknown): ChatItemView['document'] {
  if (typeof raw !== 'object' || raw === null) return null;
  const d = raw as { file_id: string; file_name?: string; mime_type?: string; file_size?: number };
  return { fileId: d.file_id, name: d.file_name ?? 'file', mimeType: d.mime_type ?? null, size: d.file_size ?? null };
}

function buttonsOf(markup: unknown): ButtonView[][] {
  const rows = (markup as { inline_keyboard?: Array<Array<{ text: string; callback_data?: string; url?: string }>> } | undefined)?.inline_keyboard;
  if (!rows) return [];
  return rows.map((row) =>
    row.map((b) => ({ text: b.text, ...(b.callback_data !== undefined ? { data: b.callback_data } : {}), ...(b.url ? { url: b.url } : {}) })),
  );
}

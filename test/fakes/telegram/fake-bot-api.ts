/**
 * A fake Telegram Bot API server for tests: the real telegraf (or any client)
 * talks HTTP to it exactly as to https://api.telegram.org, via
 * `new Telegraf(token, { telegram: { apiRoot: fake.url } })`.
 *
 * Wire format as in https://core.telegram.org/bots/api: methods at
 * `/bot<token>/<method>` (case-insensitive; GET or POST; query string, JSON,
 * urlencoded or multipart/form-data parameters), file downloads at
 * `/file/bot<token>/<file_path>`, every answer in Telegram's envelope
 * `{ ok: true, result, description? }` / `{ ok: false, error_code, description,
 * parameters? }` with the matching HTTP status. Webhooks are POSTed with the
 * `X-Telegram-Bot-Api-Secret-Token` header and redelivered until the
 * receiver answers 2xx; a method call in the webhook's answer body is executed
 * (as Telegram does, and as telegraf's `webhookReply` relies on).
 *
 * Tests drive the user's side (`userSends`, `redeliver`), inject failures
 * (`failNext`, `blockChat`, `rateLimit`), and read what the bot did
 * (`calls`, `sentMessages`, `waitForCall`, `webhookDeliveries`, `sendTimestamps`).
 */
import http from 'node:http';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AddressInfo } from 'node:net';
import type {
  BotCommand,
  Chat,
  File as TgFile,
  InlineKeyboardMarkup,
  Message,
  MessageEntity,
  PhotoSize,
  Update,
  UserFromGetMe,
  WebhookInfo,
} from 'telegraf/types';
import { attachedFiles, detectEntities, imageSize, newFileIds, photoSizeLadder, type FakeFile } from './updates.js';

// ---------------------------------------------------------------------------
// Public types

/** The error half of Telegram's envelope (what `failNext` injects). */
export interface TelegramFailure {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** Loosely typed wire data (parameters, messages): tests check it with assertions, not types. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Wire = Record<string, any>;

export type ApiResponse = { ok: true; result: unknown; description?: string } | ({ ok: false } & TelegramFailure);

/** A file uploaded in a multipart request. */
export interface UploadedFile {
  field: string;
  filename: string;
  contentType: string;
  bytes: Buffer;
}

/** One Bot API request as the fake received and answered it. */
export interface RecordedCall {
  /** Increasing number of the call, across all methods. */
  seq: number;
  /** Canonical method name (e.g. 'sendMessage' even if called as 'SENDMESSAGE'). */
  method: string;
  /**
   * Parameters as Telegram interprets them, whatever the transport: JSON-typed
   * fields (reply_markup, allowed_updates, scope, commands, entities, …) parsed,
   * integer and boolean fields converted from their form-data strings.
   */
  params: Wire;
  /** Uploaded files by form field (e.g. `files.photo.bytes`). */
  files: Record<string, UploadedFile>;
  transport: 'json' | 'multipart' | 'urlencoded' | 'query' | 'webhook-reply';
  /** Date.now() when the request arrived. */
  at: number;
  /**
   * HTTP status answered; 0 for an injected network failure; undefined while a
   * long poll is held, 499 if the client gave up on it (telegraf's stop() aborts it).
   */
  status?: number;
  response?: ApiResponse;
}

/** One attempt at POSTing an update to the webhook. */
export interface WebhookDelivery {
  update_id: number;
  /** 1 for the first attempt at this update, 2 for the first redelivery, … */
  attempt: number;
  url: string;
  at: number;
  /** HTTP status of the receiver's answer, if it answered. */
  status?: number;
  /** Network error ('Connection refused', 'Read timeout expired', …), if it did not. */
  error?: string;
  /** The secret header sent, if a secret_token was set. */
  secretToken?: string;
  ok: boolean;
}

export interface RateLimitOptions {
  /** Sends allowed per chat within `windowMs` (Telegram: about 1/s in a private chat, 20/min in a group). */
  perChat?: { max: number; windowMs: number };
  /** Sends allowed across all chats within `windowMs` (Telegram: about 30/s). */
  global?: { max: number; windowMs: number };
}

export interface FakeBotApiOptions {
  /** Defaults to '7012345678:AAH-fake-token-for-tests_0123456789ab'; the bot id is the part before ':'. */
  token?: string;
  botUsername?: string;
  botFirstName?: string;
  /** Delay before redelivering an update the webhook refused (default 50 ms; Telegram waits longer). */
  webhookRetryDelayMs?: number;
  /** How long the fake waits for the webhook to answer (default 5000 ms). */
  webhookTimeoutMs?: number;
  /**
   * Maps the URL given to setWebhook to the one actually POSTed to, e.g. to
   * turn telegraf's always-https `launch({ webhook })` URL into http.
   */
  webhookUrlRewrite?: (url: string) => string;
  /** Opt-in flood control: sends over the limit get 429 with retry_after. */
  rateLimit?: RateLimitOptions;
  /** Port to listen on (default 0: a free one), e.g. a fixed one for `npm run dev:telegram`. */
  port?: number;
}

type Params = Wire;
/** A Message of any kind whose fields can be read without narrowing. */
export type AnyMessage = Message & Wire;
type ChatId = number | string;

interface ChatState {
  chat: Chat;
  lastMessageId: number;
  messages: Map<number, { message: AnyMessage; byBot: boolean; deleted?: boolean }>;
  blocked: boolean;
  sendTimes: number[];
}

interface StoredFile extends FakeFile {
  file_path: string;
  /** For photos: the whole PhotoSize ladder this file belongs to. */
  photo?: PhotoSize[];
}

interface QueueEntry {
  update: Update;
  delivered: boolean;
  requeued: boolean;
  attempts: number;
}

interface HeldPoll {
  res: http.ServerResponse;
  call: RecordedCall;
  limit: number;
  timer: NodeJS.Timeout;
}

interface Injected {
  method: string;
  failure: TelegramFailure | 'network';
  times: number;
  chatId?: string;
}

interface Delayed {
  method: string;
  ms: number;
  times: number;
}

interface CallWaiter {
  match: (call: RecordedCall) => boolean;
  resolve: (call: RecordedCall) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

interface DeliveryWaiter {
  match: (d: WebhookDelivery) => boolean;
  resolve: (d: WebhookDelivery) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: TelegramFailure['parameters'],
  ) {
    super(description);
  }
}

/** A successful result that Telegram accompanies with a description (setWebhook, deleteWebhook). */
class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

const bad = (what: string) => new ApiError(400, `Bad Request: ${what}`);

// ---------------------------------------------------------------------------
// Parameter normalisation

const JSON_FIELDS = new Set([
  'reply_markup',
  'allowed_updates',
  'link_preview_options',
  'scope',
  'commands',
  'entities',
  'caption_entities',
  'reply_parameters',
  'media',
]);
const INT_FIELDS = new Set([
  'chat_id',
  'message_id',
  'offset',
  'limit',
  'timeout',
  'cache_time',
  'reply_to_message_id',
  'message_thread_id',
  'max_connections',
  'user_id',
  'from_chat_id',
  'width',
  'height',
  'duration',
]);
const BOOL_FIELDS = new Set([
  'disable_notification',
  'protect_content',
  'show_alert',
  'drop_pending_updates',
  'disable_web_page_preview',
  'allow_sending_without_reply',
  'has_spoiler',
  'disable_content_type_detection',
  'show_caption_above_media',
]);

function normalizeParams(raw: Params): Params {
  const out: Params = {};
  for (const [key, value] of Object.entries(raw)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'string' && JSON_FIELDS.has(key)) {
      try {
        out[key] = JSON.parse(value);
      } catch {
        throw key === 'reply_markup' ? bad("can't parse reply keyboard markup JSON object") : bad(`can't parse ${key} JSON object`);
      }
    } else if (typeof value === 'string' && INT_FIELDS.has(key) && /^-?\d+$/.test(value)) {
      out[key] = Number(value);
    } else if (typeof value === 'string' && BOOL_FIELDS.has(key) && (value === 'true' || value === 'false')) {
      out[key] = value === 'true';
    } else {
      out[key] = value;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Formatting: parse_mode HTML / MarkdownV2 / Markdown, as Telegram parses them

type Entity = MessageEntity;
interface Formatted {
  text: string;
  entities: Entity[];
}

class EntityParseError extends Error {}

function byteOffset(src: string, index: number): number {
  return Buffer.byteLength(src.slice(0, index));
}

function decodeHtmlEntity(src: string, i: number): { char: string; length: number } | null {
  const m = /^&(lt|gt|amp|quot|#(\d{1,7})|#x([0-9a-fA-F]{1,6}));/.exec(src.slice(i, i + 12));
  if (!m) return null;
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
  const code = m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? parseInt(m[3], 16) : -1;
  const char = code >= 0 ? String.fromCodePoint(Math.min(code, 0x10ffff)) : (named[m[1] ?? ''] ?? '');
  return { char, length: m[0].length };
}

function decodeHtmlText(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; ) {
    const e = s[i] === '&' ? decodeHtmlEntity(s, i) : null;
    if (e) {
      out += e.char;
      i += e.length;
    } else {
      out += s[i];
      i += 1;
    }
  }
  return out;
}

const HTML_TAGS: Record<string, string> = {
  b: 'bold',
  strong: 'bold',
  i: 'italic',
  em: 'italic',
  u: 'underline',
  ins: 'underline',
  s: 'strikethrough',
  strike: 'strikethrough',
  del: 'strikethrough',
  'tg-spoiler': 'spoiler',
  span: 'spoiler',
  a: 'text_link',
  code: 'code',
  pre: 'pre',
  blockquote: 'blockquote',
  'tg-emoji': 'custom_emoji',
};

function parseHtml(src: string): Formatted {
  let text = '';
  const entities: Entity[] = [];
  const stack: Array<{ tag: string; start: number; entity: Record<string, unknown> | null }> = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === '&') {
      const e = decodeHtmlEntity(src, i);
      text += e ? e.char : '&';
      i += e ? e.length : 1;
      continue;
    }
    if (c !== '<') {
      text += c;
      i += 1;
      continue;
    }
    const rest = src.slice(i);
    if (rest.startsWith('</')) {
      const m = /^<\/([^\s>]*)\s*>/.exec(rest);
      const open = stack.pop();
      if (!m || !open) throw new EntityParseError(`Unexpected end tag at byte offset ${byteOffset(src, i)}`);
      const name = (m[1] ?? '').toLowerCase();
      if (name !== open.tag) {
        throw new EntityParseError(
          `Unmatched end tag at byte offset ${byteOffset(src, i)}, expected "</${open.tag}>", found "</${name}>"`,
        );
      }
      if (open.entity && text.length > open.start) {
        entities.push({ ...open.entity, offset: open.start, length: text.length - open.start } as Entity);
      }
      i += m[0].length;
      continue;
    }
    const m = /^<([a-zA-Z][a-zA-Z0-9-]*)((?:\s+[a-zA-Z][a-zA-Z0-9-]*(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>"']+))?)*)\s*>/.exec(rest);
    const name = m?.[1]?.toLowerCase() ?? /^<([^\s>]*)/.exec(rest)?.[1] ?? '';
    const type = HTML_TAGS[name];
    if (!m || !type) throw new EntityParseError(`Unsupported start tag "${name}" at byte offset ${byteOffset(src, i)}`);
    const attrs: Record<string, string> = {};
    for (const a of (m[2] ?? '').matchAll(/([a-zA-Z][a-zA-Z0-9-]*)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?/g)) {
      attrs[(a[1] ?? '').toLowerCase()] = decodeHtmlText(a[2] ?? a[3] ?? a[4] ?? '');
    }
    let entity: Record<string, unknown> | null = { type };
    if (name === 'span' && attrs.class !== 'tg-spoiler') {
      throw new EntityParseError(`Unsupported start tag "span" at byte offset ${byteOffset(src, i)}`);
    }
    if (name === 'a') entity = attrs.href ? { type: 'text_link', url: attrs.href } : null;
    if (name === 'tg-emoji') entity = { type: 'custom_emoji', custom_emoji_id: attrs['emoji-id'] ?? '' };
    if (name === 'code') {
      const pre = stack[stack.length - 1];
      if (pre?.tag === 'pre' && pre.entity && attrs.class?.startsWith('language-')) {
        pre.entity.language = attrs.class.slice('language-'.length);
        entity = null;
      }
    }
    stack.push({ tag: name, start: text.length, entity });
    i += m[0].length;
  }
  const open = stack.pop();
  if (open) throw new EntityParseError(`Can't find end tag corresponding to start tag "${open.tag}"`);
  return { text, entities };
}

const MDV2_RESERVED = new Set('_*[]()~`>#+-=|{}.!'.split(''));
const MDV2_NAMES: Record<string, string> = {
  bold: 'Bold',
  italic: 'Italic',
  underline: 'Underline',
  strikethrough: 'Strikethrough',
  spoiler: 'Spoiler',
  text_link: 'TextUrl',
  custom_emoji: 'CustomEmoji',
  code: 'Code',
  pre: 'Pre',
};

function parseMarkdownV2(src: string): Formatted {
  let text = '';
  const entities: Entity[] = [];
  const stack: Array<{ type: string; start: number; byte: number }> = [];
  const reserved = (c: string) => new EntityParseError(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
  const toggle = (type: string, at: number) => {
    const idx = stack.map((s) => s.type).lastIndexOf(type);
    if (idx < 0) {
      stack.push({ type, start: text.length, byte: byteOffset(src, at) });
      return;
    }
    const [open] = stack.splice(idx, 1);
    if (open && text.length > open.start) entities.push({ type, offset: open.start, length: text.length - open.start } as Entity);
  };
  let quote: { start: number } | null = null;
  let i = 0;
  while (i < src.length) {
    const c = src[i] ?? '';
    const atLineStart = i === 0 || src[i - 1] === '\n';
    if (c === '\\') {
      const next = src[i + 1];
      if (next === undefined) throw reserved('\\');
      text += next;
      i += 2;
      continue;
    }
    if (c === '\n' && quote && src[i + 1] !== '>') {
      if (text.length > quote.start) entities.push({ type: 'blockquote', offset: quote.start, length: text.length - quote.start });
      quote = null;
    }
    if (c === '>' && atLineStart) {
      quote ??= { start: text.length };
      i += 1;
      continue;
    }
    if (c === '`') {
      const isPre = src.startsWith('```', i);
      const startByte = byteOffset(src, i);
      let j = i + (isPre ? 3 : 1);
      let language: string | undefined;
      if (isPre) {
        const lang = /^([^\s`]*)\n/.exec(src.slice(j));
        if (lang) {
          if (lang[1]) language = lang[1];
          j += lang[0].length;
        }
      }
      const start = text.length;
      let closed = false;
      while (j < src.length) {
        if (src[j] === '\\' && j + 1 < src.length) {
          text += src[j + 1];
          j += 2;
          continue;
        }
        if (isPre ? src.startsWith('```', j) : src[j] === '`') {
          j += isPre ? 3 : 1;
          closed = true;
          break;
        }
        text += src[j];
        j += 1;
      }
      if (!closed) throw new EntityParseError(`Can't find end of ${isPre ? 'Pre' : 'Code'} entity at byte offset ${startByte}`);
      if (text.length > start) {
        entities.push(
          isPre
            ? ({ type: 'pre', offset: start, length: text.length - start, ...(language ? { language } : {}) } as Entity)
            : { type: 'code', offset: start, length: text.length - start },
        );
      }
      i = j;
      continue;
    }
    if (c === '*') {
      toggle('bold', i);
      i += 1;
      continue;
    }
    if (c === '_') {
      if (src[i + 1] === '_') {
        toggle('underline', i);
        i += 2;
      } else {
        toggle('italic', i);
        i += 1;
      }
      continue;
    }
    if (c === '~') {
      toggle('strikethrough', i);
      i += 1;
      continue;
    }
    if (c === '|') {
      if (src[i + 1] !== '|') throw reserved('|');
      toggle('spoiler', i);
      i += 2;
      continue;
    }
    if (c === '[' || (c === '!' && src[i + 1] === '[')) {
      const type = c === '!' ? 'custom_emoji' : 'text_link';
      stack.push({ type, start: text.length, byte: byteOffset(src, i) });
      i += c === '!' ? 2 : 1;
      continue;
    }
    if (c === ']') {
      const open = stack[stack.length - 1];
      if (!open || (open.type !== 'text_link' && open.type !== 'custom_emoji') || src[i + 1] !== '(') throw reserved(']');
      let j = i + 2;
      let url = '';
      while (j < src.length && src[j] !== ')') {
        if (src[j] === '\\' && j + 1 < src.length) j += 1;
        url += src[j];
        j += 1;
      }
      if (j >= src.length) throw new EntityParseError(`Can't find end of a URL at byte offset ${byteOffset(src, i + 2)}`);
      stack.pop();
      if (text.length > open.start) {
        entities.push(
          open.type === 'custom_emoji'
            ? { type: 'custom_emoji', offset: open.start, length: text.length - open.start, custom_emoji_id: url.replace(/^tg:\/\/emoji\?id=/, '') }
            : { type: 'text_link', offset: open.start, length: text.length - open.start, url },
        );
      }
      i = j + 1;
      continue;
    }
    if (MDV2_RESERVED.has(c)) throw reserved(c);
    text += c;
    i += 1;
  }
  if (quote && text.length > quote.start) entities.push({ type: 'blockquote', offset: quote.start, length: text.length - quote.start });
  const open = stack[0];
  if (open) throw new EntityParseError(`Can't find end of ${MDV2_NAMES[open.type] ?? open.type} entity at byte offset ${open.byte}`);
  return { text, entities };
}

function parseMarkdownLegacy(src: string): Formatted {
  let text = '';
  const entities: Entity[] = [];
  let i = 0;
  const unclosed = (at: number) => new EntityParseError(`Can't find end of the entity starting at byte offset ${byteOffset(src, at)}`);
  while (i < src.length) {
    const c = src[i] ?? '';
    if (c === '\\' && '_*`['.includes(src[i + 1] ?? 'x')) {
      text += src[i + 1];
      i += 2;
      continue;
    }
    const marker = src.startsWith('```', i) ? '```' : c === '*' || c === '_' || c === '`' ? c : null;
    if (marker) {
      const end = src.indexOf(marker, i + marker.length);
      if (end < 0) throw unclosed(i);
      let inner = src.slice(i + marker.length, end);
      let language: string | undefined;
      if (marker === '```') {
        const lang = /^([^\s`]*)\n/.exec(inner);
        if (lang) {
          if (lang[1]) language = lang[1];
          inner = inner.slice(lang[0].length);
        }
      }
      const type = marker === '*' ? 'bold' : marker === '_' ? 'italic' : marker === '`' ? 'code' : 'pre';
      if (inner.length > 0) {
        entities.push({ type, offset: text.length, length: inner.length, ...(language ? { language } : {}) } as Entity);
      }
      text += inner;
      i = end + marker.length;
      continue;
    }
    if (c === '[') {
      const m = /^\[([^\]]*)\]\(([^)]*)\)/.exec(src.slice(i));
      if (m) {
        const label = m[1] ?? '';
        if (label.length > 0) entities.push({ type: 'text_link', offset: text.length, length: label.length, url: m[2] ?? '' });
        text += label;
        i += m[0].length;
        continue;
      }
      throw unclosed(i);
    }
    text += c;
    i += 1;
  }
  return { text, entities };
}

/** Telegram drops leading and trailing whitespace of a text or caption. */
function trimFormatted(f: Formatted): Formatted {
  const lead = f.text.length - f.text.trimStart().length;
  const text = f.text.trim();
  const entities: Entity[] = [];
  for (const e of f.entities) {
    const start = Math.max(0, e.offset - lead);
    const end = Math.min(text.length, e.offset + e.length - lead);
    if (end > start) entities.push({ ...e, offset: start, length: end - start });
  }
  return { text, entities };
}

function formatText(raw: unknown, parseMode: unknown, explicit: unknown): Formatted {
  const src = typeof raw === 'string' ? raw : raw === undefined ? '' : String(raw);
  let f: Formatted;
  const mode = typeof parseMode === 'string' ? parseMode.toLowerCase() : parseMode;
  try {
    if (mode === undefined || mode === '') f = { text: src, entities: Array.isArray(explicit) ? (explicit as Entity[]) : [] };
    else if (mode === 'html') f = parseHtml(src);
    else if (mode === 'markdownv2') f = parseMarkdownV2(src);
    else if (mode === 'markdown') f = parseMarkdownLegacy(src);
    else throw bad('unsupported parse_mode');
  } catch (err) {
    if (err instanceof EntityParseError) throw bad(`can't parse entities: ${err.message}`);
    throw err;
  }
  f = trimFormatted(f);
  const entities = [...f.entities, ...detectEntities(f.text, f.entities)].sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: f.text, entities };
}

// ---------------------------------------------------------------------------
// Reply markup validation

function isLocalHost(host: string) {
  return !host.includes('.') && !host.includes(':');
}

function validateReplyMarkup(rm: unknown): void {
  if (rm === undefined) return;
  if (typeof rm !== 'object' || rm === null || Array.isArray(rm)) throw bad('object expected as reply markup');
  const markup = rm as Record<string, unknown>;
  if ('inline_keyboard' in markup) {
    const rows = markup.inline_keyboard;
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
      throw bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays');
    }
    for (const button of rows.flat() as unknown[]) {
      if (typeof button !== 'object' || button === null) throw bad("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
      const b = button as Record<string, unknown>;
      if (typeof b.text !== 'string') throw bad(`can't parse inline keyboard button: Field "text" must be of type String`);
      const actions = [
        'callback_data',
        'url',
        'web_app',
        'login_url',
        'switch_inline_query',
        'switch_inline_query_current_chat',
        'switch_inline_query_chosen_chat',
        'callback_game',
        'pay',
      ].filter((k) => b[k] !== undefined);
      if (actions.length === 0) throw bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
      if (b.callback_data !== undefined) {
        const bytes = typeof b.callback_data === 'string' ? Buffer.byteLength(b.callback_data) : 0;
        if (bytes < 1 || bytes > 64) throw bad('BUTTON_DATA_INVALID');
      }
      if (b.url !== undefined) {
        let ok = false;
        try {
          const u = new URL(String(b.url));
          ok = u.protocol === 'tg:' || ((u.protocol === 'http:' || u.protocol === 'https:') && !isLocalHost(u.hostname));
        } catch {
          ok = false;
        }
        if (!ok) throw bad(`inline keyboard button URL '${String(b.url)}' is invalid: Wrong HTTP URL`);
      }
    }
    return;
  }
  if ('keyboard' in markup) {
    const rows = markup.keyboard;
    if (!Array.isArray(rows) || !rows.every(Array.isArray)) {
      throw bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays');
    }
    for (const button of rows.flat() as unknown[]) {
      const ok = typeof button === 'string' || (typeof button === 'object' && button !== null && typeof (button as { text?: unknown }).text === 'string');
      if (!ok) throw bad("can't parse keyboard button: KeyboardButton must be a String or an Object");
    }
    return;
  }
  if ('remove_keyboard' in markup) {
    if (markup.remove_keyboard !== true) throw bad('field "remove_keyboard" of the ReplyKeyboardRemove must be true');
    return;
  }
  if ('force_reply' in markup) {
    if (markup.force_reply !== true) throw bad('field "force_reply" of the ForceReply must be true');
    return;
  }
  throw bad('object expected as reply markup');
}

const INLINE_BUTTON_FIELDS = [
  'text',
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'callback_game',
  'pay',
];

/**
 * The inline keyboard a message carries: Telegram echoes only inline keyboards
 * in Message.reply_markup (not reply keyboards / remove_keyboard / force_reply),
 * drops empty rows and unknown button fields (such as telegraf's `hide`), and
 * shows login_url buttons as url buttons.
 */
function inlineMarkup(rm: unknown): InlineKeyboardMarkup | undefined {
  if (typeof rm !== 'object' || rm === null || !('inline_keyboard' in rm)) return undefined;
  const rows = (rm as { inline_keyboard: Array<Array<Record<string, unknown>>> }).inline_keyboard
    .filter((row) => row.length > 0)
    .map((row) =>
      row.map((button) => {
        const clean: Record<string, unknown> = {};
        for (const key of INLINE_BUTTON_FIELDS) if (button[key] !== undefined) clean[key] = button[key];
        if (clean.login_url !== undefined) {
          clean.url = (clean.login_url as { url?: string }).url;
          delete clean.login_url;
        }
        return clean;
      }),
    );
  return rows.length > 0 ? ({ inline_keyboard: rows } as unknown as InlineKeyboardMarkup) : undefined;
}

// ---------------------------------------------------------------------------
// Misc

const UPDATE_TYPES_OFF_BY_DEFAULT = ['chat_member', 'message_reaction', 'message_reaction_count'];
const CHAT_ACTIONS = new Set([
  'typing',
  'upload_photo',
  'record_video',
  'upload_video',
  'record_voice',
  'upload_voice',
  'upload_document',
  'choose_sticker',
  'find_location',
  'record_video_note',
  'upload_video_note',
]);
const COMMAND_SCOPES = new Set([
  'default',
  'all_private_chats',
  'all_group_chats',
  'all_chat_administrators',
  'chat',
  'chat_administrators',
  'chat_member',
]);
const MIME_BY_EXT: Record<string, string> = {
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  pdf: 'application/pdf',
  txt: 'text/plain',
  log: 'text/plain',
  csv: 'text/csv',
  json: 'application/json',
  zip: 'application/zip',
  mp4: 'video/mp4',
  ogg: 'audio/ogg',
  mp3: 'audio/mpeg',
  doc: 'application/msword',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};
const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

function updateType(update: Update): string {
  return Object.keys(update).find((k) => k !== 'update_id') ?? 'unknown';
}

function extOf(name: string | undefined): string {
  const m = /\.([A-Za-z0-9]{1,8})$/.exec(name ?? '');
  return m?.[1]?.toLowerCase() ?? '';
}

function unixNow() {
  return Math.floor(Date.now() / 1000);
}

function sameJson(a: unknown, b: unknown) {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function networkErrorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ECONNREFUSED') return 'Connection refused';
  if (e?.code === 'ECONNRESET') return 'Connection reset by peer';
  if (e?.code === 'ENOTFOUND') return 'Failed to resolve host: Name or service not known';
  return e?.message || 'Network error';
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Parses a request or webhook-answer body the way the Bot API accepts parameters. */
async function parseBody(
  contentType: string,
  body: Buffer,
): Promise<{ params: Params; files: Record<string, UploadedFile>; transport: RecordedCall['transport'] | null }> {
  const files: Record<string, UploadedFile> = {};
  if (body.length === 0) return { params: {}, files, transport: null };
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (type === 'application/json') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw bad("can't parse JSON object");
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw bad('JSON object expected');
    return { params: parsed as Params, files, transport: 'json' };
  }
  if (type === 'application/x-www-form-urlencoded') {
    return { params: Object.fromEntries(new URLSearchParams(body.toString('utf8'))), files, transport: 'urlencoded' };
  }
  if (type === 'multipart/form-data') {
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(body), { headers: { 'content-type': contentType } }).formData();
    } catch {
      throw bad("can't parse multipart/form-data request");
    }
    const params: Params = {};
    const entries: Array<[string, FormDataEntryValue]> = [];
    form.forEach((value, field) => entries.push([field, value]));
    for (const [field, value] of entries) {
      if (typeof value === 'string') {
        params[field] = value;
      } else {
        files[field] = {
          field,
          filename: value.name,
          contentType: value.type || 'application/octet-stream',
          bytes: Buffer.from(await value.arrayBuffer()),
        };
      }
    }
    return { params, files, transport: 'multipart' };
  }
  return { params: {}, files, transport: null };
}

// ---------------------------------------------------------------------------
// The fake

export class FakeBotApi {
  readonly token: string;
  readonly botUser: UserFromGetMe;
  /** Every Bot API request received, in order (including refused ones). */
  readonly calls: RecordedCall[] = [];
  /** Every attempt at POSTing an update to the webhook. */
  readonly webhookDeliveries: WebhookDelivery[] = [];
  /** Answers to callback queries, in order. */
  readonly callbackAnswers: Array<{ callback_query_id: string; text?: string; show_alert?: boolean; url?: string; at: number }> = [];
  /** File downloads through `/file/bot<token>/…`. */
  readonly downloads: Array<{ file_path: string; status: number; at: number }> = [];
  /** Requests to paths or methods the fake does not know (answered 404). */
  readonly unknownMethods: string[] = [];
  /** Updates discarded because their type was not in allowed_updates. */
  readonly droppedUpdates: Update[] = [];
  /** Every successful send (send* except sendChatAction), for pacing checks. */
  readonly sendLog: Array<{ chat_id: number; method: string; at: number }> = [];

  private readonly options: FakeBotApiOptions;
  private server: http.Server | null = null;
  private baseUrl: string | null = null;
  private seq = 0;
  private lastUpdateId = 700_000_000;
  private readonly chats = new Map<number, ChatState>();
  private readonly files = new Map<string, StoredFile>();
  private readonly filesByPath = new Map<string, StoredFile>();
  private readonly remoteUrls = new Map<string, { bytes: Buffer; mime_type?: string; file_name?: string }>();
  private fileCounter = 0;
  private readonly callbackQueries = new Map<string, { answered: boolean }>();
  private readonly commandSets = new Map<string, BotCommand[]>();
  private queue: QueueEntry[] = [];
  private allowedUpdates: string[] | null = null;
  private heldPoll: HeldPoll | null = null;
  private webhook: {
    url: string;
    secretToken?: string;
    maxConnections: number;
    allowedUpdates: string[] | null;
    abort: AbortController;
    lastErrorDate?: number;
    lastErrorMessage?: string;
  } | null = null;
  private webhookLoop: Promise<void> | null = null;
  private readonly injected: Injected[] = [];
  private readonly delayed: Delayed[] = [];
  /** Aborted by stop(): ends the waits of delayed calls. */
  private readonly stopping = new AbortController();
  private readonly callWaiters = new Set<CallWaiter>();
  private readonly deliveryWaiters = new Set<DeliveryWaiter>();
  private readonly callListeners = new Set<(call: RecordedCall) => void>();
  private stopped = false;

  constructor(options: FakeBotApiOptions = {}) {
    this.options = options;
    this.token = options.token ?? '7012345678:AAH-fake-token-for-tests_0123456789ab';
    const id = Number(/^(\d+):/.exec(this.token)?.[1] ?? 7012345678);
    this.botUser = {
      id,
      is_bot: true,
      first_name: options.botFirstName ?? 'RelayDesk Support',
      username: options.botUsername ?? 'relaydesk_test_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
    };
  }

  // ----- lifecycle ---------------------------------------------------------

  /** Starts listening on 127.0.0.1 (a free port unless `port` is given); returns the base URL (telegraf's `apiRoot`). */
  async start(): Promise<string> {
    if (this.server) return this.url;
    const server = http.createServer((req, res) => {
      this.onRequest(req, res).catch((err: unknown) => {
        if (!res.headersSent) this.writeJson(res, 500, { ok: false, error_code: 500, description: `Internal Server Error: ${String(err)}` });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  /** The base URL; throws before start(). */
  get url(): string {
    if (!this.baseUrl) throw new Error('FakeBotApi not started');
    return this.baseUrl;
  }

  /**
   * Stops webhook delivery, answers a held long poll with no updates, fails
   * pending waits and closes every connection. Stop the bot (`bot.stop()`)
   * first: telegraf's polling loop retries a refused connection every 5 s.
   */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping.abort();
    this.webhook?.abort.abort();
    await this.webhookLoop;
    this.answerHeldPoll(200, { ok: true, result: [] });
    for (const w of this.callWaiters) {
      clearTimeout(w.timer);
      w.reject(new Error('FakeBotApi stopped'));
    }
    this.callWaiters.clear();
    for (const w of this.deliveryWaiters) {
      clearTimeout(w.timer);
      w.reject(new Error('FakeBotApi stopped'));
    }
    this.deliveryWaiters.clear();
    this.callListeners.clear();
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    this.server = null;
  }

  // ----- the user's side ---------------------------------------------------

  /**
   * Queues an update from a user (see the builders in updates.ts) with the next
   * update_id; a new message also gets the next message_id of its chat. The
   * chats, users, files and callback query in it become known to the fake.
   * Returns the update as queued.
   */
  userSends<U extends Update>(update: U): U {
    const queued = structuredClone(update);
    queued.update_id = ++this.lastUpdateId;
    const q = queued as Update & Wire;
    const message: AnyMessage | undefined = q.message ?? q.channel_post;
    if (message) {
      const state = this.chatState(message.chat);
      if (message.message_id <= state.lastMessageId || state.messages.has(message.message_id)) {
        message.message_id = state.lastMessageId + 1;
      }
      state.lastMessageId = message.message_id;
      state.messages.set(message.message_id, { message, byBot: false });
      if (Array.isArray(message.photo)) {
        for (const size of message.photo as PhotoSize[]) this.photoGroups.set(size.file_id, message.photo as PhotoSize[]);
      }
    }
    const edited: AnyMessage | undefined = q.edited_message ?? q.edited_channel_post;
    if (edited) {
      const state = this.chatState(edited.chat);
      state.messages.set(edited.message_id, { message: edited, byBot: false });
      state.lastMessageId = Math.max(state.lastMessageId, edited.message_id);
    }
    if (q.callback_query) {
      this.callbackQueries.set(q.callback_query.id, { answered: false });
      const m = q.callback_query.message as AnyMessage | undefined;
      if (m?.chat) this.chatState(m.chat);
    }
    for (const f of attachedFiles(update)) this.registerFile(f);
    this.queue.push({ update: queued, delivered: false, requeued: false, attempts: 0 });
    this.kick();
    return queued as U;
  }

  /**
   * Queues an update again with its update_id unchanged (a duplicate, as
   * Telegram sends when it did not get an answer in time). A callback query
   * in it can be answered again.
   */
  redeliver(update: Update): void {
    if (!update.update_id) throw new Error('redeliver() needs an update returned by userSends()');
    const copy = structuredClone(update) as Update & Wire;
    if (copy.callback_query) this.callbackQueries.set(copy.callback_query.id, { answered: false });
    this.queue.push({ update: copy, delivered: false, requeued: true, attempts: 0 });
    this.kick();
  }

  /** Makes a chat known (the bot can message it) without an update from it. */
  addChat(chat: Chat): void {
    this.chatState(chat);
  }

  /** Registers bytes as a Telegram file (as if uploaded earlier); returns its file_id. */
  addFile(bytes: Buffer, opts: { kind?: 'photo' | 'document'; mime_type?: string; file_name?: string } = {}): string {
    const kind = opts.kind ?? 'document';
    const f: FakeFile = { ...newFileIds(kind), bytes, kind };
    if (opts.mime_type !== undefined) f.mime_type = opts.mime_type;
    if (opts.file_name !== undefined) f.file_name = opts.file_name;
    return this.registerFile(f).file_id;
  }

  /** What a URL passed to sendPhoto / sendDocument serves (the fake does not fetch URLs). */
  serveUrl(url: string, bytes: Buffer, opts: { mime_type?: string; file_name?: string } = {}): void {
    this.remoteUrls.set(url, { bytes, ...opts });
  }

  // ----- failure injection -------------------------------------------------

  /**
   * The next call(s) of `method` fail with this Telegram error (HTTP status =
   * error_code), or with a dropped connection for 'network'. `chatId` limits
   * it to calls for that chat.
   */
  failNext(method: string, failure: TelegramFailure | 'network', opts: { times?: number; chatId?: ChatId } = {}): void {
    const entry: Injected = { method: method.toLowerCase(), failure, times: opts.times ?? 1 };
    if (opts.chatId !== undefined) entry.chatId = String(opts.chatId);
    this.injected.push(entry);
  }

  /**
   * The next call(s) of `method` are answered only after `ms` (a slow or hanging
   * Telegram, e.g. a getFile that takes 10 s); the call is recorded on arrival.
   * stop() ends the wait without an answer.
   */
  delayNext(method: string, ms: number, opts: { times?: number } = {}): void {
    this.delayed.push({ method: method.toLowerCase(), ms, times: opts.times ?? 1 });
  }

  /** The user blocked the bot (private chat) or removed it (group): every method for the chat answers 403. */
  blockChat(chatId: number): void {
    this.requireChat(chatId).blocked = true;
  }

  unblockChat(chatId: number): void {
    this.requireChat(chatId).blocked = false;
  }

  // ----- reading what the bot did ------------------------------------------

  /** Calls of one method (case-insensitive), in order. */
  callsTo(method: string): RecordedCall[] {
    const m = method.toLowerCase();
    return this.calls.filter((c) => c.method.toLowerCase() === m);
  }

  /** The messages the bot sent to a chat and did not delete, in their current (edited) state. */
  sentMessages(chatId: number): AnyMessage[] {
    const state = this.chats.get(chatId);
    if (!state) return [];
    return [...state.messages.values()]
      .filter((m) => m.byBot && !m.deleted)
      .map((m) => m.message)
      .sort((a, b) => a.message_id - b.message_id);
  }

  /**
   * Every message of a chat not deleted, both the user's and the bot's, in
   * order and in their current (edited) state: the chat as a client shows it.
   */
  chatMessages(chatId: number): Array<{ message: AnyMessage; byBot: boolean }> {
    const state = this.chats.get(chatId);
    if (!state) return [];
    return [...state.messages.values()]
      .filter((m) => !m.deleted)
      .sort((a, b) => a.message.message_id - b.message.message_id)
      .map((m) => ({ message: structuredClone(m.message), byBot: m.byBot }));
  }

  /** The bytes of a file known to the fake (sent by the user or uploaded by the bot), by file_id. */
  fileBytes(fileId: string): { bytes: Buffer; mime_type?: string; file_name?: string } | undefined {
    const file = this.files.get(fileId);
    if (!file) return undefined;
    const out: { bytes: Buffer; mime_type?: string; file_name?: string } = { bytes: file.bytes };
    if (file.mime_type !== undefined) out.mime_type = file.mime_type;
    if (file.file_name !== undefined) out.file_name = file.file_name;
    return out;
  }

  /**
   * Calls `listener` with every call once it is answered (a long poll: once
   * held). Returns the function that removes it. A listener must not throw.
   */
  onCall(listener: (call: RecordedCall) => void): () => void {
    this.callListeners.add(listener);
    return () => this.callListeners.delete(listener);
  }

  /** Timestamps (Date.now()) of successful sends to a chat, for pacing checks. */
  sendTimestamps(chatId: number): number[] {
    return [...(this.chats.get(chatId)?.sendTimes ?? [])];
  }

  /** The commands set for a scope and language (default scope, no language unless given). */
  commands(opts: { scope?: Record<string, unknown>; language_code?: string } = {}): BotCommand[] {
    return this.commandSets.get(this.commandKey(opts.scope, opts.language_code)) ?? [];
  }

  /** Updates not yet confirmed by the bot (getUpdates offset) or accepted by the webhook. */
  pendingUpdates(): Update[] {
    return this.queue.map((e) => e.update);
  }

  /** The current webhook URL, or '' in long-polling mode. */
  get webhookUrl(): string {
    return this.webhook?.url ?? '';
  }

  /**
   * Resolves with the first call of `method` (already recorded or future)
   * matching `predicate`; rejects after `timeoutMs`.
   */
  waitForCall(method: string, predicate: (call: RecordedCall) => boolean = () => true, timeoutMs = 5000): Promise<RecordedCall> {
    const m = method.toLowerCase();
    const match = (c: RecordedCall) => c.method.toLowerCase() === m && predicate(c);
    const done = this.calls.find(match);
    if (done) return Promise.resolve(done);
    return this.addCallWaiter(match, timeoutMs, `no ${method} call`);
  }

  /** Like waitForCall, but only for calls arriving after this one is made. */
  nextCall(method: string, predicate: (call: RecordedCall) => boolean = () => true, timeoutMs = 5000): Promise<RecordedCall> {
    const m = method.toLowerCase();
    const after = this.seq;
    return this.addCallWaiter((c) => c.seq > after && c.method.toLowerCase() === m && predicate(c), timeoutMs, `no new ${method} call`);
  }

  /** Resolves with the first webhook delivery attempt (past or future) matching `predicate`. */
  waitForDelivery(predicate: (d: WebhookDelivery) => boolean = () => true, timeoutMs = 5000): Promise<WebhookDelivery> {
    const done = this.webhookDeliveries.find(predicate);
    if (done) return Promise.resolve(done);
    return new Promise((resolve, reject) => {
      const waiter: DeliveryWaiter = {
        match: predicate,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.deliveryWaiters.delete(waiter);
          reject(new Error(`no matching webhook delivery within ${timeoutMs} ms; attempts: ${JSON.stringify(this.webhookDeliveries)}`));
        }, timeoutMs),
      };
      this.deliveryWaiters.add(waiter);
    });
  }

  private addCallWaiter(match: (c: RecordedCall) => boolean, timeoutMs: number, what: string): Promise<RecordedCall> {
    return new Promise((resolve, reject) => {
      const waiter: CallWaiter = {
        match,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.callWaiters.delete(waiter);
          const seen = this.calls.map((c) => `${c.method}→${c.status ?? 'held'}`).join(', ');
          reject(new Error(`${what} within ${timeoutMs} ms; calls so far: ${seen || 'none'}`));
        }, timeoutMs),
      };
      this.callWaiters.add(waiter);
    });
  }

  private notifyCall(call: RecordedCall) {
    for (const listener of this.callListeners) listener(call);
    for (const w of this.callWaiters) {
      if (w.match(call)) {
        clearTimeout(w.timer);
        this.callWaiters.delete(w);
        w.resolve(call);
      }
    }
  }

  private notifyDelivery(d: WebhookDelivery) {
    for (const w of this.deliveryWaiters) {
      if (w.match(d)) {
        clearTimeout(w.timer);
        this.deliveryWaiters.delete(w);
        w.resolve(d);
      }
    }
  }

  // ----- HTTP --------------------------------------------------------------

  private writeJson(res: http.ServerResponse, status: number, body: unknown) {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  }

  private async onRequest(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(`http://127.0.0.1${req.url ?? '/'}`);
    // Like api.telegram.org's front end, repeated slashes are merged (an apiRoot ending in '/' gives '//bot…').
    const pathname = url.pathname.replace(/\/{2,}/g, '/');
    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(pathname);
    if (fileMatch) {
      await readBody(req);
      this.serveDownload(res, fileMatch[1] ?? '', decodeURIComponent(fileMatch[2] ?? ''));
      return;
    }
    const apiMatch = /^\/bot([^/]+)\/([^/]+)\/?$/.exec(pathname);
    const body = await readBody(req);
    if (!apiMatch) {
      this.unknownMethods.push(pathname);
      this.writeJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    const methodName = apiMatch[2] ?? '';
    const call: RecordedCall = {
      seq: ++this.seq,
      method: this.canonicalName(methodName) ?? methodName,
      params: {},
      files: {},
      transport: 'query',
      at: Date.now(),
    };
    this.calls.push(call);
    const finish = (status: number, response: ApiResponse) => {
      call.status = status;
      call.response = response;
      this.writeJson(res, status, response);
      this.notifyCall(call);
    };
    try {
      if (decodeURIComponent(apiMatch[1] ?? '') !== this.token) throw new ApiError(401, 'Unauthorized');
      const parsed = await parseBody(req.headers['content-type'] ?? '', body);
      const raw: Params = { ...Object.fromEntries(url.searchParams), ...parsed.params };
      if (parsed.transport === 'multipart' && typeof raw.method === 'string') delete raw.method;
      call.transport = parsed.transport ?? 'query';
      call.files = parsed.files;
      call.params = normalizeParams(raw);
      if (!this.canonicalName(methodName)) {
        this.unknownMethods.push(methodName);
        throw new ApiError(404, 'Not Found');
      }
      const delay = this.takeDelay(call);
      if (delay > 0) {
        await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        if (this.stopped) return;
      }
      const injected = this.takeInjected(call);
      if (injected === 'network') {
        call.status = 0;
        this.notifyCall(call);
        res.socket?.destroy();
        return;
      }
      if (injected) throw new ApiError(injected.error_code, injected.description, injected.parameters);
      if (call.method === 'getUpdates') {
        this.getUpdates(call, res);
        return;
      }
      const out = this.dispatch(call);
      finish(200, out instanceof Described ? { ok: true, result: out.result, description: out.description } : { ok: true, result: out });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const response: ApiResponse = { ok: false, error_code: err.code, description: err.description };
      if (err.parameters) response.parameters = err.parameters;
      finish(err.code, response);
    }
  }

  private serveDownload(res: http.ServerResponse, token: string, filePath: string) {
    const record = (status: number) => this.downloads.push({ file_path: filePath, status, at: Date.now() });
    if (decodeURIComponent(token) !== this.token) {
      record(401);
      this.writeJson(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' });
      return;
    }
    const file = this.filesByPath.get(filePath);
    if (!file) {
      record(404);
      this.writeJson(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    record(200);
    const type = MIME_BY_EXT[extOf(filePath)] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'content-length': file.bytes.length });
    res.end(file.bytes);
  }

  private takeDelay(call: RecordedCall): number {
    const idx = this.delayed.findIndex((d) => d.method === call.method.toLowerCase());
    const hit = this.delayed[idx];
    if (!hit) return 0;
    hit.times -= 1;
    if (hit.times <= 0) this.delayed.splice(idx, 1);
    return hit.ms;
  }

  private takeInjected(call: RecordedCall): TelegramFailure | 'network' | null {
    const chatId = call.params.chat_id === undefined ? undefined : String(call.params.chat_id);
    const idx = this.injected.findIndex(
      (f) => f.method === call.method.toLowerCase() && (f.chatId === undefined || f.chatId === chatId),
    );
    const hit = this.injected[idx];
    if (!hit) return null;
    hit.times -= 1;
    if (hit.times <= 0) this.injected.splice(idx, 1);
    return hit.failure;
  }

  // ----- method dispatch ---------------------------------------------------

  private readonly handlers: Record<string, (call: RecordedCall) => unknown> = {
    getMe: () => this.botUser,
    setWebhook: (c) => this.setWebhook(c.params),
    deleteWebhook: (c) => this.deleteWebhook(c.params),
    getWebhookInfo: () => this.webhookInfo(),
    sendMessage: (c) => this.sendMessage(c),
    sendPhoto: (c) => this.sendPhoto(c),
    sendDocument: (c) => this.sendDocument(c),
    sendChatAction: (c) => this.sendChatAction(c.params),
    answerCallbackQuery: (c) => this.answerCallbackQuery(c.params),
    editMessageText: (c) => this.editMessageText(c.params),
    editMessageReplyMarkup: (c) => this.editMessageReplyMarkup(c.params),
    deleteMessage: (c) => this.deleteMessage(c.params),
    getFile: (c) => this.getFile(c.params),
    getChat: (c) => this.getChat(c.params),
    setMyCommands: (c) => this.setMyCommands(c.params),
    getMyCommands: (c) => this.getMyCommands(c.params),
    deleteMyCommands: (c) => this.deleteMyCommands(c.params),
  };

  private readonly lowerNames = new Map(
    [...Object.keys(this.handlers), 'getUpdates'].map((name) => [name.toLowerCase(), name] as const),
  );

  private canonicalName(name: string): string | undefined {
    return this.lowerNames.get(name.toLowerCase());
  }

  private dispatch(call: RecordedCall): unknown {
    const handler = this.handlers[call.method];
    if (!handler) throw new ApiError(404, 'Not Found');
    return handler(call);
  }

  /** Runs a method call found in a webhook's answer body (result discarded, as on Telegram). */
  private executeWebhookReply(params: Params, files: Record<string, UploadedFile>) {
    const name = this.canonicalName(String(params.method));
    const { method: _m, ...rest } = params;
    const call: RecordedCall = {
      seq: ++this.seq,
      method: name ?? String(params.method),
      params: {},
      files,
      transport: 'webhook-reply',
      at: Date.now(),
    };
    this.calls.push(call);
    try {
      call.params = normalizeParams(rest);
      if (!name || name === 'getUpdates') throw new ApiError(404, 'Not Found');
      const injected = this.takeInjected(call);
      if (injected === 'network') throw new ApiError(500, 'Internal Server Error');
      if (injected) throw new ApiError(injected.error_code, injected.description, injected.parameters);
      const out = this.dispatch(call);
      call.status = 200;
      call.response = out instanceof Described ? { ok: true, result: out.result, description: out.description } : { ok: true, result: out };
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      call.status = err.code;
      call.response = { ok: false, error_code: err.code, description: err.description };
    }
    this.notifyCall(call);
  }

  // ----- chats -------------------------------------------------------------

  private chatState(chat: Chat): ChatState {
    let state = this.chats.get(chat.id);
    if (!state) {
      state = { chat, lastMessageId: 0, messages: new Map(), blocked: false, sendTimes: [] };
      this.chats.set(chat.id, state);
    } else {
      state.chat = chat;
    }
    return state;
  }

  private requireChat(chatId: number): ChatState {
    const state = this.chats.get(chatId);
    if (!state) throw new Error(`chat ${chatId} is not known to the fake; send an update from it or addChat() first`);
    return state;
  }

  /** The chat a method targets; 400 if unknown, 403 if the bot was blocked there. */
  private targetChat(p: Params): ChatState {
    const raw = p.chat_id;
    if (raw === undefined || raw === '') throw bad('chat_id is empty');
    let state: ChatState | undefined;
    if (typeof raw === 'number') state = this.chats.get(raw);
    else if (typeof raw === 'string' && raw.startsWith('@')) {
      const name = raw.slice(1).toLowerCase();
      state = [...this.chats.values()].find(
        (s) => s.chat.type !== 'private' && 'username' in s.chat && s.chat.username?.toLowerCase() === name,
      );
    }
    if (!state) throw bad('chat not found');
    if (state.blocked) {
      const why =
        state.chat.type === 'private'
          ? 'bot was blocked by the user'
          : state.chat.type === 'group'
            ? 'bot was kicked from the group chat'
            : state.chat.type === 'supergroup'
              ? 'bot was kicked from the supergroup chat'
              : 'bot is not a member of the channel chat';
      throw new ApiError(403, `Forbidden: ${why}`);
    }
    return state;
  }

  private checkRateLimit(state: ChatState) {
    const limits = this.options.rateLimit;
    if (!limits) return;
    const now = Date.now();
    const check = (times: number[], limit: { max: number; windowMs: number } | undefined) => {
      if (!limit) return;
      const recent = times.filter((t) => t > now - limit.windowMs);
      if (recent.length >= limit.max) {
        const retryAfter = Math.max(1, Math.ceil(((recent[0] ?? now) + limit.windowMs - now) / 1000));
        throw new ApiError(429, `Too Many Requests: retry after ${retryAfter}`, { retry_after: retryAfter });
      }
    };
    check(state.sendTimes, limits.perChat);
    check(
      this.sendLog.map((s) => s.at),
      limits.global,
    );
  }

  private recordSend(state: ChatState, method: string) {
    const at = Date.now();
    state.sendTimes.push(at);
    this.sendLog.push({ chat_id: state.chat.id, method, at });
  }

  private newBotMessage(state: ChatState, p: Params, content: Record<string, unknown>): AnyMessage {
    validateReplyMarkup(p.reply_markup);
    const message: AnyMessage = {
      message_id: state.lastMessageId + 1,
      from: { id: this.botUser.id, is_bot: true, first_name: this.botUser.first_name, username: this.botUser.username },
      chat: state.chat,
      date: unixNow(),
      ...content,
    } as AnyMessage;
    const replyTo = p.reply_parameters?.message_id ?? p.reply_to_message_id;
    if (replyTo !== undefined) {
      const target = state.messages.get(Number(replyTo));
      const allowWithout = p.reply_parameters?.allow_sending_without_reply ?? p.allow_sending_without_reply;
      if (target && !target.deleted) {
        const { reply_to_message: _nested, ...reply } = target.message;
        message.reply_to_message = reply;
      } else if (!allowWithout) {
        throw bad('message to be replied not found');
      }
    }
    const markup = inlineMarkup(p.reply_markup);
    if (markup) message.reply_markup = markup;
    if (p.protect_content === true) message.has_protected_content = true;
    return message;
  }

  private storeBotMessage(state: ChatState, message: AnyMessage, method: string): AnyMessage {
    state.lastMessageId = message.message_id;
    state.messages.set(message.message_id, { message, byBot: true });
    this.recordSend(state, method);
    return structuredClone(message);
  }

  // ----- methods: messages -------------------------------------------------

  private sendMessage(call: RecordedCall): Message {
    const p = call.params;
    const state = this.targetChat(p);
    const f = formatText(p.text, p.parse_mode, p.entities);
    if (f.text.length === 0) throw bad('message text is empty');
    if (f.text.length > 4096) throw bad('message is too long');
    this.checkRateLimit(state);
    const content: Record<string, unknown> = { text: f.text };
    if (f.entities.length > 0) content.entities = f.entities;
    const preview = p.link_preview_options ?? (p.disable_web_page_preview === true ? { is_disabled: true } : undefined);
    if (preview !== undefined) content.link_preview_options = preview;
    return this.storeBotMessage(state, this.newBotMessage(state, p, content), 'sendMessage');
  }

  private captionContent(p: Params): Record<string, unknown> {
    if (p.caption === undefined) return {};
    const f = formatText(p.caption, p.parse_mode, p.caption_entities);
    if (f.text.length > 1024) throw bad('message caption is too long');
    const content: Record<string, unknown> = {};
    if (f.text.length > 0) content.caption = f.text;
    if (f.entities.length > 0) content.caption_entities = f.entities;
    if (p.show_caption_above_media === true) content.show_caption_above_media = true;
    return content;
  }

  /** The bytes / known file a sendPhoto / sendDocument parameter designates. */
  private inputFile(call: RecordedCall, field: 'photo' | 'document'): { upload?: { bytes: Buffer; file_name?: string; mime_type?: string }; known?: StoredFile } {
    const uploaded = call.files[field];
    if (uploaded) {
      if (uploaded.bytes.length > MAX_UPLOAD_BYTES) throw new ApiError(413, 'Request Entity Too Large');
      const upload: { bytes: Buffer; file_name?: string; mime_type?: string } = { bytes: uploaded.bytes, file_name: uploaded.filename };
      const mime = MIME_BY_EXT[extOf(uploaded.filename)];
      if (mime) upload.mime_type = mime;
      return { upload };
    }
    const value = call.params[field];
    if (typeof value !== 'string' || value === '') throw bad(`there is no ${field} in the request`);
    if (value.startsWith('attach://')) throw bad(`there is no ${field} in the request`);
    if (/^https?:\/\//i.test(value)) {
      const remote = this.remoteUrls.get(value);
      if (!remote) throw bad('failed to get HTTP URL content');
      const upload: { bytes: Buffer; file_name?: string; mime_type?: string } = { bytes: remote.bytes };
      const name = remote.file_name ?? decodeURIComponent(new URL(value).pathname.split('/').pop() ?? '');
      if (name) upload.file_name = name;
      const mime = remote.mime_type ?? MIME_BY_EXT[extOf(name)];
      if (mime) upload.mime_type = mime;
      return { upload };
    }
    const known = this.files.get(value);
    if (!known) throw bad('wrong file identifier/HTTP URL specified');
    if (known.kind !== field) throw bad('type of file mismatch');
    return { known };
  }

  private sendPhoto(call: RecordedCall): Message {
    const p = call.params;
    const state = this.targetChat(p);
    const input = this.inputFile(call, 'photo');
    const caption = this.captionContent(p);
    let photo: PhotoSize[];
    if (input.known) {
      photo = structuredClone(this.photoLadderFor(input.known));
    } else {
      const bytes = input.upload?.bytes ?? Buffer.alloc(0);
      const size = imageSize(bytes);
      if (!size) throw bad('IMAGE_PROCESS_FAILED');
      if (size.width + size.height > 10000 || Math.max(size.width, size.height) / Math.max(1, Math.min(size.width, size.height)) > 20) {
        throw bad('PHOTO_INVALID_DIMENSIONS');
      }
      photo = this.photoLadderFor(this.registerFile({ ...newFileIds('photo'), bytes, kind: 'photo', width: size.width, height: size.height, mime_type: 'image/jpeg' }));
    }
    this.checkRateLimit(state);
    const content: Record<string, unknown> = { photo, ...caption };
    if (p.has_spoiler === true) content.has_media_spoiler = true;
    return this.storeBotMessage(state, this.newBotMessage(state, p, content), 'sendPhoto');
  }

  /** Registers the thumbnails of an uploaded photo (all served with the same bytes) and returns the ladder. */
  private photoLadderFor(file: StoredFile): PhotoSize[] {
    file.photo ??= this.photoGroups.get(file.file_id);
    if (file.photo) return file.photo;
    const sizes = photoSizeLadder(file.width ?? 1280, file.height ?? 960);
    const ladder: PhotoSize[] = sizes.map((s, i) => {
      const ids = i === sizes.length - 1 ? { file_id: file.file_id, file_unique_id: file.file_unique_id } : newFileIds('photo');
      if (i !== sizes.length - 1) this.registerFile({ ...ids, bytes: file.bytes, kind: 'photo', width: s.width, height: s.height, mime_type: 'image/jpeg' });
      return { ...ids, width: s.width, height: s.height, file_size: file.bytes.length };
    });
    for (const size of ladder) this.photoGroups.set(size.file_id, ladder);
    return ladder;
  }

  private readonly photoGroups = new Map<string, PhotoSize[]>();

  private sendDocument(call: RecordedCall): Message {
    const p = call.params;
    const state = this.targetChat(p);
    const input = this.inputFile(call, 'document');
    const caption = this.captionContent(p);
    let file: StoredFile;
    if (input.known) {
      file = input.known;
    } else {
      const upload = input.upload ?? { bytes: Buffer.alloc(0) };
      const f: FakeFile = { ...newFileIds('document'), bytes: upload.bytes, kind: 'document' };
      f.file_name = upload.file_name ?? 'document';
      f.mime_type = upload.mime_type ?? MIME_BY_EXT[extOf(f.file_name)] ?? 'application/octet-stream';
      file = this.registerFile(f);
    }
    this.checkRateLimit(state);
    const document: Record<string, unknown> = { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.bytes.length };
    if (file.file_name !== undefined) document.file_name = file.file_name;
    if (file.mime_type !== undefined) document.mime_type = file.mime_type;
    return this.storeBotMessage(state, this.newBotMessage(state, p, { document, ...caption }), 'sendDocument');
  }

  private sendChatAction(p: Params): true {
    this.targetChat(p);
    if (!CHAT_ACTIONS.has(String(p.action))) throw bad('wrong parameter action in request');
    return true;
  }

  private answerCallbackQuery(p: Params): true {
    const id = String(p.callback_query_id ?? '');
    const query = this.callbackQueries.get(id);
    if (!query || query.answered) throw bad('query is too old and response timeout expired or query ID is invalid');
    if (typeof p.text === 'string' && p.text.length > 200) throw bad('MESSAGE_TOO_LONG');
    query.answered = true;
    const answer: FakeBotApi['callbackAnswers'][number] = { callback_query_id: id, at: Date.now() };
    if (p.text !== undefined) answer.text = String(p.text);
    if (p.show_alert !== undefined) answer.show_alert = p.show_alert === true;
    if (p.url !== undefined) answer.url = String(p.url);
    this.callbackAnswers.push(answer);
    return true;
  }

  private editTarget(p: Params): { state: ChatState; stored: { message: AnyMessage; byBot: boolean; deleted?: boolean } } {
    if (p.inline_message_id !== undefined) throw bad('MESSAGE_ID_INVALID');
    const state = this.targetChat(p);
    if (p.message_id === undefined) throw bad('message identifier is not specified');
    const stored = state.messages.get(Number(p.message_id));
    if (!stored || stored.deleted) throw bad('message to edit not found');
    if (!stored.byBot) throw bad("message can't be edited");
    return { state, stored };
  }

  private editMessageText(p: Params): Message {
    const { stored } = this.editTarget(p);
    const message = stored.message;
    if (typeof message.text !== 'string') throw bad('there is no text in the message to edit');
    const f = formatText(p.text, p.parse_mode, p.entities);
    if (f.text.length === 0) throw bad('message text is empty');
    if (f.text.length > 4096) throw bad('MESSAGE_TOO_LONG');
    validateReplyMarkup(p.reply_markup);
    // Like Telegram: an edit without reply_markup removes the inline keyboard.
    const markup = inlineMarkup(p.reply_markup);
    const entities = f.entities.length > 0 ? f.entities : undefined;
    if (message.text === f.text && sameJson(message.entities, entities) && sameJson(message.reply_markup, markup)) {
      throw bad(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    message.text = f.text;
    if (entities) message.entities = entities;
    else delete message.entities;
    if (markup) message.reply_markup = markup;
    else delete message.reply_markup;
    if (p.link_preview_options !== undefined) message.link_preview_options = p.link_preview_options;
    message.edit_date = unixNow();
    return structuredClone(message);
  }

  private editMessageReplyMarkup(p: Params): Message {
    const { stored } = this.editTarget(p);
    const message = stored.message;
    validateReplyMarkup(p.reply_markup);
    if (p.reply_markup !== undefined && !('inline_keyboard' in p.reply_markup)) throw bad('inline keyboard expected');
    const markup = inlineMarkup(p.reply_markup);
    if (sameJson(message.reply_markup, markup)) {
      throw bad(
        'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    if (markup) message.reply_markup = markup;
    else delete message.reply_markup;
    message.edit_date = unixNow();
    return structuredClone(message);
  }

  private deleteMessage(p: Params): true {
    const state = this.targetChat(p);
    const stored = state.messages.get(Number(p.message_id));
    if (!stored || stored.deleted) throw bad('message to delete not found');
    if (!stored.byBot && state.chat.type !== 'private') throw bad("message can't be deleted");
    stored.deleted = true;
    return true;
  }

  private getChat(p: Params): Chat {
    return structuredClone(this.targetChat(p).chat);
  }

  // ----- methods: files ----------------------------------------------------

  private registerFile(f: FakeFile): StoredFile {
    const existing = this.files.get(f.file_id);
    if (existing) return existing;
    const ext = f.kind === 'photo' ? 'jpg' : extOf(f.file_name) || 'dat';
    const stored: StoredFile = { ...f, file_path: `${f.kind === 'photo' ? 'photos' : 'documents'}/file_${this.fileCounter++}.${ext}` };
    this.files.set(stored.file_id, stored);
    this.filesByPath.set(stored.file_path, stored);
    return stored;
  }

  private getFile(p: Params): TgFile {
    const file = this.files.get(String(p.file_id ?? ''));
    if (!file) throw bad('invalid file_id');
    if (file.bytes.length > MAX_DOWNLOAD_BYTES) throw bad('file is too big');
    const group = this.photoGroups.get(file.file_id);
    if (group && !file.photo) file.photo = group;
    return { file_id: file.file_id, file_unique_id: file.file_unique_id, file_size: file.bytes.length, file_path: file.file_path };
  }

  // ----- methods: commands -------------------------------------------------

  private commandKey(scope: unknown, language: unknown): string {
    const s = (typeof scope === 'object' && scope !== null ? scope : { type: 'default' }) as Record<string, unknown>;
    const normalized: Record<string, unknown> = { type: s.type };
    if (s.chat_id !== undefined) normalized.chat_id = String(s.chat_id);
    if (s.user_id !== undefined) normalized.user_id = Number(s.user_id);
    return `${JSON.stringify(normalized)}|${typeof language === 'string' ? language : ''}`;
  }

  private checkScope(p: Params) {
    const scope = p.scope as Record<string, unknown> | undefined;
    if (scope === undefined) return;
    if (typeof scope !== 'object' || scope === null || !COMMAND_SCOPES.has(String(scope.type))) throw bad('unsupported bot command scope type');
    if (scope.type === 'chat' || scope.type === 'chat_administrators' || scope.type === 'chat_member') {
      this.targetChat({ chat_id: typeof scope.chat_id === 'string' && /^-?\d+$/.test(scope.chat_id) ? Number(scope.chat_id) : scope.chat_id });
    }
    const lang = p.language_code;
    if (lang !== undefined && lang !== '' && !/^[a-z]{2}$/.test(String(lang))) throw bad('invalid language code specified');
  }

  private setMyCommands(p: Params): true {
    this.checkScope(p);
    const commands = p.commands;
    if (!Array.isArray(commands)) throw bad("can't parse commands JSON object");
    if (commands.length > 100) throw bad('too many commands specified');
    for (const c of commands as Array<Record<string, unknown>>) {
      if (typeof c?.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw bad('BOT_COMMAND_INVALID');
      if (typeof c.description !== 'string' || c.description.length < 1 || c.description.length > 256) {
        throw bad('command description must be non-empty');
      }
    }
    const key = this.commandKey(p.scope, p.language_code);
    if (commands.length === 0) this.commandSets.delete(key);
    else this.commandSets.set(key, (commands as BotCommand[]).map((c) => ({ command: c.command, description: c.description })));
    return true;
  }

  private getMyCommands(p: Params): BotCommand[] {
    this.checkScope(p);
    return structuredClone(this.commandSets.get(this.commandKey(p.scope, p.language_code)) ?? []);
  }

  private deleteMyCommands(p: Params): true {
    this.checkScope(p);
    this.commandSets.delete(this.commandKey(p.scope, p.language_code));
    return true;
  }

  // ----- getUpdates / webhooks ---------------------------------------------

  private isAllowed(update: Update, allowed: string[] | null): boolean {
    const type = updateType(update);
    return allowed === null ? !UPDATE_TYPES_OFF_BY_DEFAULT.includes(type) : allowed.includes(type);
  }

  private dropDisallowed(allowed: string[] | null) {
    const keep: QueueEntry[] = [];
    for (const e of this.queue) {
      if (this.isAllowed(e.update, allowed)) keep.push(e);
      else this.droppedUpdates.push(e.update);
    }
    this.queue = keep;
  }

  private getUpdates(call: RecordedCall, res: http.ServerResponse) {
    const p = call.params;
    const fail = (code: number, description: string) => {
      call.status = code;
      call.response = { ok: false, error_code: code, description };
      this.writeJson(res, code, call.response);
      this.notifyCall(call);
    };
    if (this.webhook) {
      fail(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
      return;
    }
    if (this.heldPoll) {
      this.answerHeldPoll(409, {
        ok: false,
        error_code: 409,
        description: 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
      });
    }
    if (Array.isArray(p.allowed_updates)) this.allowedUpdates = p.allowed_updates.length > 0 ? p.allowed_updates.map(String) : null;
    if (typeof p.offset === 'number') {
      const offset = p.offset;
      if (offset < 0) {
        const sorted = [...this.queue].sort((a, b) => a.update.update_id - b.update.update_id);
        this.queue = sorted.slice(Math.max(0, sorted.length + offset));
      } else {
        this.queue = this.queue.filter((e) => !(e.update.update_id < offset && (e.delivered || !e.requeued)));
      }
    }
    const limit = Math.min(100, Math.max(1, typeof p.limit === 'number' ? p.limit : 100));
    const timeout = Math.max(0, typeof p.timeout === 'number' ? p.timeout : 0);
    const ready = this.takeUpdates(limit);
    if (ready.length > 0 || timeout === 0) {
      call.status = 200;
      call.response = { ok: true, result: ready };
      this.writeJson(res, 200, call.response);
      this.notifyCall(call);
      return;
    }
    const held: HeldPoll = {
      res,
      call,
      limit,
      timer: setTimeout(() => this.answerHeldPoll(200, { ok: true, result: [] }), timeout * 1000),
    };
    this.heldPoll = held;
    res.on('close', () => {
      if (this.heldPoll === held) {
        clearTimeout(held.timer);
        this.heldPoll = null;
        call.status = 499;
      }
    });
    this.notifyCall(call);
  }

  private takeUpdates(limit: number): Update[] {
    this.dropDisallowed(this.allowedUpdates);
    const ready = [...this.queue].sort((a, b) => a.update.update_id - b.update.update_id).slice(0, limit);
    for (const e of ready) {
      e.delivered = true;
      e.attempts += 1;
    }
    return ready.map((e) => structuredClone(e.update));
  }

  private answerHeldPoll(status: number, response: ApiResponse) {
    const held = this.heldPoll;
    if (!held) return;
    this.heldPoll = null;
    clearTimeout(held.timer);
    held.call.status = status;
    held.call.response = response;
    this.writeJson(held.res, status, response);
  }

  /** New updates are waiting: answer the held long poll or wake the webhook loop. */
  private kick() {
    if (this.stopped) return;
    if (this.webhook) {
      this.startWebhookLoop();
      return;
    }
    const held = this.heldPoll;
    if (!held) return;
    const ready = this.takeUpdates(held.limit);
    if (ready.length > 0) this.answerHeldPoll(200, { ok: true, result: ready });
  }

  private setWebhook(p: Params): Described {
    const url = typeof p.url === 'string' ? p.url : '';
    if (url === '') return this.deleteWebhook(p);
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw bad('bad webhook: invalid webhook URL specified');
    }
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw bad('bad webhook: An HTTPS URL must be provided for webhook');
    if (p.secret_token !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(String(p.secret_token))) {
      throw bad('bad webhook: secret token contains unallowed characters');
    }
    const maxConnections = typeof p.max_connections === 'number' ? p.max_connections : 40;
    if (maxConnections < 1 || maxConnections > 100) throw bad('bad webhook: invalid max_connections specified');
    const allowed = Array.isArray(p.allowed_updates)
      ? p.allowed_updates.length > 0
        ? p.allowed_updates.map(String)
        : null
      : (this.webhook?.allowedUpdates ?? this.allowedUpdates);
    const same = this.webhook?.url === url;
    this.webhook?.abort.abort();
    this.answerHeldPoll(409, { ok: false, error_code: 409, description: 'Conflict: terminated by setWebhook request' });
    if (p.drop_pending_updates === true) this.queue = [];
    this.webhook = { url, maxConnections, allowedUpdates: allowed, abort: new AbortController() };
    if (p.secret_token !== undefined) this.webhook.secretToken = String(p.secret_token);
    this.allowedUpdates = allowed;
    this.startWebhookLoop();
    return new Described(true, same ? 'Webhook is already set' : 'Webhook was set');
  }

  private deleteWebhook(p: Params): Described {
    if (p.drop_pending_updates === true) this.queue = [];
    const had = this.webhook !== null;
    this.webhook?.abort.abort();
    this.webhook = null;
    return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
  }

  private webhookInfo(): WebhookInfo {
    const info: WebhookInfo = {
      url: this.webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: this.queue.length,
    };
    if (this.webhook) {
      info.ip_address = '127.0.0.1';
      info.max_connections = this.webhook.maxConnections;
      if (this.webhook.allowedUpdates) info.allowed_updates = this.webhook.allowedUpdates;
      if (this.webhook.lastErrorDate !== undefined) info.last_error_date = this.webhook.lastErrorDate;
      if (this.webhook.lastErrorMessage !== undefined) info.last_error_message = this.webhook.lastErrorMessage;
    }
    return info;
  }

  private startWebhookLoop() {
    if (this.webhookLoop || !this.webhook || this.stopped) return;
    const loop = this.runWebhookLoop().finally(() => {
      if (this.webhookLoop === loop) this.webhookLoop = null;
      // A webhook set again while the previous loop was winding down.
      if (this.webhook && !this.webhook.abort.signal.aborted && this.queue.length > 0) this.startWebhookLoop();
    });
    this.webhookLoop = loop;
  }

  /** Delivers queued updates one at a time, in order; a refused update is retried before any later one. */
  private async runWebhookLoop(): Promise<void> {
    while (!this.stopped) {
      const hook = this.webhook;
      if (!hook || hook.abort.signal.aborted) return;
      this.dropDisallowed(hook.allowedUpdates);
      const entry = this.queue[0];
      if (!entry) return;
      entry.attempts += 1;
      const target = this.options.webhookUrlRewrite ? this.options.webhookUrlRewrite(hook.url) : hook.url;
      const delivery: WebhookDelivery = {
        update_id: entry.update.update_id,
        attempt: entry.attempts,
        url: target,
        at: Date.now(),
        ok: false,
      };
      if (hook.secretToken !== undefined) delivery.secretToken = hook.secretToken;
      let answer: { status: number; contentType: string; body: Buffer } | null = null;
      try {
        answer = await this.postUpdate(target, JSON.stringify(entry.update), hook.secretToken, hook.abort.signal);
        delivery.status = answer.status;
        delivery.ok = answer.status >= 200 && answer.status < 300;
      } catch (err) {
        if (hook.abort.signal.aborted) return;
        delivery.error = networkErrorText(err);
      }
      this.webhookDeliveries.push(delivery);
      if (delivery.ok) {
        this.queue = this.queue.filter((e) => e !== entry);
        if (answer) await this.handleWebhookAnswer(answer);
      } else {
        hook.lastErrorDate = unixNow();
        hook.lastErrorMessage = delivery.error ?? `Wrong response from the webhook: ${delivery.status} ${http.STATUS_CODES[delivery.status ?? 0] ?? ''}`.trim();
      }
      this.notifyDelivery(delivery);
      if (!delivery.ok) {
        try {
          await sleep(this.options.webhookRetryDelayMs ?? 50, undefined, { signal: hook.abort.signal });
        } catch {
          return;
        }
      }
    }
  }

  private async handleWebhookAnswer(answer: { contentType: string; body: Buffer }) {
    if (answer.body.length === 0) return;
    let parsed: Awaited<ReturnType<typeof parseBody>>;
    try {
      parsed = await parseBody(answer.contentType, answer.body);
    } catch {
      return;
    }
    if (typeof parsed.params.method === 'string') this.executeWebhookReply(parsed.params, parsed.files);
  }

  private postUpdate(
    url: string,
    body: string,
    secretToken: string | undefined,
    signal: AbortSignal,
  ): Promise<{ status: number; contentType: string; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const u = new URL(url);
      const headers: http.OutgoingHttpHeaders = {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      };
      if (secretToken !== undefined) headers['x-telegram-bot-api-secret-token'] = secretToken;
      const request = (u.protocol === 'https:' ? https : http).request(
        u,
        { method: 'POST', headers, agent: false, signal, timeout: this.options.webhookTimeoutMs ?? 5000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      request.on('timeout', () => request.destroy(new Error('Read timeout expired')));
      request.on('error', reject);
      request.end(body);
    });
  }
}

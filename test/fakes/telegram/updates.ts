/**
 * Builders of real Telegram Bot API update payloads, for driving the fake Bot
 * API (`fake.userSends(update)`) or `bot.handleUpdate(update)` directly.
 *
 * Every builder returns a plain JSON object shaped exactly as Telegram sends it
 * (typed with telegraf's own Bot API types). `update_id` is 0: the fake assigns
 * the real, increasing one when the update is queued. Photos and documents
 * carry their bytes out of band (see `attachedFiles`), so that the fake can
 * serve them through getFile and the `/file/bot<token>/<file_path>` download.
 */
import { randomBytes } from 'node:crypto';
import type {
  CallbackQuery,
  Chat,
  Document,
  InlineKeyboardButton,
  Message,
  MessageEntity,
  PhotoSize,
  Update,
  User,
} from 'telegraf/types';

// ---------------------------------------------------------------------------
// Files carried by updates

/** A file known to the fake: its bytes and the Bot API identifiers. */
export interface FakeFile {
  file_id: string;
  file_unique_id: string;
  bytes: Buffer;
  kind: 'photo' | 'document';
  mime_type?: string;
  file_name?: string;
  width?: number;
  height?: number;
}

const filesByUpdate = new WeakMap<object, FakeFile[]>();

/** The files (with bytes) that a builder attached to an update, for the fake to register. */
export function attachedFiles(update: object): readonly FakeFile[] {
  return filesByUpdate.get(update) ?? [];
}

function attach<T extends object>(update: T, files: FakeFile[]): T {
  filesByUpdate.set(update, files);
  return update;
}

const FILE_ID_PREFIX = { photo: 'AgACAgIAAxkBAAI', document: 'BQACAgIAAxkBAAI' } as const;

/** A new file_id / file_unique_id pair shaped like Telegram's (base64url, type-prefixed). */
export function newFileIds(kind: FakeFile['kind']): { file_id: string; file_unique_id: string } {
  return {
    file_id: FILE_ID_PREFIX[kind] + randomBytes(48).toString('base64url'),
    file_unique_id: 'AQAD' + randomBytes(12).toString('base64url'),
  };
}

/** Width and height of a PNG, JPEG, GIF or WebP image, or null when the bytes are not one. */
export function imageSize(bytes: Buffer): { width: number; height: number; format: 'png' | 'jpeg' | 'gif' | 'webp' } | null {
  if (bytes.length >= 24 && bytes.readUInt32BE(0) === 0x89504e47 && bytes.toString('ascii', 12, 16) === 'IHDR') {
    return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), format: 'png' };
  }
  if (bytes.length >= 10 && bytes.toString('ascii', 0, 4) === 'GIF8') {
    return { width: bytes.readUInt16LE(6), height: bytes.readUInt16LE(8), format: 'gif' };
  }
  if (bytes.length >= 30 && bytes.toString('ascii', 0, 4) === 'RIFF' && bytes.toString('ascii', 8, 12) === 'WEBP') {
    const chunk = bytes.toString('ascii', 12, 16);
    if (chunk === 'VP8X') return { width: bytes.readUIntLE(24, 3) + 1, height: bytes.readUIntLE(27, 3) + 1, format: 'webp' };
    if (chunk === 'VP8L') {
      const b = bytes.readUInt32LE(21);
      return { width: (b & 0x3fff) + 1, height: ((b >> 14) & 0x3fff) + 1, format: 'webp' };
    }
    if (chunk === 'VP8 ') return { width: bytes.readUInt16LE(26) & 0x3fff, height: bytes.readUInt16LE(28) & 0x3fff, format: 'webp' };
    return null;
  }
  if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
    let i = 2;
    while (i + 9 < bytes.length) {
      if (bytes[i] !== 0xff) return null;
      const marker = bytes[i + 1] ?? 0;
      if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      const length = bytes.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { height: bytes.readUInt16BE(i + 5), width: bytes.readUInt16BE(i + 7), format: 'jpeg' };
      }
      i += 2 + length;
    }
    return null;
  }
  return null;
}

/**
 * The PhotoSize ladder Telegram generates for an image: thumbnails whose longer
 * side is 90, 320, 800, 1280 and 2560 px (those smaller than the original), then
 * the original capped at 2560. The fake has no image scaler, so every size is
 * served with the original bytes (and `file_size` is their length).
 */
export function photoSizeLadder(width: number, height: number): Array<{ width: number; height: number }> {
  const longer = Math.max(width, height, 1);
  const sizes: Array<{ width: number; height: number }> = [];
  for (const side of [90, 320, 800, 1280]) {
    if (side < longer) sizes.push(scale(width, height, side / longer));
  }
  sizes.push(longer > 2560 ? scale(width, height, 2560 / longer) : { width, height });
  return sizes;
}

function scale(width: number, height: number, factor: number) {
  return { width: Math.max(1, Math.round(width * factor)), height: Math.max(1, Math.round(height * factor)) };
}

// ---------------------------------------------------------------------------
// Users and chats

export interface UserSpec {
  id?: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  /** IETF language tag of the user's client (e.g. 'en', 'de', 'pt-br'). */
  language_code?: string;
  is_premium?: true;
}

/**
 * A Telegram user. The default is Alice Example (@alice_example), id 424242001,
 * language_code 'en'; with an explicit `id`, last_name and username are only
 * set when given (so two users never share a username by accident).
 */
export function user(spec: UserSpec = {}): User {
  const u: User = {
    id: spec.id ?? 424242001,
    is_bot: false,
    first_name: spec.first_name ?? 'Alice',
  };
  const lastName = 'last_name' in spec ? spec.last_name : spec.id === undefined ? 'Example' : undefined;
  if (lastName !== undefined) u.last_name = lastName;
  const username = 'username' in spec ? spec.username : spec.id === undefined ? 'alice_example' : undefined;
  if (username !== undefined) u.username = username;
  const language = 'language_code' in spec ? spec.language_code : 'en';
  if (language !== undefined) u.language_code = language;
  if (spec.is_premium) u.is_premium = true;
  return u;
}

/** The private chat with a user: same id as the user, type 'private'. */
export function privateChat(u: User = user()): Chat.PrivateChat {
  const chat: Chat.PrivateChat = { id: u.id, type: 'private', first_name: u.first_name };
  if (u.last_name !== undefined) chat.last_name = u.last_name;
  if (u.username !== undefined) chat.username = u.username;
  return chat;
}

export interface GroupSpec {
  /** Negative; defaults to -4012345678 for a group and -1001234567890 for a supergroup. */
  id?: number;
  title?: string;
  type?: 'group' | 'supergroup';
  /** Public supergroups only. */
  username?: string;
}

/** A group (`type: 'group'`) or supergroup chat. */
export function groupChat(spec: GroupSpec = {}): Chat.GroupChat | Chat.SupergroupChat {
  const title = spec.title ?? 'Support testers';
  if (spec.type === 'supergroup') {
    const chat: Chat.SupergroupChat = { id: spec.id ?? -1001234567890, type: 'supergroup', title };
    if (spec.username !== undefined) chat.username = spec.username;
    return chat;
  }
  return { id: spec.id ?? -4012345678, type: 'group', title };
}

// ---------------------------------------------------------------------------
// Entities

/**
 * The entities Telegram detects by itself in plain text: bot commands, URLs
 * (with a scheme or starting with www.), e-mail addresses, @mentions and
 * #hashtags. Offsets and lengths are in UTF-16 code units, as in the Bot API.
 */
export function detectEntities(text: string, skip: readonly MessageEntity[] = []): MessageEntity[] {
  const found: MessageEntity[] = [];
  const taken = skip
    .filter((e) => e.type === 'code' || e.type === 'pre' || e.type === 'text_link' || e.type === 'text_mention')
    .map((e) => [e.offset, e.offset + e.length] as const);
  const free = (start: number, end: number) => taken.every(([s, e]) => end <= s || start >= e);
  const scan = (type: 'url' | 'email' | 'mention' | 'hashtag' | 'bot_command', re: RegExp) => {
    for (const m of text.matchAll(re)) {
      let value = m[0];
      if (type === 'url') value = value.replace(/[.,;:!?)\]'"]+$/, '');
      const start = m.index ?? 0;
      const end = start + value.length;
      if (value.length === 0 || !free(start, end)) continue;
      found.push({ type, offset: start, length: value.length });
      taken.push([start, end]);
    }
  };
  scan('url', /(?<![\w@/])(?:https?:\/\/|www\.)[^\s<>"]+/giu);
  scan('email', /(?<![\w.+-])[\w.+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/gu);
  scan('bot_command', /(?<![\w/@])\/[A-Za-z0-9_]{1,32}(?:@[A-Za-z][A-Za-z0-9_]{3,31})?(?![\w/])/gu);
  scan('mention', /(?<![\w@])@[A-Za-z][A-Za-z0-9_]{4,31}(?!\w)/gu);
  scan('hashtag', /(?<![\w#])#[\p{L}\p{N}_]*[\p{L}_][\p{L}\p{N}_]*/gu);
  return found.sort((a, b) => a.offset - b.offset);
}

// ---------------------------------------------------------------------------
// Messages

let messageCounter = 100;
const nextMessageId = () => ++messageCounter;
const now = () => Math.floor(Date.now() / 1000);

type NonChannelChat = Chat.PrivateChat | Chat.GroupChat | Chat.SupergroupChat;

export interface MessageBase {
  /** Sender; defaults to `user()` (Alice). */
  from?: User;
  /** Shortcut for `from.language_code` (the default user speaks 'en'). */
  language_code?: string;
  /** Defaults to the private chat with `from`. */
  chat?: NonChannelChat;
  /** The fake assigns the next id of the chat when the update is queued. */
  message_id?: number;
  date?: number;
  /** Makes the message a reply to this one. */
  reply_to?: Message;
}

function base(spec: MessageBase) {
  let from = spec.from ?? user();
  if (spec.language_code !== undefined) from = { ...from, language_code: spec.language_code };
  const message = {
    message_id: spec.message_id ?? nextMessageId(),
    from,
    chat: spec.chat ?? privateChat(from),
    date: spec.date ?? now(),
  };
  if (spec.reply_to) {
    const { reply_to_message: _nested, ...reply } = spec.reply_to as Message & { reply_to_message?: unknown };
    return { ...message, reply_to_message: reply as Message.CommonMessage['reply_to_message'] };
  }
  return message;
}

export type TextMessageUpdate = Update.MessageUpdate<Message.TextMessage>;
export type PhotoMessageUpdate = Update.MessageUpdate<Message.PhotoMessage>;
export type DocumentMessageUpdate = Update.MessageUpdate<Message.DocumentMessage>;
export type CallbackQueryUpdate = Update.CallbackQueryUpdate<CallbackQuery.DataQuery>;

/** A text message (private chat unless `chat` is given); entities are detected like Telegram does. */
export function textMessage(spec: MessageBase & { text: string; entities?: MessageEntity[] }): TextMessageUpdate {
  const entities = spec.entities ?? detectEntities(spec.text);
  const message: TextMessageUpdate['message'] = { ...base(spec), text: spec.text };
  if (entities.length > 0) message.entities = entities;
  return { update_id: 0, message };
}

/** A text message in a group (default) or supergroup chat. */
export function groupMessage(
  spec: Omit<MessageBase, 'chat'> & { text: string; group?: Chat.GroupChat | Chat.SupergroupChat; type?: 'group' | 'supergroup' },
): TextMessageUpdate {
  const { group, type, ...rest } = spec;
  return textMessage({ ...rest, chat: group ?? groupChat({ type: type ?? 'group' }) });
}

/**
 * A command such as `/start` (with an optional payload, e.g. a deep-link
 * parameter), with its `bot_command` entity. In groups, pass `botUsername`
 * to address it as `/start@my_bot`, as Telegram clients do.
 */
export function command(spec: MessageBase & { command: string; payload?: string; botUsername?: string }): TextMessageUpdate {
  const name = spec.command.replace(/^\//, '');
  const head = `/${name}${spec.botUsername ? `@${spec.botUsername}` : ''}`;
  const text = spec.payload ? `${head} ${spec.payload}` : head;
  const rest = spec.payload ? detectEntities(spec.payload).map((e) => ({ ...e, offset: e.offset + head.length + 1 })) : [];
  return textMessage({ ...spec, text, entities: [{ type: 'bot_command', offset: 0, length: head.length }, ...rest] });
}

/**
 * A photo message: the PhotoSize ladder Telegram would generate (several
 * sizes, largest last), every size backed by `bytes` so that getFile and the
 * download work. Dimensions are read from the image, or taken from
 * `width`/`height` (default 1280×960) when the bytes are not a known format.
 */
export function photoMessage(
  spec: MessageBase & { bytes: Buffer; caption?: string; width?: number; height?: number; media_group_id?: string },
): PhotoMessageUpdate {
  const size = imageSize(spec.bytes);
  const width = spec.width ?? size?.width ?? 1280;
  const height = spec.height ?? size?.height ?? 960;
  const files: FakeFile[] = [];
  const photo: PhotoSize[] = photoSizeLadder(width, height).map((s) => {
    const ids = newFileIds('photo');
    files.push({ ...ids, bytes: spec.bytes, kind: 'photo', width: s.width, height: s.height, mime_type: 'image/jpeg' });
    return { ...ids, width: s.width, height: s.height, file_size: spec.bytes.length };
  });
  const message: PhotoMessageUpdate['message'] = { ...base(spec), photo };
  addCaption(message, spec.caption);
  if (spec.media_group_id !== undefined) message.media_group_id = spec.media_group_id;
  return attach({ update_id: 0, message }, files);
}

/** A file sent as a document (an image sent "as file" is a document with an image/* mime_type). */
export function documentMessage(
  spec: MessageBase & { bytes: Buffer; file_name: string; mime_type: string; caption?: string },
): DocumentMessageUpdate {
  const ids = newFileIds('document');
  const document: Document = {
    ...ids,
    file_name: spec.file_name,
    mime_type: spec.mime_type,
    file_size: spec.bytes.length,
  };
  const message: DocumentMessageUpdate['message'] = { ...base(spec), document };
  addCaption(message, spec.caption);
  return attach({ update_id: 0, message }, [
    { ...ids, bytes: spec.bytes, kind: 'document', mime_type: spec.mime_type, file_name: spec.file_name },
  ]);
}

function addCaption(message: Message.CaptionableMessage, caption: string | undefined) {
  if (caption === undefined) return;
  message.caption = caption;
  const entities = detectEntities(caption);
  if (entities.length > 0) message.caption_entities = entities;
}

// ---------------------------------------------------------------------------
// Callback queries

let callbackCounter = 0;

/** A callback query id shaped like Telegram's (a large decimal number as a string). */
export function newCallbackQueryId(): string {
  return (4_203_117_540_000_000_000n + BigInt(++callbackCounter) * 7919n + BigInt(randomBytes(2).readUInt16BE(0))).toString();
}

function chatInstance(chatId: number): string {
  return (-(BigInt(Math.abs(chatId)) * 2654435761n % 9_000_000_000_000_000_000n) - 1n).toString();
}

/**
 * A callback query: `from` pressed a button carrying `data` under `message`
 * (a message the bot sent, e.g. one of `fake.sentMessages(chatId)`). No check
 * that the button exists; use `pressButton` for that.
 */
export function callbackQuery(spec: { message: Message; data: string; from?: User; language_code?: string }): CallbackQueryUpdate {
  let from = spec.from ?? defaultPresser(spec.message);
  if (spec.language_code !== undefined) from = { ...from, language_code: spec.language_code };
  return {
    update_id: 0,
    callback_query: {
      id: newCallbackQueryId(),
      from,
      message: spec.message,
      chat_instance: chatInstance(spec.message.chat.id),
      data: spec.data,
    },
  };
}

/**
 * Presses an inline button of a message the bot sent, found by its text or
 * its callback_data; throws when the message has no such callback button (the
 * keyboard a test expects is not the one the bot sent).
 */
export function pressButton(
  message: Message,
  button: { text?: string; data?: string },
  opts: { from?: User; language_code?: string } = {},
): CallbackQueryUpdate {
  const keyboard = 'reply_markup' in message ? message.reply_markup?.inline_keyboard : undefined;
  if (!keyboard) throw new Error(`message ${message.message_id} has no inline keyboard`);
  const all = keyboard.flat();
  const hit = all.find(
    (b): b is InlineKeyboardButton.CallbackButton =>
      'callback_data' in b &&
      (button.text === undefined || b.text === button.text) &&
      (button.data === undefined || b.callback_data === button.data),
  );
  if (!hit) {
    const labels = all.map((b) => ('callback_data' in b ? `${b.text} (${b.callback_data})` : b.text)).join(', ');
    throw new Error(`no callback button ${JSON.stringify(button)} on message ${message.message_id}; buttons: ${labels}`);
  }
  return callbackQuery({ message, data: hit.callback_data, ...opts });
}

function defaultPresser(message: Message): User {
  const chat = message.chat;
  if (chat.type === 'private') {
    const u: User = { id: chat.id, is_bot: false, first_name: chat.first_name };
    if (chat.last_name !== undefined) u.last_name = chat.last_name;
    if (chat.username !== undefined) u.username = chat.username;
    u.language_code = 'en';
    return u;
  }
  return user();
}

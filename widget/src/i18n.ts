import type { Locale } from './protocol';

/** Every string the widget shows or announces. */
export interface Strings {
  title: string;
  openChat: string;
  closeChat: string;
  unread: (n: number) => string;
  conversation: string;
  message: string;
  placeholder: string;
  send: string;
  attach: string;
  removeAttachment: string;
  uploading: string;
  agent: string;
  bot: string;
  you: string;
  screenshot: string;
  openFullSize: string;
  sending: string;
  notSent: string;
  typing: string;
  earlier: string;
  connecting: string;
  reconnecting: string;
  offline: string;
  unavailable: string;
  onlyImages: string;
  uploadFailed: string;
  dropHere: string;
  tooLarge: string;
  tooMany: string;
  invalidMessage: string;
  notYours: string;
  newMessage: string;
  uploadsTooMany: string;
  /** `limit` as `sizeText` wrote it. */
  fileOver: (limit: string | null) => string;
  imageTooLarge: (width: string, height: string, limits: { megapixels: string; side: string } | null) => string;
  unsentTooMuch: (limit: string | null) => string;
  /** `10 MB` in the visitor's language, from the server's number and unit. */
  sizeText: (amount: string, unit: 'KB' | 'MB' | 'GB') => string;
}

const en: Strings = {
  title: 'Support',
  openChat: 'Open support chat',
  closeChat: 'Close chat',
  unread: (n) => `${n} unread`,
  conversation: 'Conversation',
  message: 'Message',
  placeholder: 'Type a message…',
  send: 'Send',
  attach: 'Attach a screenshot',
  removeAttachment: 'Remove attachment',
  uploading: 'Uploading',
  agent: 'Agent',
  bot: 'Bot',
  you: 'You',
  screenshot: 'Screenshot',
  openFullSize: 'open full size',
  sending: 'Sending…',
  notSent: 'Not sent',
  typing: 'Agent is typing…',
  earlier: 'Show earlier messages',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  offline: 'Offline. Messages will be sent when the connection is back.',
  unavailable: 'The chat is not available on this site.',
  onlyImages: 'Only images (PNG, JPEG, WebP, GIF) can be attached.',
  uploadFailed: 'The upload failed. Please try again.',
  dropHere: 'Drop a screenshot here',
  tooLarge: 'The file is too large.',
  tooMany: 'Too many messages at once. Please wait a moment.',
  invalidMessage: 'This message cannot be sent.',
  notYours: 'This attachment is not available.',
  newMessage: 'New message ↓',
  uploadsTooMany: 'Too many uploads in a short time. Please wait a minute and try again.',
  fileOver: (limit) => (limit ? `The file is too large: the limit is ${limit}.` : 'The file is too large.'),
  imageTooLarge: (w, h, l) => `The image is too large: ${w}×${h}\u00a0pixels.${l ? ` Images may have up to ${l.megapixels}\u00a0megapixels and ${l.side}\u00a0pixels on a side.` : ''}`,
  unsentTooMuch: (limit) => `Too many files were uploaded and not sent${limit ? ` (the limit is ${limit})` : ''}. Send your message without a file, or try again later.`,
  sizeText: (amount, unit) => `${amount}\u00a0${unit}`,
};

const ru: Strings = {
  title: 'Поддержка',
  openChat: 'Открыть чат поддержки',
  closeChat: 'Закрыть чат',
  unread: (n) => `непрочитанных: ${n}`,
  conversation: 'Переписка',
  message: 'Сообщение',
  placeholder: 'Напишите сообщение…',
  send: 'Отправить',
  attach: 'Прикрепить скриншот',
  removeAttachment: 'Убрать вложение',
  uploading: 'Загрузка',
  agent: 'Оператор',
  bot: 'Бот',
  you: 'Вы',
  screenshot: 'Скриншот',
  openFullSize: 'открыть в полном размере',
  sending: 'Отправляется…',
  notSent: 'Не отправлено',
  typing: 'Оператор печатает…',
  earlier: 'Показать более ранние сообщения',
  connecting: 'Подключение…',
  reconnecting: 'Переподключение…',
  offline: 'Нет связи. Сообщения отправятся, когда связь восстановится.',
  unavailable: 'Чат недоступен на этом сайте.',
  onlyImages: 'Можно прикрепить только изображение (PNG, JPEG, WebP, GIF).',
  uploadFailed: 'Не удалось загрузить файл. Попробуйте ещё раз.',
  dropHere: 'Перетащите скриншот сюда',
  tooLarge: 'Файл слишком большой.',
  tooMany: 'Слишком много сообщений подряд. Подождите немного.',
  invalidMessage: 'Это сообщение нельзя отправить.',
  notYours: 'Это вложение недоступно.',
  newMessage: 'Новое сообщение ↓',
  uploadsTooMany: 'Слишком много загрузок подряд. Подождите минуту и попробуйте снова.',
  fileOver: (limit) => (limit ? `Файл слишком большой: можно не больше ${limit}.` : 'Файл слишком большой.'),
  imageTooLarge: (w, h, l) => `Изображение слишком большое: ${w}×${h}\u00a0пикселей.${l ? ` Можно не больше ${l.megapixels}\u00a0мегапикселей и ${l.side}\u00a0пикселей по каждой стороне.` : ''}`,
  unsentTooMuch: (limit) => `Слишком много загруженных, но не отправленных файлов${limit ? ` (можно не больше ${limit})` : ''}. Отправьте сообщение без файла или попробуйте позже.`,
  sizeText: (amount, unit) => `${amount.replace('.', ',')}\u00a0${{ KB: 'КБ', MB: 'МБ', GB: 'ГБ' }[unit]}`,
};

export function stringsFor(locale: Locale): Strings {
  return locale === 'ru' ? ru : en;
}

/** What to show for an error code from the server (its own message texts are English, for logs). */
export function errorText(s: Strings, code: string): string {
  switch (code) {
    case 'payload_too_large':
      return s.tooLarge;
    case 'unsupported_media_type':
      return s.onlyImages;
    case 'rate_limited':
      return s.tooMany;
    case 'invalid_message':
      return s.invalidMessage;
    case 'invalid_attachment':
      return s.notYours;
    default:
      return s.notSent;
  }
}

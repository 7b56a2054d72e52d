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

/** What to show for a refused upload, by HTTP status. */
export function uploadErrorText(s: Strings, status: number): string {
  if (status === 413) return s.tooLarge;
  if (status === 415) return s.onlyImages;
  if (status === 429) return s.tooMany;
  if (status === 0) return s.offline;
  return s.uploadFailed;
}

import type { Locale } from '../../conversation/conversation.types.js';

/** What the bot says outside a conversation, and its command menu (setMyCommands), per language. */
export const TELEGRAM_COPY: Record<Locale, { privateOnly: string; notTaken: string; commands: Array<{ command: string; description: string }> }> = {
  ru: {
    privateOnly: 'Я работаю только в личных сообщениях. Напишите мне в личку, чтобы создать заявку.',
    notTaken: 'Не удалось принять это сообщение. Пожалуйста, отправьте его ещё раз другими словами или начните заново командой /new.',
    commands: [
      { command: 'new', description: 'Создать новую заявку' },
      { command: 'status', description: 'Статус моих заявок' },
      { command: 'cancel', description: 'Отменить заполнение заявки' },
      { command: 'lang', description: 'Язык: /lang ru или /lang en' },
      { command: 'help', description: 'Что умеет бот' },
    ],
  },
  en: {
    privateOnly: 'I only work in private chats. Message me directly to file a request.',
    notTaken: 'We could not take this message. Please send it again in other words, or start over with /new.',
    commands: [
      { command: 'new', description: 'File a new request' },
      { command: 'status', description: 'Status of my requests' },
      { command: 'cancel', description: 'Cancel the request being filed' },
      { command: 'lang', description: 'Language: /lang ru or /lang en' },
      { command: 'help', description: 'What the bot can do' },
    ],
  },
};

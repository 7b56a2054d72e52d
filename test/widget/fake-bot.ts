/** The fake server's scripted bot: a greeting with choices, and a reply per choice. */
import type { OutgoingMessage as ClientMessage, ServerMessage } from '../../widget/src/protocol.js';

export type Locale = 'ru' | 'en';

type Reply = Omit<ServerMessage, 'id' | 'at'>;

const CHOICES: Record<Locale, Record<string, string>> = {
  en: {
    problem: 'Report a problem',
    question: 'Ask a question',
    billing: 'Billing',
    login: 'Signing in',
    incident: 'Incident',
    mass_incident: 'Mass incident',
    consultation: 'Consultation',
    development_request: 'Development request',
  },
  ru: {
    problem: 'Сообщить о проблеме',
    question: 'Задать вопрос',
    billing: 'Оплата',
    login: 'Вход',
    incident: 'Инцидент',
    mass_incident: 'Массовый инцидент',
    consultation: 'Консультация',
    development_request: 'Запрос на доработку',
  },
};

const TYPES = ['incident', 'mass_incident', 'consultation', 'development_request'];

const pick = (locale: Locale, ...ids: string[]) => ids.map((id) => ({ id, label: CHOICES[locale][id] ?? id }));

export function createBot() {
  return {
    greeting(locale: Locale): Reply {
      const text = locale === 'ru' ? 'Здравствуйте! Чем можем помочь?' : 'Hello! How can we help?';
      return { from: 'bot', text, choices: pick(locale, 'problem', 'question') };
    },
    /** The greeting a new conversation opens with (protocol: greeting on open): the request types as choices. */
    openingGreeting(locale: Locale): Reply {
      const text = locale === 'ru' ? 'Здравствуйте! Я бот поддержки. Выберите тип заявки.' : "Hello! I'm the support bot. Choose the request type.";
      return { from: 'bot', text, choices: pick(locale, ...TYPES) };
    },
    choiceLabel(locale: Locale, id: string): string | null {
      return CHOICES[locale][id] ?? null;
    },
    reply(locale: Locale, m: ClientMessage): Reply | null {
      if (m.choiceId === 'problem') return { from: 'bot', text: 'Please describe the problem. You can attach a screenshot.' };
      if (m.choiceId === 'question') return { from: 'bot', text: 'What is it about?', choices: pick(locale, 'billing', 'login') };
      if (m.choiceId && TYPES.includes(m.choiceId)) return { from: 'bot', text: locale === 'ru' ? 'Коротко сформулируйте тему заявки.' : 'Give the request a short subject.' };
      if (m.choiceId) return { from: 'bot', text: `Thanks, an agent will help you with ${CHOICES[locale][m.choiceId] ?? m.choiceId}.` };
      return null;
    },
  };
}

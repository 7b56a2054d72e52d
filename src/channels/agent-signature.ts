/**
 * Who wrote an agent's reply, on channels that show every message as the bot's
 * (Telegram, WhatsApp): the reply's first line names the agent, or says a
 * person from support wrote it when the desk hides names
 * (DeskSettings.agentNameInReplies). The web chat shows the name as the
 * message's author instead (ServerMessage.agentName).
 */
import type { Locale } from '../conversation/conversation.types.js';
import type { OutboundMessage } from './channel.port.js';

const SIGNATURE: Record<Locale, { named: (name: string) => string; unnamed: string }> = {
  ru: { named: (name) => `${name} (поддержка):`, unnamed: 'Специалист поддержки:' },
  en: { named: (name) => `${name} (support):`, unnamed: 'Support agent:' },
};

/** The message with its text signed when an agent wrote it; any other message as it is. */
export function signAgentReply(message: OutboundMessage): OutboundMessage {
  if (message.author !== 'agent') return message;
  const words = SIGNATURE[message.locale] ?? SIGNATURE.ru;
  const line = message.agentName ? words.named(message.agentName) : words.unnamed;
  return { ...message, text: message.text ? `${line}\n${message.text}` : line };
}

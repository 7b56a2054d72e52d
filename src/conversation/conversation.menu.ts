/**
 * What a customer can do besides answering the current step (a new request,
 * their requests, the language), offered the way their channel suits: as slash
 * commands named in the text (Telegram has a command menu; WhatsApp takes typed
 * commands), or as buttons (the web chat). A pressed menu button runs the same
 * command as its slash form, at any step.
 */
import { formatText } from './conversation.copy.js';
import { reply, type ReplyEffect } from './conversation.prompts.js';
import { policyOf } from './conversation.state.js';
import type { Choice, Command, ConversationState, Locale } from './conversation.types.js';

export type MenuItem = 'new' | 'status' | 'lang';

const PREFIX = 'menu:';

function otherLocale(locale: Locale): Locale {
  return locale === 'ru' ? 'en' : 'ru';
}

/** The buttons for `items`, in the customer's language. */
export function menuChoices(locale: Locale, items: readonly MenuItem[]): Choice[] {
  return items.map((item) => {
    if (item === 'lang') return { id: `${PREFIX}lang:${otherLocale(locale)}`, label: formatText(locale, 'menu.lang') };
    return { id: `${PREFIX}${item}`, label: formatText(locale, item === 'new' ? 'menu.new' : 'menu.status') };
  });
}

/** The command a pressed menu button stands for, or null when the id is not a menu button. */
export function menuCommand(choiceId: string | undefined): Command | null {
  if (!choiceId?.startsWith(PREFIX)) return null;
  const item = choiceId.slice(PREFIX.length);
  if (item === 'new') return { kind: 'new' };
  if (item === 'status') return { kind: 'status', number: null };
  if (item === 'lang:ru' || item === 'lang:en') return { kind: 'lang', locale: item.slice(5) as Locale };
  return null;
}

/**
 * `text`, then how to file a new request (and see the others): a hint naming /new
 * for a channel of commands, buttons for a channel of buttons.
 */
export function withOffer(state: ConversationState, text: string, items: readonly MenuItem[] = ['new', 'status']): ReplyEffect {
  if (policyOf(state).menu === 'buttons') return reply(text, menuChoices(state.locale, items));
  return reply(`${text}\n${formatText(state.locale, 'hintNew')}`);
}

/** What /help answers: the commands, or on a channel of buttons the buttons. */
export function helpReply(state: ConversationState): ReplyEffect {
  if (policyOf(state).menu === 'buttons') return reply(formatText(state.locale, 'menuIntro'), menuChoices(state.locale, ['new', 'status', 'lang']));
  return reply(formatText(state.locale, 'help'));
}

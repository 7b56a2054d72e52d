/**
 * What a customer can do besides answering the current step (a new request,
 * their requests, the language), offered the way their channel suits: as slash
 * commands named in the text (Telegram has a command menu; WhatsApp takes typed
 * commands), or as buttons (the web chat). A pressed menu button runs the same
 * command as its slash form, at any step.
 */
import { languageChoice } from './conversation.choices.js';
import { formatText } from './conversation.copy.js';
import { reply, stepPrompt, type ReplyEffect } from './conversation.prompts.js';
import { policyOf } from './conversation.state.js';
import type { Choice, Command, ConversationState, Locale } from './conversation.types.js';

export type MenuItem = 'new' | 'status' | 'lang';

const PREFIX = 'menu:';

/** The buttons for `items`, in the customer's language. */
export function menuChoices(locale: Locale, items: readonly MenuItem[]): Choice[] {
  return items.map((item) => {
    if (item === 'lang') return languageChoice(locale);
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
 * for a channel of commands; for a channel of buttons the buttons, and always the
 * language with them, since a web visitor has no /lang to type.
 */
export function withOffer(state: ConversationState, text: string, items: readonly MenuItem[] = ['new', 'status']): ReplyEffect {
  if (policyOf(state).menu === 'buttons') return reply(text, offeredChoices(state, items));
  return reply(`${text}\n${formatText(state.locale, 'hintNew')}`);
}

/** The buttons for `items`, with the language's added on a channel of buttons (see withOffer). */
export function offeredChoices(state: ConversationState, items: readonly MenuItem[]): Choice[] {
  const withLanguage = policyOf(state).menu === 'buttons' && !items.includes('lang') ? [...items, 'lang' as const] : items;
  return menuChoices(state.locale, withLanguage);
}

/**
 * `text` with the whole menu as buttons, on a channel of buttons. During an
 * intake the step's prompt joins the same message, its own choices first: only
 * the newest message's buttons can be pressed in the web chat, so a separate
 * prompt after the menu would switch the menu off at once.
 */
export function withMenu(state: ConversationState, text: string): ReplyEffect {
  const menu = menuChoices(state.locale, ['new', 'status', 'lang']);
  const prompt = stepPrompt(state);
  if (!prompt) return reply(text, menu);
  // The step's own choices, then the menu; the language once, last, where the widget draws it apart.
  const own = (prompt.choices ?? []).filter((c) => !menu.some((m) => m.id === c.id));
  return reply(`${text}\n\n${prompt.text}`, [...own, ...menu]);
}

/**
 * What /help and an unknown command answer, with the step's prompt after it:
 * the commands on a channel of commands; the buttons on a channel of buttons,
 * where commands are never named (a web page has no command menu).
 */
export function menuAnswer(state: ConversationState, about: { kind: 'help' } | { kind: 'unknown'; command: string }): ReplyEffect[] {
  const { locale } = state;
  if (policyOf(state).menu === 'buttons') {
    return [withMenu(state, about.kind === 'help' ? formatText(locale, 'menuIntro') : formatText(locale, 'unknownCommandButtons', { command: about.command }))];
  }
  const text = about.kind === 'help' ? formatText(locale, 'help') : formatText(locale, 'unknownCommand', { command: about.command });
  const prompt = stepPrompt(state);
  return prompt ? [reply(text), prompt] : [reply(text)];
}

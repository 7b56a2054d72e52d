/**
 * Slash commands, understood at every step. Only /start, /new and /cancel touch
 * the draft; the others answer and then repeat the current step's prompt.
 */
import { formatText } from './conversation.copy.js';
import { recentlyClosed } from './conversation.follow.js';
import { cancelIntake, startIntake } from './conversation.intake.js';
import { menuAnswer, withOffer } from './conversation.menu.js';
import { promptEffects, reply } from './conversation.prompts.js';
import { parseRequestNumber, spellRequestNumber } from './conversation.request-number.js';
import { assertNever, isIntakeStep, policyOf } from './conversation.state.js';
import type { Command, ConversationState, Locale, TransitionResult } from './conversation.types.js';

export type { Command } from './conversation.types.js';

/**
 * `/name`, optionally `@botname` (Telegram adds it in groups), then arguments after
 * whitespace. "/var/log is full" is not a command: the name must end at a space,
 * an `@` or the end of the text.
 */
const COMMAND = /^\/([a-z0-9_]+)(?:@[a-z0-9_]+)?(?:\s+([\s\S]*))?$/i;

const LANGUAGE_NAMES: Readonly<Record<string, Locale>> = {
  ru: 'ru', rus: 'ru', russian: 'ru', 'русский': 'ru', 'рус': 'ru',
  en: 'en', eng: 'en', english: 'en', 'английский': 'en', 'англ': 'en',
};

function parseStatus(args: string): Command {
  if (!args) return { kind: 'status', number: null };
  const parsed = parseRequestNumber(args);
  return parsed === null ? { kind: 'usage', command: 'status' } : { kind: 'status', number: spellRequestNumber(parsed) };
}

function parseLang(args: string): Command {
  const locale = LANGUAGE_NAMES[args.toLowerCase()];
  return locale ? { kind: 'lang', locale } : { kind: 'usage', command: 'lang' };
}

/** The command in `text` (case-insensitive), or null when the text is not a command. */
export function parseCommand(text: string | undefined): Command | null {
  const match = COMMAND.exec(text?.trim() ?? '');
  if (!match) return null;
  const name = (match[1] ?? '').toLowerCase();
  const args = (match[2] ?? '').trim();
  switch (name) {
    case 'start':
    case 'new':
    case 'cancel':
    case 'help':
      return { kind: name };
    case 'status':
      return parseStatus(args);
    case 'lang':
      return parseLang(args);
    default:
      return { kind: 'unknown', name: `/${name}` };
  }
}

/** An answer that leaves the state as it is, followed by the current step's prompt. */
function answer(state: ConversationState, text: string): TransitionResult {
  return { state, effects: [reply(text), ...promptEffects(state)] };
}

/** /start and /new start over; while a request is being created nothing can interrupt it. */
function restart(state: ConversationState, greet: boolean): TransitionResult {
  if (state.step.kind === 'creating') return answer(state, formatText(state.locale, 'cannotInterruptCreating'));
  return startIntake(state, { greet });
}

function cancel(state: ConversationState): TransitionResult {
  if (state.step.kind === 'creating') return answer(state, formatText(state.locale, 'cannotInterruptCreating'));
  if (isIntakeStep(state.step)) return cancelIntake(state);
  return answer(state, formatText(state.locale, 'nothingToCancel'));
}

function switchLocale(state: ConversationState, locale: Locale): TransitionResult {
  const next = afterLanguage({ ...state, locale }, formatText(locale, 'langSet'));
  return { state: next.state, effects: [{ type: 'set_locale', locale }, ...next.effects] };
}

/**
 * Says the language changed, then what to do next in it: the step's prompt
 * again. On a channel of buttons outside an intake there is none, so a visitor
 * with nothing going on (most likely on the greeting) is taken to the intake's
 * first question, and one following a request gets the menu.
 */
function afterLanguage(state: ConversationState, text: string): TransitionResult {
  if (policyOf(state).menu !== 'buttons' || isIntakeStep(state.step)) return { state, effects: [reply(text), ...promptEffects(state)] };
  const nothingGoingOn = state.activeRequest === null && recentlyClosed(state, state.updatedAt) === null;
  if (!nothingGoingOn) return { state, effects: [withOffer(state, text)] };
  return startIntake(state, { greet: false, notes: [text] });
}

/**
 * Runs a command. /status only asks the store: the answer (and, during an intake,
 * the step's prompt) comes with `status_result`.
 */
export function runCommand(state: ConversationState, command: Command): TransitionResult {
  const { locale } = state;
  switch (command.kind) {
    case 'start':
    case 'new':
      return restart(state, command.kind === 'start');
    case 'cancel':
      return cancel(state);
    case 'help':
      return { state, effects: menuAnswer(state, { kind: 'help' }) };
    case 'status':
      return { state, effects: [{ type: 'query_status', number: command.number }] };
    case 'lang':
      return switchLocale(state, command.locale);
    case 'usage':
      return answer(state, formatText(locale, command.command === 'status' ? 'statusUsage' : 'langUsage'));
    case 'unknown':
      return { state, effects: menuAnswer(state, { kind: 'unknown', command: command.name }) };
    default:
      return assertNever(command);
  }
}

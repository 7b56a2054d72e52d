/**
 * The problem a customer states in their first message ("Здравствуйте, не
 * выгружается счёт в PDF"), kept so that nobody types it twice: without the
 * greeting in front ("Hi there," included), a short one-line text is both the
 * subject and the description, a longer one the description, each starting with
 * a capital. A bare greeting states nothing.
 */
import { resolveChoice, typeChoices } from './conversation.choices.js';
import { formatText } from './conversation.copy.js';
import { screenshotOf } from './conversation.state.js';
import { checkDescription, checkSubject, codePointLength } from './conversation.text-input.js';
import type { Draft, Locale, MessageEvent } from './conversation.types.js';

// Greetings and polite openings, in Russian and English, with the punctuation after them.
const GREETING =
  /^(?:(?:здравствуйте|здравствуй|добрый\s+(?:день|вечер|утро)|доброе\s+утро|доброго\s+(?:дня|времени\s+суток)|привет(?:ствую)?|добрый|hello|hi|hey|good\s+(?:morning|afternoon|evening|day)|dear\s+support)(?:\s+(?:there|all|everyone|everybody|team|support|всем|коллеги))?(?![\p{L}\p{N}])[\s!.,:;—–-]*)+/iu;

/** A one-line text up to this long is short enough to be the subject too. */
const SHORT = 100;
/** How much of the problem the bot quotes back. */
const QUOTE = 200;

export interface Problem {
  fields: Pick<Draft, 'subject' | 'description'>;
  /** The problem as the bot repeats it to the customer. */
  quote: string;
}

/** The problem stated in `text`, or null when it states none the draft could keep. */
export function problemOf(text: string | undefined): Problem | null {
  const rest = (text ?? '').trim().replace(GREETING, '').trim();
  if (!rest || rest.startsWith('/')) return null;
  const points = codePointLength(rest);
  const description = checkDescription(capitalise(rest));
  if (points <= SHORT && !rest.includes('\n')) {
    const subject = checkSubject(capitalise(rest));
    if (!subject.ok) return null;
    return { fields: { subject: subject.value, ...(description.ok ? { description: description.value } : {}) }, quote: rest };
  }
  if (!description.ok) return null;
  const quote = points <= QUOTE ? rest : `${Array.from(rest).slice(0, QUOTE).join('')}…`;
  return { fields: { description: description.value }, quote };
}

function capitalise(text: string): string {
  const [first = '', ...rest] = Array.from(text);
  return first.toLocaleUpperCase() + rest.join('');
}

/**
 * What a first message gives the draft, with what to tell the customer: a request
 * type picked (and then nothing else), or an image as the screenshot and the
 * problem stated in its text. Used also for a message that answers the incident
 * offer with something else (see incident-offer.ts).
 */
export function firstMessageDraft(locale: Locale, msg: MessageEvent): { draft: Draft; notes: string[] } {
  const type = resolveChoice(typeChoices(locale), msg);
  if (type) return { draft: { type: type.id }, notes: [] };
  const draft: Draft = {};
  const notes: string[] = [];
  if (msg.attachment?.isImage) {
    draft.screenshot = screenshotOf(msg.attachment);
    notes.push(formatText(locale, 'imageKept'));
  }
  const problem = msg.choiceId === undefined ? problemOf(msg.text) : null;
  if (problem) {
    Object.assign(draft, problem.fields);
    notes.push(formatText(locale, 'problemNoted', { problem: problem.quote }));
  }
  return { draft, notes };
}

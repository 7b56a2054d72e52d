import { formatText, typeLabel } from './conversation.copy.js';
import type { Choice, Locale, RequestType } from './conversation.types.js';
import { REQUEST_TYPES } from './conversation.types.js';

/** A choice whose id is one of a known set. */
export interface TypedChoice<Id extends string> extends Choice {
  id: Id;
}

export type SummaryAction = 'confirm' | 'edit' | 'cancel';
export type EditTarget = 'type' | 'subject' | 'description' | 'screenshot' | 'back';
export type Feedback = 'solved' | 'not_solved';

const SUMMARY_ACTIONS: readonly SummaryAction[] = ['confirm', 'edit', 'cancel'];
const EDIT_TARGETS: readonly EditTarget[] = ['type', 'subject', 'description', 'screenshot', 'back'];
const FEEDBACK: readonly Feedback[] = ['solved', 'not_solved'];

/** The four request types; ids are the `RequestType` values. */
export function typeChoices(locale: Locale): TypedChoice<RequestType>[] {
  return REQUEST_TYPES.map((id) => ({ id, label: typeLabel(locale, id) }));
}

export function summaryChoices(locale: Locale): TypedChoice<SummaryAction>[] {
  return SUMMARY_ACTIONS.map((id) => ({ id, label: formatText(locale, `choice.${id}`) }));
}

export function fieldChoices(locale: Locale): TypedChoice<EditTarget>[] {
  return EDIT_TARGETS.map((id) => ({ id, label: formatText(locale, `field.${id}`) }));
}

export function skipChoices(locale: Locale): TypedChoice<'skip'>[] {
  return [{ id: 'skip', label: formatText(locale, 'choice.skip') }];
}

/**
 * The switch to the other language, as the web chat's menu offers it
 * (`menu:lang:<locale>`, see menu.ts), labelled in that language.
 */
export function languageChoice(locale: Locale): Choice {
  const other: Locale = locale === 'ru' ? 'en' : 'ru';
  return { id: `menu:lang:${other}`, label: formatText(locale, 'menu.lang') };
}

/** Offered after a message filed under a request closed a moment ago. */
export function reopenChoices(locale: Locale): TypedChoice<'reopen'>[] {
  return [{ id: 'reopen', label: formatText(locale, 'choice.reopen') }];
}

/** Offered with a proposed solution: did it solve the problem? */
export function feedbackChoices(locale: Locale): TypedChoice<Feedback>[] {
  return FEEDBACK.map((id) => ({ id, label: formatText(locale, `choice.${id}`) }));
}

/** Lower-cased, single-spaced, `ё` read as `е`: how typed labels are compared. */
function normaliseLabel(text: string): string {
  return text.trim().replace(/\s+/g, ' ').toLowerCase().replace(/ё/g, 'е');
}

/**
 * The choice the customer made: a pressed button (`choiceId`), a typed 1-based
 * number ("2", " 2. ", "2)") or a typed label (case-insensitive, trimmed).
 * null when nothing matches, including an unknown `choiceId` with no usable text.
 */
export function resolveChoice<C extends Choice>(
  choices: readonly C[],
  input: { text?: string; choiceId?: string },
): C | null {
  if (input.choiceId !== undefined) {
    const pressed = choices.find((c) => c.id === input.choiceId);
    if (pressed) return pressed;
  }
  const text = input.text?.trim();
  if (!text) return null;
  const numbered = /^(\d{1,3})\s*[.)]?$/.exec(text);
  if (numbered) return choices[Number(numbered[1]) - 1] ?? null;
  const typed = normaliseLabel(text);
  return choices.find((c) => normaliseLabel(c.label) === typed) ?? null;
}

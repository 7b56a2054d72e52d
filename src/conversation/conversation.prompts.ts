import { fieldChoices, languageChoice, skipChoices, summaryChoices, typeChoices } from './conversation.choices.js';
import { formatText, typeLabel } from './conversation.copy.js';
import { offerPrompt } from './conversation.incidents.js';
import { assertNever, firstMissingStep, policyOf } from './conversation.state.js';
import { DESCRIPTION_LIMITS, SUBJECT_LIMITS } from './conversation.text-input.js';
import type { Choice, ConversationState, Draft, Effect, Locale, TransitionResult } from './conversation.types.js';

/** A `reply` effect; `choices` is left out rather than set to undefined (effects are stored as JSON). */
export type ReplyEffect = Extract<Effect, { type: 'reply' }>;

export function reply(text: string, choices?: Choice[]): ReplyEffect {
  return choices && choices.length > 0 ? { type: 'reply', text, choices } : { type: 'reply', text };
}

/** The summary shows at most this much of the description (a 5000-character text exceeds chat limits). */
const DESCRIPTION_PREVIEW = 1000;

function preview(text: string): string {
  const points = Array.from(text);
  return points.length <= DESCRIPTION_PREVIEW ? text : `${points.slice(0, DESCRIPTION_PREVIEW).join('')}…`;
}

/** The draft as the customer checks it before submitting. */
export function summaryText(locale: Locale, draft: Draft): string {
  return formatText(locale, 'summary', {
    type: draft.type ? typeLabel(locale, draft.type) : '—',
    subject: draft.subject ?? '—',
    description: preview(draft.description ?? '—'),
    screenshot: formatText(locale, draft.screenshot ? 'screenshotAttached' : 'screenshotNone'),
  });
}

/**
 * What the current step asks for, with its choices; null for `idle` and
 * `creating`, which ask nothing.
 */
export function stepPrompt(state: ConversationState): ReplyEffect | null {
  const { locale, step } = state;
  switch (step.kind) {
    case 'idle':
    case 'creating':
      return null;
    case 'contact_name':
      return reply(formatText(locale, 'askName'));
    case 'contact_info':
      return reply(formatText(locale, 'askContact'));
    case 'incident_offer': {
      const offer = offerPrompt(locale, step.offered, policyOf(state).menu);
      return reply(offer.text, offer.choices);
    }
    case 'choose_type':
      // On the web, the language comes with the first question, as on the opening prompt (see openingPrompt).
      return reply(formatText(locale, 'askType'), policyOf(state).menu === 'buttons' ? [...typeChoices(locale), languageChoice(locale)] : typeChoices(locale));
    case 'subject':
      return reply(formatText(locale, 'askSubject', SUBJECT_LIMITS));
    case 'description':
      return reply(formatText(locale, 'askDescription', DESCRIPTION_LIMITS));
    case 'screenshot':
      return reply(formatText(locale, 'askScreenshot'), skipChoices(locale));
    case 'summary':
      return reply(summaryText(locale, state.draft), summaryChoices(locale));
    case 'choose_field':
      return reply(formatText(locale, 'chooseField'), fieldChoices(locale));
    default:
      return assertNever(step);
  }
}

/** The current step's prompt as a list of effects (empty when the step asks nothing). */
export function promptEffects(state: ConversationState): Effect[] {
  const prompt = stepPrompt(state);
  return prompt ? [prompt] : [];
}

/**
 * The current step's prompt preceded by notes (what was wrong, what was kept), in
 * one message so the step's choices stay attached to it. Used for re-prompts and
 * for moving on with a remark.
 */
export function promptWith(state: ConversationState, notes: string[]): TransitionResult {
  const prompt = stepPrompt(state);
  const text = [...notes, prompt?.text].filter((part): part is string => Boolean(part)).join('\n\n');
  return { state, effects: text ? [reply(text, prompt?.choices)] : [] };
}

/**
 * Stores `draft` and asks for the first field still missing, or shows the summary
 * when the draft is complete: after an edit that is always the summary.
 */
export function advance(state: ConversationState, draft: Draft, notes: string[] = []): TransitionResult {
  const step = firstMissingStep(draft) ?? { kind: 'summary' };
  return promptWith({ ...state, draft, editing: false, step }, notes);
}

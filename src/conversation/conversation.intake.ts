/**
 * The intake: the steps that collect a draft, one handler per step. Every wrong
 * answer is a re-prompt that says what was wrong and keeps what was collected.
 *
 * Attachments at the text steps (subject, description): the text is what counts.
 * An image sent there is kept as the screenshot (a later image replaces it), and
 * the screenshot step is then skipped because `firstMissingStep` finds it given;
 * the summary shows it and it can still be changed through "edit". Any other file
 * is not kept, and the customer is told so. This holds with or without a caption
 * and also when the text itself is rejected, so the rule has no exceptions.
 */
import type { EditTarget } from './conversation.choices.js';
import { fieldChoices, languageChoice, resolveChoice, skipChoices, summaryChoices, typeChoices } from './conversation.choices.js';
import { formatText } from './conversation.copy.js';
import { advance, promptWith } from './conversation.prompts.js';

import { onContactName } from './conversation.contact.js';
import { answerOpening } from './conversation.incident-offer.js';
import { intakeStep, offeredIncidents, offerPrompt } from './conversation.incidents.js';
import { withOffer } from './conversation.menu.js';
import { firstMessageDraft, problemOf } from './conversation.problem.js';
import { assertNever, completeDraft, dropIntake, policyOf, screenshotOf } from './conversation.state.js';
import type { TextCheck } from './conversation.text-input.js';
import { checkDescription, checkSubject, codePointLength, DESCRIPTION_LIMITS, SUBJECT_LIMITS } from './conversation.text-input.js';
import type {
  Choice,
  ConversationState,
  Draft,
  KnownIncident,
  Locale,
  MessageEvent,
  Step,
  TransitionResult,
} from './conversation.types.js';

/** Moves to `step` and asks for it. */
function goTo(state: ConversationState, step: Step, editing: boolean): TransitionResult {
  return promptWith({ ...state, step, editing }, []);
}


/**
 * Starts a fresh intake (any earlier draft is dropped) with `draft`: the pre-chat
 * step first when the policy asks for it, else the offer of known incidents
 * while any are open, else the first field still missing.
 */
export function startIntake(state: ConversationState, opts: { greet: boolean; draft?: Draft; notes?: string[] }): TransitionResult {
  const base: ConversationState = { ...dropIntake(state), draft: opts.draft ?? {} };
  const step: Step = policyOf(state).askContact ? { kind: 'contact_name' } : intakeStep(state, base.draft);
  const notes = [...(opts.greet ? [formatText(state.locale, 'greeting')] : []), ...(opts.notes ?? [])];
  return promptWith({ ...base, step }, notes);
}

/**
 * The first message of a conversation with nothing to follow. Nothing the customer
 * wrote is lost: a request type they picked is taken, the problem they described
 * is kept for the draft (see problem.ts), an image becomes the screenshot. Where
 * the channel showed the opening prompt itself (the web chat), the message answers
 * it and the bot does not greet again: the name, the incident offer, or the type.
 */
export function startIntakeFrom(state: ConversationState, msg: MessageEvent): TransitionResult {
  const policy = policyOf(state);
  const greet = !policy.greetsOnOpen;
  // The opening prompt asked the name (see openingPrompt): this message gives it.
  if (policy.askContact && policy.greetsOnOpen) return onContactName({ ...dropIntake(state), step: { kind: 'contact_name' } }, msg);
  // The opening prompt was the offer, unless a type was pressed: then it was the
  // type question (the incident opened since), and the offer follows.
  if (policy.greetsOnOpen && policy.knownIncidents.length > 0 && !pressedType(state.locale, msg)) return answerOpening(state, msg);
  const { draft, notes } = firstMessageDraft(state.locale, msg);
  return startIntake(state, { greet, draft, notes });
}

function pressedType(locale: Locale, msg: MessageEvent): boolean {
  return msg.choiceId !== undefined && typeChoices(locale).some((c) => c.id === msg.choiceId);
}

/**
 * What a channel that opens the conversation itself (Policy.greetsOnOpen: the web
 * chat) shows before anything is stored: the greeting and the intake's first
 * question, the name when the pre-chat step is on, else the offer of the open
 * incidents (`knownIncidents`, newest first, as Policy.knownIncidents) when there
 * are any, else the request type. The language comes with it as a button, which
 * the widget sets apart: a web visitor has no /lang to type.
 */
export function openingPrompt(locale: Locale, opts: { askContact: boolean; knownIncidents?: KnownIncident[] }): { text: string; choices: Choice[] } {
  const greeting = formatText(locale, 'greeting');
  if (opts.askContact) return { text: `${greeting}\n\n${formatText(locale, 'askName')}`, choices: [languageChoice(locale)] };
  const offered = offeredIncidents(opts.knownIncidents ?? []);
  if (offered.length > 0) {
    const offer = offerPrompt(locale, offered, 'buttons');
    return { text: `${greeting}\n\n${offer.text}`, choices: offer.choices };
  }
  return { text: `${greeting}\n\n${formatText(locale, 'askType')}`, choices: [...typeChoices(locale), languageChoice(locale)] };
}

/** Drops the draft and returns to idle (following the active request, if any). */
export function cancelIntake(state: ConversationState): TransitionResult {
  const next = dropIntake(state);
  return { state: next, effects: [withOffer(next, formatText(state.locale, 'cancelled'))] };
}

/**
 * The type, by button, number or name. A customer who describes the problem here
 * instead (after /new, say) keeps what they wrote, as a first message would be
 * kept, and is asked the type again; a word or two that names no type is a
 * re-prompt, never a subject.
 */
export function onChooseType(state: ConversationState, msg: MessageEvent): TransitionResult {
  const choice = resolveChoice(typeChoices(state.locale), msg);
  if (choice) return advance(state, { ...state.draft, type: choice.id });
  const problem = msg.choiceId === undefined && !state.draft.subject && !state.draft.description && wordCount(msg.text) >= PROBLEM_MIN_WORDS ? problemOf(msg.text) : null;
  if (!problem) return promptWith(state, [formatText(state.locale, 'typeNotRecognised')]);
  return promptWith({ ...state, draft: { ...state.draft, ...problem.fields } }, [formatText(state.locale, 'problemNoted', { problem: problem.quote })]);
}

/** A text at the type step this many words long is a problem stated, not a misspelt type. */
const PROBLEM_MIN_WORDS = 3;

function wordCount(text: string | undefined): number {
  return (text ?? '').trim().split(/\s+/u).filter(Boolean).length;
}

type TextProblem = Extract<TextCheck, { ok: false }>;

function problemText(locale: Locale, field: 'subject' | 'description', problem: TextProblem): string {
  if (problem.reason === 'missing') return formatText(locale, 'textRequired');
  const limits = field === 'subject' ? SUBJECT_LIMITS : DESCRIPTION_LIMITS;
  const params = { length: problem.length, min: limits.min, max: limits.max };
  const tooShort = problem.reason === 'too_short';
  if (field === 'subject') return formatText(locale, tooShort ? 'subjectTooShort' : 'subjectTooLong', params);
  return formatText(locale, tooShort ? 'descriptionTooShort' : 'descriptionTooLong', params);
}

function checkText(msg: MessageEvent, field: 'subject' | 'description'): TextCheck {
  // A button press (a stale one: text steps offer none) is not a typed answer.
  if (msg.choiceId !== undefined) return { ok: false, reason: 'missing' };
  return field === 'subject' ? checkSubject(msg.text) : checkDescription(msg.text);
}

/** Subject and description: see the file comment for attachments. */
function onTextStep(state: ConversationState, msg: MessageEvent, field: 'subject' | 'description'): TransitionResult {
  const { locale } = state;
  const attachment = msg.attachment;
  const draft: Draft = attachment?.isImage ? { ...state.draft, screenshot: screenshotOf(attachment) } : state.draft;
  const notes = attachment ? [formatText(locale, attachment.isImage ? 'imageKept' : 'fileNotKept')] : [];
  const check = checkText(msg, field);
  if (!check.ok) return promptWith({ ...state, draft }, [...notes, problemText(locale, field, check)]);
  return advance(state, { ...draft, [field]: check.value }, notes);
}

export function onSubject(state: ConversationState, msg: MessageEvent): TransitionResult {
  return onTextStep(state, msg, 'subject');
}

export function onDescription(state: ConversationState, msg: MessageEvent): TransitionResult {
  return onTextStep(state, msg, 'description');
}

/**
 * An image is taken; "skip" (button, typed label or number) leaves the request
 * without one. Text typed here is not lost: it is added to the description, and
 * the customer is told so.
 */
export function onScreenshot(state: ConversationState, msg: MessageEvent): TransitionResult {
  const { locale } = state;
  const skipped = !msg.attachment && resolveChoice(skipChoices(locale), msg) !== null;
  if (skipped) return advance(state, { ...state.draft, screenshot: null });
  const added = skipped ? null : addToDescription(state, msg);
  const draft = added?.draft ?? state.draft;
  const notes = added ? [added.note] : [];
  if (msg.attachment?.isImage) return advance(state, { ...draft, screenshot: screenshotOf(msg.attachment) }, notes);
  if (msg.attachment) return promptWith({ ...state, draft }, [...notes, formatText(locale, 'notAnImage')]);
  return promptWith({ ...state, draft }, added ? notes : [formatText(locale, 'screenshotExpected')]);
}

/** The message's text appended to the description, with what to tell the customer; null when it has none. */
function addToDescription(state: ConversationState, msg: MessageEvent): { draft: Draft; note: string } | null {
  const text = msg.choiceId === undefined ? msg.text?.trim() : undefined;
  if (!text) return null;
  const { locale, draft } = state;
  const description = draft.description ? `${draft.description}\n\n${text}` : text;
  if (codePointLength(description) > DESCRIPTION_LIMITS.max) {
    return { draft, note: formatText(locale, 'descriptionFull', { max: DESCRIPTION_LIMITS.max }) };
  }
  const quote = codePointLength(text) <= 200 ? text : `${Array.from(text).slice(0, 200).join('')}…`;
  return { draft: { ...draft, description }, note: formatText(locale, 'addedToDescription', { text: quote }) };
}

function confirm(state: ConversationState, msg: MessageEvent): TransitionResult {
  const draft = completeDraft(state.draft);
  // Only a state not made here could reach the summary incomplete: ask for what is missing.
  if (!draft) return advance(state, state.draft);
  return {
    state: { ...state, step: { kind: 'creating' }, editing: false },
    effects: [{ type: 'create_request', draft, sourceMessageId: msg.messageId }],
  };
}

export function onSummary(state: ConversationState, msg: MessageEvent): TransitionResult {
  const choice = resolveChoice(summaryChoices(state.locale), msg);
  if (!choice) return promptWith(state, [formatText(state.locale, 'summaryNotRecognised')]);
  switch (choice.id) {
    case 'confirm':
      return confirm(state, msg);
    case 'edit':
      return goTo(state, { kind: 'choose_field' }, false);
    case 'cancel':
      return cancelIntake(state);
    default:
      return assertNever(choice.id);
  }
}

function stepForEdit(target: Exclude<EditTarget, 'back'>): Step {
  switch (target) {
    case 'type':
      return { kind: 'choose_type' };
    case 'subject':
    case 'description':
    case 'screenshot':
      return { kind: target };
    default:
      return assertNever(target);
  }
}

export function onChooseField(state: ConversationState, msg: MessageEvent): TransitionResult {
  const choice = resolveChoice(fieldChoices(state.locale), msg);
  if (!choice) return promptWith(state, [formatText(state.locale, 'fieldNotRecognised')]);
  if (choice.id === 'back') return goTo(state, { kind: 'summary' }, false);
  return goTo(state, stepForEdit(choice.id), true);
}

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
import { fieldChoices, resolveChoice, skipChoices, summaryChoices, typeChoices } from './conversation.choices.js';
import { formatText } from './conversation.copy.js';
import { promptWith } from './conversation.prompts.js';
import { assertNever, completeDraft, dropIntake, firstMissingStep } from './conversation.state.js';
import type { TextCheck } from './conversation.text-input.js';
import { checkDescription, checkSubject, DESCRIPTION_LIMITS, SUBJECT_LIMITS } from './conversation.text-input.js';
import type {
  AttachmentRef,
  ConversationState,
  Draft,
  Locale,
  MessageEvent,
  Step,
  TransitionResult,
} from './conversation.types.js';

/** Only the contract's fields are kept: the state is stored as JSON, whatever the gateway's object carries. */
function screenshotOf(attachment: AttachmentRef): AttachmentRef {
  return { id: attachment.id, mimeType: attachment.mimeType, isImage: attachment.isImage };
}

/** Moves to `step` and asks for it. */
function goTo(state: ConversationState, step: Step, editing: boolean): TransitionResult {
  return promptWith({ ...state, step, editing }, []);
}

/**
 * Stores `draft` and asks for the first field still missing, or shows the summary
 * when the draft is complete: after an edit that is always the summary.
 */
function advance(state: ConversationState, draft: Draft, notes: string[] = []): TransitionResult {
  const step = firstMissingStep(draft) ?? { kind: 'summary' };
  return promptWith({ ...state, draft, editing: false, step }, notes);
}

/** Starts a fresh intake (any draft is dropped) at the type question. */
export function startIntake(state: ConversationState, greet: boolean): TransitionResult {
  const next: ConversationState = { ...dropIntake(state), step: { kind: 'choose_type' } };
  return promptWith(next, greet ? [formatText(state.locale, 'greeting')] : []);
}

/** Drops the draft and returns to idle (following the active request, if any). */
export function cancelIntake(state: ConversationState): TransitionResult {
  return { state: dropIntake(state), effects: [{ type: 'reply', text: formatText(state.locale, 'cancelled') }] };
}

export function onChooseType(state: ConversationState, msg: MessageEvent): TransitionResult {
  const choice = resolveChoice(typeChoices(state.locale), msg);
  if (!choice) return promptWith(state, [formatText(state.locale, 'typeNotRecognised')]);
  return advance(state, { ...state.draft, type: choice.id });
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

/** An image is taken; "skip" (button, typed label or number) leaves the request without one. */
export function onScreenshot(state: ConversationState, msg: MessageEvent): TransitionResult {
  const { locale } = state;
  if (msg.attachment?.isImage) return advance(state, { ...state.draft, screenshot: screenshotOf(msg.attachment) });
  if (msg.attachment) return promptWith(state, [formatText(locale, 'notAnImage')]);
  if (resolveChoice(skipChoices(locale), msg)) return advance(state, { ...state.draft, screenshot: null });
  return promptWith(state, [formatText(locale, 'screenshotExpected')]);
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

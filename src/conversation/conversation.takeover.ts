/**
 * An agent takes over an intake still in progress (the console's Drafts): the
 * request is created from what the customer has given so far, with what is
 * missing filled in plainly, and the customer learns that a person joined.
 */
import { formatText } from './conversation.copy.js';
import { type CompleteDraft, isIntakeStep } from './conversation.state.js';
import { checkDescription, checkSubject } from './conversation.text-input.js';
import type { ConversationEvent, ConversationState, Draft, Locale, TransitionResult } from './conversation.types.js';

type TakenOver = Extract<ConversationEvent, { type: 'taken_over' }>;

/** Nothing happens outside an intake, or while its request is already being created. */
export function onTakenOver(state: ConversationState, ev: TakenOver): TransitionResult {
  if (!isIntakeStep(state.step) || state.step.kind === 'creating') return { state, effects: [] };
  const { contact: _unsaved, ...rest } = state;
  return {
    state: { ...rest, step: { kind: 'creating' }, editing: false, takenOverBy: ev.agentName },
    effects: [{ type: 'create_request', draft: completeForAgent(state.locale, state.draft), sourceMessageId: ev.sourceMessageId }],
  };
}

/**
 * The draft made complete: a consultation when no type was chosen, the first line
 * of the description as the subject (or "without a subject"), the subject as the
 * description (or a note that there is none).
 */
export function completeForAgent(locale: Locale, draft: Draft): CompleteDraft {
  const firstLine = checkSubject(draft.description?.split('\n')[0]?.slice(0, 200));
  const subject = draft.subject ?? (firstLine.ok ? firstLine.value : formatText(locale, 'untitled'));
  const fromSubject = checkDescription(draft.subject);
  const description = draft.description ?? (fromSubject.ok ? fromSubject.value : formatText(locale, 'undescribed'));
  return { type: draft.type ?? 'consultation', subject, description, screenshot: draft.screenshot ?? null };
}

/**
 * The conversation engine: `transition(state, event) → { state, effects }`.
 * Pure: time and ids come in the event, everything to do goes out as effects.
 * It never throws for a well-typed event in a well-typed state; customer mistakes
 * are re-prompts.
 */
import { parseCommand, runCommand } from './conversation.commands.js';
import { onContactInfo, onContactName } from './conversation.contact.js';
import { formatText } from './conversation.copy.js';
import { applyFeedback, feedbackButton, onIdleMessage } from './conversation.follow.js';
import { onIncidentOffer } from './conversation.incident-offer.js';
import { linkedCreatedText } from './conversation.incidents.js';
import {
  onChooseField,
  onChooseType,
  onDescription,
  onScreenshot,
  onSubject,
  onSummary,
} from './conversation.intake.js';
import { menuCommand, withOffer } from './conversation.menu.js';
import { onStatusChanged, onStatusResult } from './conversation.notices.js';
import { onTakenOver } from './conversation.takeover.js';
import { promptEffects, reply } from './conversation.prompts.js';
import { assertNever, dropIntake, isIntakeStep } from './conversation.state.js';
import type { ConversationEvent, ConversationState, Effect, Locale, MessageEvent, RejectedFile, TransitionResult } from './conversation.types.js';

type RequestCreated = Extract<ConversationEvent, { type: 'request_created' }>;

/**
 * A message while the request is being created (the gateway serialises, so this
 * is rare): it is held and forwarded to the request once it exists.
 */
function holdMessage(state: ConversationState, msg: MessageEvent): TransitionResult {
  const held = state.heldMessageIds ?? [];
  const heldMessageIds = held.includes(msg.messageId) ? held : [...held, msg.messageId];
  return { state: { ...state, heldMessageIds }, effects: [reply(formatText(state.locale, 'waitCreating'))] };
}

/** A solved / not solved button during an intake: honoured, then the step is asked again. */
function onFeedbackDuringIntake(state: ConversationState, msg: MessageEvent): TransitionResult | null {
  const feedback = feedbackButton(state, msg);
  if (feedback === null || state.activeRequest === null) return null;
  const result = applyFeedback(state, msg, state.activeRequest, feedback);
  return { state: result.state, effects: [...result.effects, ...promptEffects(result.state)] };
}

function onStepMessage(state: ConversationState, msg: MessageEvent): TransitionResult {
  const step = state.step;
  switch (step.kind) {
    case 'idle':
      return onIdleMessage(state, msg);
    case 'contact_name':
      return onContactName(state, msg);
    case 'contact_info':
      return onContactInfo(state, msg);
    case 'incident_offer':
      return onIncidentOffer(state, msg);
    case 'choose_type':
      return onChooseType(state, msg);
    case 'subject':
      return onSubject(state, msg);
    case 'description':
      return onDescription(state, msg);
    case 'screenshot':
      return onScreenshot(state, msg);
    case 'summary':
      return onSummary(state, msg);
    case 'choose_field':
      return onChooseField(state, msg);
    case 'creating':
      return holdMessage(state, msg);
    default:
      return assertNever(step);
  }
}

/** The gateway refused a file the customer sent: say why, then handle whatever else the message carried. */
function onRejectedFile(state: ConversationState, msg: MessageEvent, rejected: RejectedFile): TransitionResult {
  const note = rejectionNote(state.locale, rejected);
  const { rejectedFile: _dropped, ...rest } = msg;
  const hasContent = Boolean(rest.text?.trim()) || rest.choiceId !== undefined || rest.attachment !== undefined;
  if (!hasContent) return { state, effects: [reply(note), ...promptEffects(state)] };
  const result = onMessage(state, rest);
  return { state: result.state, effects: [reply(note), ...result.effects] };
}

function rejectionNote(locale: Locale, rejected: RejectedFile): string {
  switch (rejected.reason) {
    case 'too_large':
      return formatText(locale, 'fileTooLarge', { limitMb: Math.max(1, Math.floor(rejected.limitBytes / 1048576)) });
    case 'unsupported_type':
      return formatText(locale, 'fileUnsupported');
    case 'too_many_pixels':
      return formatText(locale, 'fileTooManyPixels', {
        width: rejected.width,
        height: rejected.height,
        maxMegapixels: Number((rejected.maxPixels / 1e6).toFixed(1)),
        maxSide: rejected.maxSide,
      });
    default:
      return assertNever(rejected);
  }
}

function onMessage(state: ConversationState, msg: MessageEvent): TransitionResult {
  if (msg.rejectedFile) return onRejectedFile(state, msg, msg.rejectedFile);
  // A pressed button is never a command, whatever its label; a menu button is one by its id.
  const command = msg.choiceId === undefined ? parseCommand(msg.text) : menuCommand(msg.choiceId);
  if (command) return runCommand(state, command);
  if (state.step.kind !== 'creating' && isIntakeStep(state.step)) {
    const feedback = onFeedbackDuringIntake(state, msg);
    if (feedback) return feedback;
  }
  return onStepMessage(state, msg);
}

/**
 * The request exists: the customer learns its number and it becomes the one
 * followed. Normally this ends `creating`; if the intake expired meanwhile the
 * request is still real, so it is announced all the same.
 */
function onRequestCreated(state: ConversationState, ev: RequestCreated): TransitionResult {
  const held = state.heldMessageIds ?? [];
  const followed: ConversationState = {
    ...state,
    activeRequest: ev.number,
    activeStatus: 'new',
    followUpAcked: false,
    heldMessageIds: [],
    recentlyClosed: null,
    takenOverBy: null,
  };
  const next = state.step.kind === 'creating' ? dropIntake(followed) : followed;
  return {
    state: next,
    effects: [
      createdReply(state, next, ev.number),
      ...held.map((messageId) => ({ type: 'forward_to_request' as const, number: ev.number, messageId })),
      // Only when an intake was started after this one expired: tell where it stands.
      ...promptEffects(next),
    ],
  };
}

/** The confirmation: an agent joined, the request is linked to a mass incident, or the plain one. */
function createdReply(state: ConversationState, next: ConversationState, number: string): Effect {
  const { locale, step } = state;
  const agent = state.takenOverBy;
  if (agent) return reply(formatText(locale, 'takenOver', { agent, number }));
  const incident = step.kind === 'creating' ? step.incident : undefined;
  if (incident) return withOffer(next, linkedCreatedText(locale, number, incident));
  return withOffer(next, formatText(locale, 'requestCreated', { number }));
}

/** The intake timed out: the draft goes, the rest stays; the gateway decides what to say. */
function onExpired(state: ConversationState): TransitionResult {
  return { state: isIntakeStep(state.step) ? dropIntake(state) : state, effects: [] };
}

/** Applies one event. `state.updatedAt` becomes the event's time. */
export function transition(state: ConversationState, event: ConversationEvent): TransitionResult {
  const current: ConversationState = { ...state, updatedAt: event.at };
  switch (event.type) {
    case 'message':
      return onMessage(current, event);
    case 'request_created':
      return onRequestCreated(current, event);
    case 'status_result':
      return onStatusResult(current, event);
    case 'status_changed':
      return onStatusChanged(current, event);
    case 'expired':
      return onExpired(current);
    case 'taken_over':
      return onTakenOver(current, event);
    default:
      return assertNever(event);
  }
}

export { initialState, isIntakeStep } from './conversation.state.js';

/**
 * Following the active request outside an intake: customer messages are forwarded
 * to it, read according to its last known status (a plain follow-up, the answer to
 * a clarification, or a solved / not solved reply to a proposed solution). With
 * none active, a message soon after a request was closed is filed under that one
 * (Policy.closedFollowUpMs); anything else starts an intake.
 */
import type { Feedback } from './conversation.choices.js';
import { feedbackChoices, reopenChoices, resolveChoice } from './conversation.choices.js';
import { formatText } from './conversation.copy.js';
import { startIntakeFrom } from './conversation.intake.js';
import { offeredChoices } from './conversation.menu.js';
import { reply } from './conversation.prompts.js';
import { assertNever, policyOf } from './conversation.state.js';
import type { ConversationState, Effect, MessageEvent, TransitionResult } from './conversation.types.js';

function forward(number: string, msg: MessageEvent): Effect {
  return { type: 'forward_to_request', number, messageId: msg.messageId };
}

/** A message in `idle`: a follow-up of the active request, of one closed a moment ago, or the start of an intake. */
export function onIdleMessage(state: ConversationState, msg: MessageEvent): TransitionResult {
  const number = state.activeRequest;
  if (number === null) {
    const closed = recentlyClosed(state, msg.at);
    return closed ? afterClosing(state, msg, closed) : startIntakeFrom(state, msg);
  }
  const status = state.activeStatus;
  switch (status) {
    case 'awaiting_customer':
      return answerClarification(state, msg, number);
    case 'solution_provided':
      return answerSolution(state, msg, number);
    case 'new':
    case 'in_progress':
    case 'closed':
    case null:
      return forwardPlain(state, msg, number);
    default:
      return assertNever(status);
  }
}

/** The request closed within Policy.closedFollowUpMs before `at`, if any. */
export function recentlyClosed(state: ConversationState, at: number): string | null {
  const closed = state.recentlyClosed;
  const window = policyOf(state).closedFollowUpMs;
  if (!closed || window <= 0) return null;
  return at - closed.at <= window ? closed.number : null;
}

/**
 * A message soon after the request was closed ("Спасибо!"): filed under it, so
 * agents see it, without reopening it. The first one is answered with what the
 * customer can do: reopen the request, or file a new one.
 */
function afterClosing(state: ConversationState, msg: MessageEvent, number: string): TransitionResult {
  const { locale } = state;
  if (resolveChoice(reopenChoices(locale), msg)) {
    return {
      state: { ...state, activeRequest: number, activeStatus: 'in_progress', followUpAcked: true, recentlyClosed: null },
      effects: [
        forward(number, msg),
        { type: 'change_status', number, status: 'in_progress', comment: null },
        reply(formatText(locale, 'reopenedByCustomer', { number })),
      ],
    };
  }
  if (state.recentlyClosed?.acked) return { state, effects: [forward(number, msg)] };
  const choices = [...reopenChoices(locale), ...offeredChoices(state, ['new'])];
  return {
    state: { ...state, recentlyClosed: state.recentlyClosed ? { ...state.recentlyClosed, acked: true } : null },
    effects: [forward(number, msg), reply(formatText(locale, 'closedFollowUp', { number }), choices)],
  };
}

/** Forwards; only the first follow-up since creation or the last notice is acknowledged. */
function forwardPlain(state: ConversationState, msg: MessageEvent, number: string): TransitionResult {
  const ack = state.followUpAcked === true ? [] : [reply(formatText(state.locale, 'followUpAck', { number }))];
  return { state: { ...state, followUpAcked: true }, effects: [forward(number, msg), ...ack] };
}

/** The message answers the agent's question: it goes to the request, which goes back to work. */
function answerClarification(state: ConversationState, msg: MessageEvent, number: string): TransitionResult {
  return {
    state: { ...state, activeStatus: 'in_progress', followUpAcked: true },
    effects: [
      forward(number, msg),
      { type: 'change_status', number, status: 'in_progress', comment: null },
      reply(formatText(state.locale, 'clarificationThanks', { number })),
    ],
  };
}

/** Solved / not solved expected; anything else is forwarded and the question asked again. */
function answerSolution(state: ConversationState, msg: MessageEvent, number: string): TransitionResult {
  const choice = resolveChoice(feedbackChoices(state.locale), msg);
  if (choice) return applyFeedback(state, msg, number, choice.id);
  return {
    state: { ...state, followUpAcked: true },
    effects: [
      forward(number, msg),
      reply(formatText(state.locale, 'feedbackReoffer', { number }), feedbackChoices(state.locale)),
    ],
  };
}

/**
 * The customer's verdict on a proposed solution, filed under the request so
 * agents see the answer: solved closes the request (it is no longer
 * followed); not solved reopens it.
 */
export function applyFeedback(
  state: ConversationState,
  msg: MessageEvent,
  number: string,
  feedback: Feedback,
): TransitionResult {
  const { locale } = state;
  switch (feedback) {
    case 'solved':
      return {
        state: { ...state, activeRequest: null, activeStatus: null, followUpAcked: false, recentlyClosed: { number, at: msg.at, acked: false } },
        effects: [
          forward(number, msg),
          { type: 'change_status', number, status: 'closed', comment: null },
          reply(formatText(locale, 'solvedThanks', { number })),
        ],
      };
    case 'not_solved':
      return {
        state: { ...state, activeStatus: 'in_progress', followUpAcked: true },
        effects: [
          forward(number, msg),
          { type: 'change_status', number, status: 'in_progress', comment: null },
          reply(formatText(locale, 'reopened', { number })),
        ],
      };
    default:
      return assertNever(feedback);
  }
}

/**
 * A solved / not solved button pressed on a solution notice while an intake is in
 * progress: the button is unambiguous, so it is honoured without disturbing the
 * intake. Typed text is not read this way there: it belongs to the intake.
 */
export function feedbackButton(state: ConversationState, msg: MessageEvent): Feedback | null {
  if (state.activeRequest === null || state.activeStatus !== 'solution_provided') return null;
  if (msg.choiceId === undefined) return null;
  return feedbackChoices(state.locale).find((c) => c.id === msg.choiceId)?.id ?? null;
}

/**
 * What the customer hears about their requests: status changes made by agents and
 * answers to /status (which say when a request is part of a mass incident, with
 * its latest update). Neither disturbs an intake in progress; the step's prompt is
 * repeated after them so the customer knows where they are.
 */
import { feedbackChoices } from './conversation.choices.js';
import { formatText, statusLabel } from './conversation.copy.js';
import { incidentStatusLines } from './conversation.incidents.js';
import { promptEffects, reply } from './conversation.prompts.js';
import type { ReplyEffect } from './conversation.prompts.js';
import { withOffer } from './conversation.menu.js';
import { assertNever, isIntakeStep } from './conversation.state.js';
import type {
  ConversationEvent,
  ConversationState,
  Locale,
  RequestStatus,
  TransitionResult,
} from './conversation.types.js';

type StatusChanged = Extract<ConversationEvent, { type: 'status_changed' }>;
type StatusResult = Extract<ConversationEvent, { type: 'status_result' }>;

/** Statuses after which the customer's next message is an answer to the agent. */
function expectsAnswer(status: RequestStatus): boolean {
  return status === 'awaiting_customer' || status === 'solution_provided';
}

/**
 * Which request is followed after a notice. The active one (or any, when none is)
 * takes the new status, and is no longer followed once closed. A notice about
 * another request that waits for the customer's answer makes that request the
 * active one, so the answer reaches the agent who asked; other notices about
 * other requests change nothing.
 */
function followAfterNotice(state: ConversationState, ev: StatusChanged): ConversationState {
  const concerned = state.activeRequest === null || state.activeRequest === ev.number || expectsAnswer(ev.status);
  if (!concerned) return state;
  if (ev.status === 'closed') {
    const closed = { number: ev.number, at: ev.at, acked: false };
    if (state.activeRequest === null) return { ...state, recentlyClosed: closed };
    if (state.activeRequest !== ev.number) return state;
    return { ...state, activeRequest: null, activeStatus: null, followUpAcked: false, recentlyClosed: closed };
  }
  return { ...state, activeRequest: ev.number, activeStatus: ev.status, followUpAcked: false };
}

function withComment(locale: Locale, text: string, comment: string | null): string {
  return comment ? `${text}\n${formatText(locale, 'noticeComment', { comment })}` : text;
}

/** The notice for a status change, in the customer's language. */
export function noticeReply(locale: Locale, ev: StatusChanged): ReplyEffect {
  const number = ev.number;
  const comment = ev.comment?.trim() || null;
  switch (ev.status) {
    case 'new': {
      const status = statusLabel(locale, 'new');
      return reply(withComment(locale, formatText(locale, 'noticeStatus', { number, status }), comment));
    }
    case 'in_progress':
      return reply(withComment(locale, formatText(locale, 'noticeInProgress', { number }), comment));
    case 'awaiting_customer':
      return reply(
        comment
          ? formatText(locale, 'noticeClarification', { number, comment })
          : formatText(locale, 'noticeClarificationPlain', { number }),
      );
    case 'solution_provided':
      return reply(
        comment
          ? formatText(locale, 'noticeSolution', { number, comment })
          : formatText(locale, 'noticeSolutionPlain', { number }),
        feedbackChoices(locale),
      );
    case 'closed':
      return reply(withComment(locale, formatText(locale, 'noticeClosed', { number }), comment));
    default:
      return assertNever(ev.status);
  }
}

export function onStatusChanged(state: ConversationState, ev: StatusChanged): TransitionResult {
  const next = followAfterNotice(state, ev);
  return { state: next, effects: [noticeReply(state.locale, ev), ...promptEffects(next)] };
}

function statusResultText(locale: Locale, ev: StatusResult): string {
  if (ev.requests.length === 0) {
    if (ev.query === null) return formatText(locale, 'noOpenRequests');
    return formatText(locale, 'requestNotFound', { number: ev.query });
  }
  const lines = ev.requests.map((r) => {
    const line = formatText(locale, 'statusLine', { number: r.number, subject: r.subject, status: statusLabel(locale, r.status) });
    return [line, ...(r.incident ? incidentStatusLines(locale, r.incident) : [])].join('\n');
  });
  return (ev.query === null ? [formatText(locale, 'statusListHeader'), ...lines] : lines).join('\n');
}

/** The answer to /status; the step is unchanged and, during an intake, asked again. */
export function onStatusResult(state: ConversationState, ev: StatusResult): TransitionResult {
  const text = statusResultText(state.locale, ev);
  // With nothing open, say how to file a new request (outside an intake, whose prompt follows instead).
  const answer = ev.requests.length === 0 && ev.query === null && !isIntakeStep(state.step) ? withOffer(state, text, ['new']) : reply(text);
  return { state, effects: [answer, ...promptEffects(state)] };
}


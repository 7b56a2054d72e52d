/**
 * The incident offer (the `incident_offer` step): while mass incidents are open,
 * an intake starts by asking whether the customer's problem is one of them.
 * "Yes" creates their request at once, linked to the incident, with no further
 * questions; "No" runs the normal intake with what the customer gave so far.
 * Anything else sent there is read as "No" and kept as a first message would be,
 * so nobody is stuck on the question. A request is linked only to an incident
 * the gateway lists in this event's policy: one closed since it was offered
 * leads to the normal intake, with a word that it was fixed.
 */
import { formatText } from './conversation.copy.js';
import { keptIncident, linkedDraft, offeredIncidents, resolveOffer, titleOf } from './conversation.incidents.js';
import { firstMessageDraft } from './conversation.problem.js';
import { advance, promptWith } from './conversation.prompts.js';
import { assertNever, dropIntake, policyOf } from './conversation.state.js';
import type { ConversationState, MessageEvent, OfferedIncident, TransitionResult } from './conversation.types.js';

/** A message at the offer. */
export function onIncidentOffer(state: ConversationState, msg: MessageEvent): TransitionResult {
  const offered = state.step.kind === 'incident_offer' ? state.step.offered : [];
  return answerOffer(state, offered, msg);
}

/**
 * The first message on a channel that showed the opening prompt itself (the web
 * chat): while incidents are open that prompt was the offer (see openingPrompt),
 * so the message answers it, and the bot does not greet again.
 */
export function answerOpening(state: ConversationState, msg: MessageEvent): TransitionResult {
  const offered = offeredIncidents(policyOf(state).knownIncidents);
  return answerOffer({ ...dropIntake(state), step: { kind: 'incident_offer', offered } }, offered, msg);
}

function answerOffer(state: ConversationState, offered: readonly OfferedIncident[], msg: MessageEvent): TransitionResult {
  const answer = resolveOffer(state.locale, offered, msg);
  if (answer === null) return carryOn(state, msg);
  switch (answer.kind) {
    case 'mine':
      return link(state, msg, answer.number, offered);
    case 'not_mine':
      return advance(state, state.draft);
    case 'unclear':
      return askAgain(state);
    default:
      return assertNever(answer);
  }
}

function askAgain(state: ConversationState): TransitionResult {
  const { locale } = state;
  return promptWith(state, [formatText(locale, 'incidentOfferNotRecognised', { no: formatText(locale, 'choice.incidentNo') })]);
}

/**
 * Not an answer: read as "No", with what the message gives kept as a first
 * message's would be (the newer statement wins). A stale button with nothing
 * else in the message is no answer at all: the offer is asked again.
 */
function carryOn(state: ConversationState, msg: MessageEvent): TransitionResult {
  const kept = firstMessageDraft(state.locale, msg);
  const hasContent = Object.keys(kept.draft).length > 0 || Boolean(msg.text?.trim()) || msg.attachment !== undefined;
  if (!hasContent) return askAgain(state);
  return advance(state, { ...state.draft, ...kept.draft }, kept.notes);
}

/** "Yes": the request is created at once, linked, if the incident is still listed; else the normal intake. */
function link(state: ConversationState, msg: MessageEvent, number: string, offered: readonly OfferedIncident[]): TransitionResult {
  const { locale } = state;
  const incident = policyOf(state).knownIncidents.find((i) => i.number === number);
  if (!incident) {
    const shown = offered.find((i) => i.number === number);
    const note = shown ? formatText(locale, 'incidentResolved', { title: titleOf(locale, shown) }) : formatText(locale, 'incidentResolvedPlain');
    return advance(state, state.draft, [note]);
  }
  const draft = linkedDraft(locale, incident, state.draft);
  return {
    state: { ...state, step: { kind: 'creating', incident: keptIncident(incident) }, draft, editing: false },
    effects: [{ type: 'create_request', draft, sourceMessageId: msg.messageId, incidentNumber: incident.number }],
  };
}

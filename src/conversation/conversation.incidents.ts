/**
 * Mass incidents as the customer meets them: the offer at the start of an intake
 * ("we know about a fault: … is yours this one?"), the draft of a request linked
 * to one, and the texts that mention one (the confirmation, /status, an update).
 * The incidents themselves are the gateway's (Policy.knownIncidents); nothing here
 * decides a step, see incident-offer.ts for that.
 */
import { languageChoice, resolveChoice } from './conversation.choices.js';
import { formatText } from './conversation.copy.js';
import { type CompleteDraft, firstMissingStep, policyOf } from './conversation.state.js';
import { checkDescription, checkSubject, SUBJECT_LIMITS } from './conversation.text-input.js';
import type { Choice, ConversationState, Draft, KnownIncident, Locale, MessageEvent, OfferedIncident, Policy, Step } from './conversation.types.js';

/** At most this many incidents are offered, the newest first. */
export const MAX_OFFERED = 3;

const PREFIX = 'incident:';
/** The id of "No, something else". */
export const NOT_MINE_ID = `${PREFIX}none`;

/** The id of "Yes" for one incident: stable, carrying its number (`incident:SR-1001`). */
export function incidentChoiceId(number: string): string {
  return `${PREFIX}${number}`;
}

/** The incidents to offer: the first three, only the fields the step keeps (it is stored as JSON). */
export function offeredIncidents(known: readonly KnownIncident[]): OfferedIncident[] {
  return known.slice(0, MAX_OFFERED).map((i) => ({ number: i.number, titles: { ru: i.titles.ru, en: i.titles.en } }));
}

/** The intake's first question: the offer while incidents are open, else the first field missing. */
export function intakeStep(state: ConversationState, draft: Draft): Step {
  const offered = offeredIncidents(policyOf(state).knownIncidents);
  if (offered.length > 0) return { kind: 'incident_offer', offered };
  return firstMissingStep(draft) ?? { kind: 'summary' };
}

/** The title in `locale`, or the other language's when that one is blank, or the number. */
export function titleOf(locale: Locale, incident: OfferedIncident): string {
  const other: Locale = locale === 'ru' ? 'en' : 'ru';
  return incident.titles[locale]?.trim() || incident.titles[other]?.trim() || incident.number;
}

/** One incident: Yes / No. Several: one "Yes: <title>" each, then No. */
export function offerChoices(locale: Locale, offered: readonly OfferedIncident[]): Choice[] {
  const no = { id: NOT_MINE_ID, label: formatText(locale, 'choice.incidentNo') };
  const [only] = offered;
  if (offered.length === 1 && only) return [{ id: incidentChoiceId(only.number), label: formatText(locale, 'choice.incidentYes') }, no];
  return [...offered.map((i) => ({ id: incidentChoiceId(i.number), label: formatText(locale, 'choice.incidentThis', { title: titleOf(locale, i) }) })), no];
}

/** The offer's question and choices; the language joins them on a channel of buttons, as on the type question. */
export function offerPrompt(locale: Locale, offered: readonly OfferedIncident[], menu: Policy['menu']): { text: string; choices: Choice[] } {
  const [only] = offered;
  const text = offered.length === 1 && only ? formatText(locale, 'incidentOffer', { title: titleOf(locale, only) }) : formatText(locale, 'incidentOfferMany');
  const choices = offerChoices(locale, offered);
  return { text, choices: menu === 'buttons' ? [...choices, languageChoice(locale)] : choices };
}

/** How a message answers the offer; null when it does not (it is then read as "No" with something to keep). */
export type OfferAnswer = { kind: 'mine'; number: string } | { kind: 'not_mine' } | { kind: 'unclear' };

// Short answers typed instead of pressing a button, compared without punctuation.
const YES_WORDS = new Set(['да', 'ага', 'угу', 'верно', 'точно', 'да это оно', 'да это она', 'yes', 'yep', 'yeah', 'y', 'yes it is']);
const NO_WORDS = new Set(['нет', 'неа', 'не', 'нет другое', 'другое', 'no', 'nope', 'n', 'no other', 'other', 'something else']);

function normalise(text: string): string {
  return text.toLowerCase().replace(/ё/g, 'е').replace(/[^\p{L}\p{N}\s-]/gu, ' ').replace(/\s+/g, ' ').trim();
}

/**
 * A pressed button (any `incident:<number>`, checked against the policy later),
 * a typed number or label, a title typed as it is, or a plain yes / no. A bare
 * "yes" to several incidents is unclear.
 */
export function resolveOffer(locale: Locale, offered: readonly OfferedIncident[], msg: MessageEvent): OfferAnswer | null {
  if (msg.choiceId === NOT_MINE_ID) return { kind: 'not_mine' };
  if (msg.choiceId?.startsWith(PREFIX)) return { kind: 'mine', number: msg.choiceId.slice(PREFIX.length) };
  const choice = resolveChoice(offerChoices(locale, offered), msg);
  if (choice) return choice.id === NOT_MINE_ID ? { kind: 'not_mine' } : { kind: 'mine', number: choice.id.slice(PREFIX.length) };
  if (msg.choiceId !== undefined || !msg.text) return null;
  const typed = normalise(msg.text);
  const titled = offered.find((i) => Object.values(i.titles).some((t) => normalise(t) === typed));
  if (titled && typed) return { kind: 'mine', number: titled.number };
  if (NO_WORDS.has(typed)) return { kind: 'not_mine' };
  if (!YES_WORDS.has(typed)) return null;
  const [only] = offered;
  return offered.length === 1 && only ? { kind: 'mine', number: only.number } : { kind: 'unclear' };
}

/** The incident's title as a subject: cut to the limit when too long, its number when too short. */
function incidentSubject(locale: Locale, incident: KnownIncident): string {
  const check = checkSubject(titleOf(locale, incident));
  if (check.ok) return check.value;
  if (check.reason === 'too_long') {
    const cut = checkSubject(`${Array.from(titleOf(locale, incident).replace(/\s+/g, ' ')).slice(0, SUBJECT_LIMITS.max - 1).join('').trimEnd()}…`);
    if (cut.ok) return cut.value;
  }
  return formatText(locale, 'incidentSubjectFallback', { incident: incident.number });
}

/**
 * The draft of a request linked to `incident`: a mass incident, the incident's
 * title as the subject, what the customer wrote as the description (else the
 * title, else a plain sentence naming the incident), their screenshot if they
 * gave one.
 */
export function linkedDraft(locale: Locale, incident: KnownIncident, draft: Draft): CompleteDraft {
  const title = titleOf(locale, incident);
  const candidates = [draft.description, draft.subject, title].map((text) => checkDescription(text));
  const given = candidates.find((c) => c.ok);
  const description = given?.ok ? given.value : formatText(locale, 'incidentDescriptionFallback', { incident: incident.number, title });
  return { type: 'mass_incident', subject: incidentSubject(locale, incident), description, screenshot: draft.screenshot ?? null };
}

/** The incident as the `creating` step keeps it for the confirmation (contract fields only). */
export function keptIncident(incident: KnownIncident): KnownIncident {
  return { number: incident.number, titles: { ru: incident.titles.ru, en: incident.titles.en }, latestUpdate: incident.latestUpdate };
}

/** The incident's latest update as a line, or nothing. */
function latestUpdateLines(locale: Locale, incident: KnownIncident): string[] {
  const update = incident.latestUpdate?.trim();
  return update ? [formatText(locale, 'incidentLatestUpdate', { update })] : [];
}

/** The confirmation of a request linked to `incident`: its own number, the incident, the latest update. */
export function linkedCreatedText(locale: Locale, number: string, incident: KnownIncident): string {
  const linked = formatText(locale, 'incidentLinked', { number, incident: incident.number, title: titleOf(locale, incident) });
  return [linked, ...latestUpdateLines(locale, incident)].join('\n');
}

/** What /status says of a request's incident: that it is part of it, and its latest update. */
export function incidentStatusLines(locale: Locale, incident: KnownIncident): string[] {
  return [formatText(locale, 'incidentStatusLine', { incident: incident.number, title: titleOf(locale, incident) }), ...latestUpdateLines(locale, incident)];
}

/** What the gateway needs to tell a linked customer about an incident update. */
export interface IncidentUpdate {
  /** The customer's own request, linked to the incident. */
  requestNumber: string;
  incidentNumber: string;
  /** The incident's title in the customer's language. */
  title: string;
  /** The agent's update, as written. */
  text: string;
}

/** An incident update for a customer, in their language: a short header, then the agent's text as written. */
export function incidentUpdateText(locale: Locale, update: IncidentUpdate): string {
  return formatText(locale, 'incidentUpdate', { incident: update.incidentNumber, title: update.title, number: update.requestNumber, text: update.text });
}

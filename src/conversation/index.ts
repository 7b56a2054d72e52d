/** The pure conversation engine: types, `transition`, choices, commands and texts. */
export * from './conversation.types.js';
export { transition, initialState, isIntakeStep } from './conversation.machine.js';
export { assertNever, firstMissingStep, policyOf } from './conversation.state.js';
export { openingPrompt } from './conversation.intake.js';
export { incidentUpdateText, incidentChoiceId, offerChoices, MAX_OFFERED, NOT_MINE_ID } from './conversation.incidents.js';
export type { IncidentUpdate } from './conversation.incidents.js';
export { parseContact } from './conversation.contact.js';
export type { CompleteDraft } from './conversation.state.js';
export {
  resolveChoice,
  typeChoices,
  summaryChoices,
  fieldChoices,
  skipChoices,
  feedbackChoices,
} from './conversation.choices.js';
export type { TypedChoice, SummaryAction, EditTarget, Feedback } from './conversation.choices.js';
export { parseCommand } from './conversation.commands.js';
export { parseRequestNumber, spellRequestNumber } from './conversation.request-number.js';
export type { ParsedRequestNumber } from './conversation.request-number.js';
export type { Command } from './conversation.commands.js';
export { copy, formatText, typeLabel, statusLabel, DEFAULT_LOCALE } from './conversation.copy.js';
export type { CopyKey, CopyParams } from './conversation.copy.js';
export { SUBJECT_LIMITS, DESCRIPTION_LIMITS, codePointLength } from './conversation.text-input.js';

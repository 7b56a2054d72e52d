/**
 * The pre-chat step (Policy.askContact): the customer's name, then an e-mail
 * address or a phone number, so that agents know whom they talk to and can
 * reach them. Each is checked; a wrong answer is a re-prompt. The incident
 * offer, if any, comes after it (see incident-offer.ts).
 */
import { formatText } from './conversation.copy.js';
import { intakeStep } from './conversation.incidents.js';
import { promptWith } from './conversation.prompts.js';
import { codePointLength } from './conversation.text-input.js';
import type { ConversationState, MessageEvent, TransitionResult } from './conversation.types.js';

export const NAME_MAX = 100;

export interface Contact {
  email: string | null;
  phone: string | null;
}

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,253}\.[^\s@.]{2,63}$/u;

/** An e-mail address (lower-cased) or a phone number (digits, a leading + kept), or null. */
export function parseContact(text: string | undefined): Contact | null {
  const value = (text ?? '').trim();
  if (EMAIL.test(value)) return { email: value.toLowerCase(), phone: null };
  const phone = value.replace(/[\s().-]/g, '');
  if (/^\+?\d{7,15}$/.test(phone)) return { email: null, phone };
  return null;
}

export function onContactName(state: ConversationState, msg: MessageEvent): TransitionResult {
  const name = msg.choiceId === undefined ? (msg.text ?? '').replace(/\s+/g, ' ').trim() : '';
  if (!name || codePointLength(name) > NAME_MAX || name.startsWith('/')) {
    return promptWith(state, [formatText(state.locale, 'nameInvalid', { max: NAME_MAX })]);
  }
  return promptWith({ ...state, step: { kind: 'contact_info' }, contact: { name } }, [formatText(state.locale, 'contactThanks', { name })]);
}

export function onContactInfo(state: ConversationState, msg: MessageEvent): TransitionResult {
  const contact = msg.choiceId === undefined ? parseContact(msg.text) : null;
  if (!contact) return promptWith(state, [formatText(state.locale, 'contactInvalid')]);
  const name = state.contact?.name ?? '';
  const { contact: _given, ...rest } = state;
  // The intake proper begins: the incident offer while any is open, else the first field missing.
  const next = promptWith({ ...rest, step: intakeStep(rest, state.draft), editing: false }, []);
  return { state: next.state, effects: [{ type: 'set_contact', name, ...contact }, ...next.effects] };
}

import { expect } from 'vitest';

import { initialState, transition } from '../../src/conversation/index.js';
import type {
  AttachmentRef,
  ConversationEvent,
  ConversationState,
  Draft,
  Effect,
  KnownIncident,
  Locale,
  MessageEvent,
  RequestStatus,
  Step,
  TransitionResult,
} from '../../src/conversation/index.js';

export const AT = 1_700_000_000_000;

export const IMAGE: AttachmentRef = { id: 'att-img', mimeType: 'image/png', isImage: true };
export const IMAGE_2: AttachmentRef = { id: 'att-img-2', mimeType: 'image/jpeg', isImage: true };
export const PDF: AttachmentRef = { id: 'att-pdf', mimeType: 'application/pdf', isImage: false };

export const SUBJECT = 'Не работает принтер';
export const DESCRIPTION = 'Принтер на третьем этаже не печатает с утра, перезагрузка не помогла.';

/** Open mass incidents as the gateway lists them, newest first (OLD is the fourth). */
export const VPN: KnownIncident = { number: 'SR-1001', titles: { ru: 'Не работает VPN', en: 'VPN is down' }, latestUpdate: 'Меняем сертификат, ориентировочно до 15:00.' };
export const MAIL: KnownIncident = { number: 'SR-1002', titles: { ru: 'Почта не отправляет письма', en: 'E-mail is not sent' }, latestUpdate: null };
export const CRM: KnownIncident = { number: 'SR-1003', titles: { ru: 'CRM открывается очень медленно', en: 'The CRM is very slow' }, latestUpdate: 'Нашли причину.' };
export const OLD: KnownIncident = { number: 'SR-0999', titles: { ru: 'Не печатают принтеры', en: 'Printers do not print' }, latestUpdate: null };

/** A draft ready for the summary. */
export const FULL_DRAFT: Draft = { type: 'incident', subject: SUBJECT, description: DESCRIPTION, screenshot: null };

/** A customer message; `messageId` defaults to "m-1". */
export function message(fields: Partial<Omit<MessageEvent, 'type'>> = {}): MessageEvent {
  return { type: 'message', messageId: 'm-1', at: AT + 1, ...fields };
}

export const say = (text: string): MessageEvent => message({ text });
export const press = (choiceId: string, text?: string): MessageEvent =>
  message(text === undefined ? { choiceId } : { choiceId, text });
export const send = (attachment: AttachmentRef, text?: string): MessageEvent =>
  message(text === undefined ? { attachment } : { attachment, text });

export interface StateOptions {
  locale?: Locale;
  draft?: Draft;
  editing?: boolean;
  active?: { number: string; status: RequestStatus } | null;
  followUpAcked?: boolean;
}

/** A state at `kind` built through `initialState`, with the given draft and active request. */
export function stateAt(kind: Step['kind'], options: StateOptions = {}): ConversationState {
  const base = initialState(options.locale ?? 'ru', AT, options.active ?? null);
  return {
    ...base,
    step: { kind } as Step,
    draft: options.draft ?? {},
    editing: options.editing ?? false,
    followUpAcked: options.followUpAcked ?? false,
  };
}

export type Reply = Extract<Effect, { type: 'reply' }>;

export function replies(result: TransitionResult): Reply[] {
  return result.effects.filter((e): e is Reply => e.type === 'reply');
}

/** All reply texts of a result, joined (for "contains" checks). */
export function replyText(result: TransitionResult): string {
  return replies(result)
    .map((r) => r.text)
    .join('\n---\n');
}

export function effectTypes(result: TransitionResult): Effect['type'][] {
  return result.effects.map((e) => e.type);
}

/** Choice ids of the last reply that carries choices, or []. */
export function lastChoiceIds(result: TransitionResult): string[] {
  const withChoices = replies(result).filter((r) => r.choices);
  return withChoices.at(-1)?.choices?.map((c) => c.id) ?? [];
}

/** Applies events in order; returns the last result and every effect produced. */
export function run(state: ConversationState, events: ConversationEvent[]): TransitionResult & { all: Effect[] } {
  let result: TransitionResult = { state, effects: [] };
  const all: Effect[] = [];
  for (const event of events) {
    result = transition(result.state, event);
    all.push(...result.effects);
  }
  return { ...result, all };
}

/** One row of a table-driven test: a state, an event, and what must come out. */
export interface Case {
  name: string;
  state: ConversationState;
  event: ConversationEvent;
  step: Step['kind'];
  /** Expected draft (exact), when given. */
  draft?: Draft;
  /** Expected effect types, in order, when given. */
  effects?: Effect['type'][];
  /** Substrings the replies must contain. */
  says?: string[];
  /** Choice ids of the last reply carrying choices, when given ([] means none). */
  choices?: string[];
  /** Further checks on the state. */
  expectState?: Partial<ConversationState>;
}

/** Applies the case's event and checks every expectation it states. */
export function checkCase(c: Case): TransitionResult {
  const result = transition(c.state, c.event);
  expect(result.state.step.kind).toBe(c.step);
  expect(result.state.updatedAt).toBe(c.event.at);
  if (c.draft) expect(result.state.draft).toEqual(c.draft);
  if (c.effects) expect(effectTypes(result)).toEqual(c.effects);
  for (const part of c.says ?? []) expect(replyText(result)).toContain(part);
  if (c.choices) expect(lastChoiceIds(result)).toEqual(c.choices);
  if (c.expectState) expect(result.state).toMatchObject(c.expectState);
  for (const r of replies(result)) {
    expect(r.text.trim()).not.toBe('');
    if (r.choices) expect(r.choices.length).toBeGreaterThan(0);
  }
  return result;
}

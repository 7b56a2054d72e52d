import { describe, expect, it } from 'vitest';

import { initialState, isIntakeStep, transition } from '../../src/conversation/index.js';
import type { ConversationEvent, Draft, Step } from '../../src/conversation/index.js';
import type { Case } from './conversation.fixtures.js';
import {
  AT,
  checkCase,
  DESCRIPTION,
  FULL_DRAFT,
  IMAGE,
  IMAGE_2,
  message,
  press,
  run,
  say,
  send,
  stateAt,
} from './conversation.fixtures.js';

const created = (number = 'SR-1042'): ConversationEvent => ({ type: 'request_created', at: AT + 5, number });
const expired: ConversationEvent = { type: 'expired', at: AT + 9 };
const creating = stateAt('creating', { draft: FULL_DRAFT });

const cases: Case[] = [
  { name: 'created: number told, followed, draft cleared', state: creating, event: created(), step: 'idle', draft: {}, effects: ['reply'], says: ['Заявка SR-1042 создана', 'добавим к этой заявке'], expectState: { activeRequest: 'SR-1042', activeStatus: 'new', followUpAcked: false } },
  { name: 'created, in English', state: stateAt('creating', { draft: FULL_DRAFT, locale: 'en' }), event: created('SR-9'), step: 'idle', says: ['Request SR-9 has been created'] },
  { name: 'created replaces the previous active request', state: stateAt('creating', { draft: FULL_DRAFT, active: { number: 'SR-1', status: 'in_progress' } }), event: created('SR-2'), step: 'idle', expectState: { activeRequest: 'SR-2', activeStatus: 'new' } },
  { name: 'created after the intake expired: still announced', state: stateAt('idle'), event: created(), step: 'idle', draft: {}, effects: ['reply'], expectState: { activeRequest: 'SR-1042' } },
  { name: 'created while a later intake runs: announced, the intake goes on', state: stateAt('subject', { draft: { type: 'incident' } }), event: created(), step: 'subject', draft: { type: 'incident' }, effects: ['reply', 'reply'], says: ['SR-1042 создана', 'тему заявки'], expectState: { activeRequest: 'SR-1042' } },
  { name: 'message while creating: one moment, held', state: creating, event: message({ messageId: 'late', text: 'ещё деталь' }), step: 'creating', draft: FULL_DRAFT, effects: ['reply'], says: ['Минутку'], expectState: { heldMessageIds: ['late'] } },
  { name: 'expired in an intake: draft dropped, silently', state: stateAt('description', { draft: { type: 'incident', subject: 'Тема' }, active: { number: 'SR-3', status: 'new' }, locale: 'en' }), event: expired, step: 'idle', draft: {}, effects: [], expectState: { locale: 'en', activeRequest: 'SR-3', activeStatus: 'new', editing: false } },
  { name: 'expired while editing', state: stateAt('subject', { draft: FULL_DRAFT, editing: true }), event: expired, step: 'idle', draft: {}, effects: [], expectState: { editing: false } },
  { name: 'expired while creating: held messages dropped', state: { ...creating, heldMessageIds: ['x'] }, event: expired, step: 'idle', draft: {}, effects: [], expectState: { heldMessageIds: [] } },
  { name: 'expired in idle: nothing changes', state: stateAt('idle', { active: { number: 'SR-3', status: 'new' } }), event: expired, step: 'idle', effects: [], expectState: { activeRequest: 'SR-3' } },
];

describe('creation and expiry', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    checkCase(c);
  });

  it('held messages are forwarded to the new request, in order', () => {
    const result = run(creating, [message({ messageId: 'a', text: 'раз' }), message({ messageId: 'b', text: 'два' }), created('SR-5')]);
    expect(result.effects).toEqual([
      expect.objectContaining({ type: 'reply' }),
      { type: 'forward_to_request', number: 'SR-5', messageId: 'a' },
      { type: 'forward_to_request', number: 'SR-5', messageId: 'b' },
    ]);
    expect(result.state.heldMessageIds).toEqual([]);
  });

  it('a redelivered held message is held once', () => {
    const result = run(creating, [message({ messageId: 'a', text: 'раз' }), message({ messageId: 'a', text: 'раз' })]);
    expect(result.state.heldMessageIds).toEqual(['a']);
  });

  it('updatedAt is the time of every kind of event', () => {
    const events: ConversationEvent[] = [
      say('привет'),
      created(),
      expired,
      { type: 'status_result', at: AT + 11, query: null, requests: [] },
      { type: 'status_changed', at: AT + 12, number: 'SR-1', status: 'in_progress', comment: null },
    ];
    for (const event of events) expect(transition(stateAt('idle'), event).state.updatedAt).toBe(event.at);
  });
});

describe('edit flow from the summary', () => {
  const rows: { field: string; answer: ConversationEvent; draft: Draft }[] = [
    { field: 'type', answer: say('4'), draft: { ...FULL_DRAFT, type: 'development_request' } },
    { field: 'subject', answer: say('Сканер не сканирует'), draft: { ...FULL_DRAFT, subject: 'Сканер не сканирует' } },
    { field: 'description', answer: say('Совсем другое описание проблемы'), draft: { ...FULL_DRAFT, description: 'Совсем другое описание проблемы' } },
    { field: 'screenshot', answer: send(IMAGE_2), draft: { ...FULL_DRAFT, screenshot: IMAGE_2 } },
  ];

  it.each(rows)('$field: changed, the rest kept, summary shown again', ({ field, answer, draft }) => {
    const result = run(stateAt('summary', { draft: FULL_DRAFT }), [press('edit'), press(field), answer]);
    expect(result.state.step.kind).toBe('summary');
    expect(result.state.editing).toBe(false);
    expect(result.state.draft).toEqual(draft);
    expect(result.effects).toHaveLength(1);
    expect(result.effects[0]).toMatchObject({ type: 'reply', text: expect.stringContaining('Проверьте заявку') });
  });

  it('a wrong answer while editing re-prompts and keeps editing', () => {
    const result = run(stateAt('summary', { draft: FULL_DRAFT }), [press('edit'), press('description'), say('мало')]);
    expect(result.state).toMatchObject({ step: { kind: 'description' }, editing: true, draft: FULL_DRAFT });
  });

  it('the edited screenshot shows as attached in the summary', () => {
    const result = run(stateAt('summary', { draft: FULL_DRAFT }), [press('edit'), press('screenshot'), send(IMAGE)]);
    expect(result.effects[0]).toMatchObject({ text: expect.stringContaining('Скриншот: приложен') });
  });

  it('a long description is shortened in the summary but kept whole in the draft', () => {
    const long = 'д'.repeat(3000);
    const result = transition(stateAt('description', { draft: { type: 'incident', subject: 'Тема', screenshot: null } }), say(long));
    expect(result.state.draft.description).toBe(long);
    const text = result.effects[0]?.type === 'reply' ? result.effects[0].text : '';
    expect(text).toContain(`${'д'.repeat(1000)}…`);
    expect(text).not.toContain('д'.repeat(1001));
  });
});

describe('initialState and isIntakeStep', () => {
  it('starts idle with an empty draft', () => {
    expect(initialState('en', 5)).toEqual({
      locale: 'en', step: { kind: 'idle' }, draft: {}, editing: false, activeRequest: null, activeStatus: null,
      updatedAt: 5, followUpAcked: false, heldMessageIds: [],
    });
  });

  it('follows the given active request, unless it is closed', () => {
    expect(initialState('ru', 0, { number: 'SR-1', status: 'awaiting_customer' })).toMatchObject({ activeRequest: 'SR-1', activeStatus: 'awaiting_customer' });
    expect(initialState('ru', 0, { number: 'SR-1', status: 'closed' })).toMatchObject({ activeRequest: null, activeStatus: null });
  });

  it.each<[Step['kind'], boolean]>([
    ['idle', false], ['choose_type', true], ['subject', true], ['description', true],
    ['screenshot', true], ['summary', true], ['choose_field', true], ['creating', true],
  ])('%s → %s', (kind, expected) => {
    expect(isIntakeStep({ kind } as Step)).toBe(expected);
  });

  it('a state stored before followUpAcked/heldMessageIds existed still works', () => {
    const { followUpAcked: _a, heldMessageIds: _h, ...old } = stateAt('creating', { draft: FULL_DRAFT });
    expect(transition(old, say('ещё')).state.heldMessageIds).toEqual(['m-1']);
    const idle = { ...old, step: { kind: 'idle' as const }, draft: {}, activeRequest: 'SR-1', activeStatus: 'new' as const };
    expect(transition(idle, say('ещё')).effects.map((e) => e.type)).toEqual(['forward_to_request', 'reply']);
  });

  it('keeps only the contract fields of an attachment in the state', () => {
    const extended = { ...IMAGE, data: new Uint8Array([1, 2]), fileName: 'x.png' };
    const result = transition(stateAt('screenshot', { draft: { type: 'incident', subject: 'Тема', description: DESCRIPTION } }), send(extended));
    expect(result.state.draft.screenshot).toStrictEqual(IMAGE);
  });

  it('keeps the description as given with the image', () => {
    const result = transition(stateAt('description', { draft: { type: 'incident', subject: 'Тема' } }), send(IMAGE, DESCRIPTION));
    expect(result.state.draft).toEqual({ type: 'incident', subject: 'Тема', description: DESCRIPTION, screenshot: IMAGE });
  });
});

import { describe, expect, it } from 'vitest';

import { parseCommand, parseRequestNumber, REQUEST_TYPES, transition } from '../../src/conversation/index.js';
import type { Command, ConversationState } from '../../src/conversation/index.js';
import { ACCEPTED_NUMBERS, REFUSED_NUMBERS } from '../support/request-number-forms.js';
import type { Case } from './conversation.fixtures.js';
import { checkCase, FULL_DRAFT, lastChoiceIds, press, replies, say, stateAt } from './conversation.fixtures.js';

describe('parseCommand', () => {
  it.each<[string, Command]>([
    ['/start', { kind: 'start' }],
    ['/START', { kind: 'start' }],
    ['/start@relaydesk_bot', { kind: 'start' }],
    ['/start@RelayDesk_Bot deep-link-payload', { kind: 'start' }],
    ['  /help  ', { kind: 'help' }],
    ['/help me please', { kind: 'help' }],
    ['/new', { kind: 'new' }],
    ['/Cancel', { kind: 'cancel' }],
    ['/status', { kind: 'status', number: null }],
    ['/status@relaydesk_bot', { kind: 'status', number: null }],
    ['/status SR-1042', { kind: 'status', number: 'SR-1042' }],
    ['/status sr-1042', { kind: 'status', number: 'SR-1042' }],
    ['/status   sr 1042 ', { kind: 'status', number: 'SR-1042' }],
    ['/status SR1042', { kind: 'status', number: 'SR-1042' }],
    ['/status 1042', { kind: 'status', number: '1042' }],
    ['/status #1042', { kind: 'status', number: '1042' }],
    ['/status SR_1042', { kind: 'usage', command: 'status' }],
    ['/status моя заявка', { kind: 'usage', command: 'status' }],
    ['/status SR-1 SR-2', { kind: 'usage', command: 'status' }],
    ['/lang ru', { kind: 'lang', locale: 'ru' }],
    ['/lang EN', { kind: 'lang', locale: 'en' }],
    ['/lang English', { kind: 'lang', locale: 'en' }],
    ['/lang Русский', { kind: 'lang', locale: 'ru' }],
    ['/lang', { kind: 'usage', command: 'lang' }],
    ['/lang de', { kind: 'usage', command: 'lang' }],
    ['/foo', { kind: 'unknown', name: '/foo' }],
    ['/Foo@bot bar', { kind: 'unknown', name: '/foo' }],
  ])('%j', (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });

  it.each(['hello', '/var/log/syslog переполнен', '/', '/ help', 'a /help', '//help', '/статус', '', undefined])(
    'not a command: %j',
    (text) => {
      expect(parseCommand(text)).toBeNull();
    },
  );
});

/**
 * /status takes exactly the numbers the agent API takes: the same table as
 * test/requests/request-number.test.ts. What it passes on reads back, through
 * the store's reader, to the number typed.
 */
describe('/status <number>, read as the agent API reads numbers', () => {
  it.each(ACCEPTED_NUMBERS)('takes %j', (typed, prefix, counter) => {
    const command = parseCommand(`/status ${typed}`);
    expect(command).toMatchObject({ kind: 'status' });
    const number = (command as Extract<Command, { kind: 'status' }>).number!;
    expect(number).toBe(prefix === null ? String(counter) : `${prefix.toUpperCase()}-${counter}`);
    expect(parseRequestNumber(number)).toEqual({ prefix: prefix?.toUpperCase() ?? null, counter });
  });

  it.each(REFUSED_NUMBERS)('refuses %j with its usage', (typed) => {
    expect(parseCommand(`/status ${typed}`)).toEqual({ kind: 'usage', command: 'status' });
  });
});

const TYPES = [...REQUEST_TYPES];
const ACTIVE = { number: 'SR-7', status: 'in_progress' as const };
const DRAFT_SO_FAR = { type: 'incident' as const, subject: 'Не работает принтер' };

const commands: Case[] = [
  { name: '/start in idle: greeting and type question', state: stateAt('idle'), event: say('/start'), step: 'choose_type', draft: {}, effects: ['reply'], says: ['Здравствуйте!', 'Выберите тип заявки'], choices: TYPES },
  { name: '/start mid-intake: fresh intake', state: stateAt('description', { draft: DRAFT_SO_FAR }), event: say('/start'), step: 'choose_type', draft: {}, says: ['Здравствуйте!'], choices: TYPES },
  { name: '/start while following: intake, request still followed', state: stateAt('idle', { active: ACTIVE }), event: say('/start'), step: 'choose_type', effects: ['reply'], expectState: { activeRequest: 'SR-7' } },
  { name: '/start while creating: refused', state: stateAt('creating', { draft: FULL_DRAFT }), event: say('/start'), step: 'creating', draft: FULL_DRAFT, effects: ['reply'], says: ['прервать это нельзя'] },
  { name: '/new at the summary: draft dropped', state: stateAt('summary', { draft: FULL_DRAFT }), event: say('/new'), step: 'choose_type', draft: {}, effects: ['reply'], choices: TYPES },
  { name: '/new has no greeting', state: stateAt('idle'), event: say('/new'), step: 'choose_type', says: ['Выберите тип заявки'] },
  { name: '/new while editing', state: stateAt('subject', { draft: FULL_DRAFT, editing: true }), event: say('/new'), step: 'choose_type', draft: {}, expectState: { editing: false } },
  { name: '/new while creating: refused', state: stateAt('creating', { draft: FULL_DRAFT }), event: say('/new'), step: 'creating', draft: FULL_DRAFT },
  { name: '/cancel mid-intake', state: stateAt('subject', { draft: { type: 'incident' } }), event: say('/cancel'), step: 'idle', draft: {}, effects: ['reply'], says: ['Оформление заявки отменено'] },
  { name: '/cancel while choosing a field', state: stateAt('choose_field', { draft: FULL_DRAFT, active: ACTIVE }), event: say('/cancel'), step: 'idle', draft: {}, expectState: { activeRequest: 'SR-7', editing: false } },
  { name: '/cancel while creating: refused', state: stateAt('creating', { draft: FULL_DRAFT }), event: say('/cancel'), step: 'creating', draft: FULL_DRAFT, says: ['прервать это нельзя'] },
  { name: '/cancel outside an intake', state: stateAt('idle', { active: ACTIVE }), event: say('/cancel'), step: 'idle', effects: ['reply'], says: ['Сейчас нечего отменять'], expectState: { activeRequest: 'SR-7' } },
  { name: '/help in idle', state: stateAt('idle'), event: say('/help'), step: 'idle', effects: ['reply'], says: ['/new', '/status', '/cancel', '/lang', '/start', '/help'] },
  { name: '/help mid-intake: step asked again', state: stateAt('description', { draft: DRAFT_SO_FAR }), event: say('/help'), step: 'description', draft: DRAFT_SO_FAR, effects: ['reply', 'reply'], says: ['Команды:', 'Опишите проблему'] },
  { name: '/help at the summary: summary with its choices', state: stateAt('summary', { draft: FULL_DRAFT }), event: say('/help@relaydesk_bot'), step: 'summary', draft: FULL_DRAFT, effects: ['reply', 'reply'], choices: ['confirm', 'edit', 'cancel'] },
  { name: '/help in English', state: stateAt('idle', { locale: 'en' }), event: say('/HELP'), step: 'idle', says: ['Commands:'] },
  { name: '/status: open requests asked for', state: stateAt('idle'), event: say('/status'), step: 'idle', effects: ['query_status'] },
  { name: '/status mid-intake: the result will re-prompt', state: stateAt('subject', { draft: { type: 'incident' } }), event: say('/status sr 1042'), step: 'subject', draft: { type: 'incident' }, effects: ['query_status'] },
  { name: '/status with a bad number: usage', state: stateAt('subject', { draft: { type: 'incident' } }), event: say('/status моя'), step: 'subject', effects: ['reply', 'reply'], says: ['/status SR-1042', 'тему заявки'] },
  { name: '/lang en mid-intake', state: stateAt('choose_type'), event: say('/lang en'), step: 'choose_type', effects: ['set_locale', 'reply', 'reply'], says: ["Done, I'll speak English", 'Choose the request type'], choices: TYPES, expectState: { locale: 'en' } },
  { name: '/lang ru from English', state: stateAt('idle', { locale: 'en' }), event: say('/lang ru'), step: 'idle', effects: ['set_locale', 'reply'], says: ['по-русски'], expectState: { locale: 'ru' } },
  { name: '/lang with a bad value', state: stateAt('subject', { draft: { type: 'incident' }, locale: 'en' }), event: say('/lang klingon'), step: 'subject', effects: ['reply', 'reply'], says: ['Usage: /lang ru or /lang en', 'subject'], expectState: { locale: 'en' } },
  { name: 'unknown command mid-intake', state: stateAt('description', { draft: DRAFT_SO_FAR }), event: say('/foo'), step: 'description', draft: DRAFT_SO_FAR, effects: ['reply', 'reply'], says: ['Не знаю команду /foo', '/help', 'Опишите проблему'] },
  { name: 'unknown command while following: not forwarded', state: stateAt('idle', { active: ACTIVE }), event: say('/foo@relaydesk_bot'), step: 'idle', effects: ['reply'], says: ['/foo'] },
  { name: 'a button is never a command', state: stateAt('choose_type'), event: press('bogus', '/help'), step: 'choose_type', effects: ['reply'], says: ['Не понял тип заявки'] },
  { name: 'a path is description text, not a command', state: stateAt('description', { draft: DRAFT_SO_FAR }), event: say('/var/log/syslog переполнен, сервер встал'), step: 'screenshot', draft: { ...DRAFT_SO_FAR, description: '/var/log/syslog переполнен, сервер встал' } },
];

describe('commands', () => {
  it.each(commands.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    checkCase(c);
  });

  it('/status passes the normalised number', () => {
    expect(transition(stateAt('idle'), say('/status sr-1042')).effects).toEqual([{ type: 'query_status', number: 'SR-1042' }]);
    expect(transition(stateAt('idle'), say('/status')).effects).toEqual([{ type: 'query_status', number: null }]);
  });

  it('/lang emits set_locale and relabels the current choices', () => {
    const result = transition(stateAt('summary', { draft: FULL_DRAFT }), say('/lang en'));
    expect(result.effects[0]).toEqual({ type: 'set_locale', locale: 'en' });
    expect(replies(result).at(-1)?.choices?.map((c) => c.label)).toEqual(['Submit', 'Edit', 'Cancel']);
  });

  it.each(['/help', '/status', '/lang en', '/foo', '/status xyz', '/lang xx'])('%s keeps the draft and the step', (text) => {
    const state: ConversationState = stateAt('screenshot', { draft: { ...DRAFT_SO_FAR, description: 'Подробное описание' }, editing: false });
    const result = transition(state, say(text));
    expect(result.state.draft).toEqual(state.draft);
    expect(result.state.step).toEqual(state.step);
    const choices = lastChoiceIds(result);
    if (choices.length > 0) expect(choices).toEqual(['skip']);
  });
});

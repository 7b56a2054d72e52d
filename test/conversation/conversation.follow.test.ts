import { describe, expect, it } from 'vitest';

import { transition } from '../../src/conversation/index.js';
import type { ConversationEvent, Locale, RequestStatus, RequestSummary } from '../../src/conversation/index.js';
import type { Case } from './conversation.fixtures.js';
import { AT, checkCase, FULL_DRAFT, message, PDF, press, replyText, run, say, send, stateAt } from './conversation.fixtures.js';

const following = (status: RequestStatus, extra: { locale?: Locale; followUpAcked?: boolean } = {}) =>
  stateAt('idle', { active: { number: 'SR-7', status }, ...extra });
const notice = (status: RequestStatus, comment: string | null = null, number = 'SR-7'): ConversationEvent => ({
  type: 'status_changed', at: AT + 3, number, status, comment,
});
const FEEDBACK = ['solved', 'not_solved'];

const followUps: Case[] = [
  { name: 'first follow-up: forwarded and acknowledged', state: following('new'), event: say('ещё деталь'), step: 'idle', draft: {}, effects: ['forward_to_request', 'reply'], says: ['добавлено к заявке SR-7'], expectState: { followUpAcked: true } },
  { name: 'later follow-ups: forwarded silently', state: following('in_progress', { followUpAcked: true }), event: say('и ещё'), step: 'idle', effects: ['forward_to_request'] },
  { name: 'a file is forwarded too', state: following('in_progress', { followUpAcked: true }), event: send(PDF), step: 'idle', effects: ['forward_to_request'] },
  { name: 'acknowledged in English', state: following('in_progress', { locale: 'en' }), event: say('more'), step: 'idle', says: ['added to request SR-7'] },
  { name: 'answer to a clarification', state: following('awaiting_customer', { followUpAcked: true }), event: say('Модель HP 1020'), step: 'idle', effects: ['forward_to_request', 'change_status', 'reply'], says: ['Спасибо! Ответ передан специалисту по заявке SR-7'], expectState: { activeRequest: 'SR-7', activeStatus: 'in_progress', followUpAcked: true } },
  { name: 'answer to a clarification, English', state: following('awaiting_customer', { locale: 'en' }), event: say('HP 1020'), step: 'idle', says: ['passed to support for request SR-7'] },
  { name: 'solved button', state: following('solution_provided'), event: press('solved'), step: 'idle', effects: ['forward_to_request', 'change_status', 'reply'], says: ['Рады, что проблема решена', 'SR-7 закрыта'], choices: [], expectState: { activeRequest: null, activeStatus: null } },
  { name: 'solved typed', state: following('solution_provided'), event: say('решено'), step: 'idle', effects: ['forward_to_request', 'change_status', 'reply'] },
  { name: 'solved by number', state: following('solution_provided'), event: say('1'), step: 'idle', effects: ['forward_to_request', 'change_status', 'reply'] },
  { name: 'solved typed in English', state: following('solution_provided', { locale: 'en' }), event: say('Solved'), step: 'idle', says: ['Glad the problem is solved'] },
  { name: 'not solved button', state: following('solution_provided'), event: press('not_solved'), step: 'idle', effects: ['forward_to_request', 'change_status', 'reply'], says: ['снова в работе'], expectState: { activeRequest: 'SR-7', activeStatus: 'in_progress' } },
  { name: 'not solved typed in English', state: following('solution_provided', { locale: 'en' }), event: say('not solved'), step: 'idle', says: ['back in progress'] },
  { name: 'other text: forwarded, question asked again', state: following('solution_provided', { followUpAcked: true }), event: say('а если ещё раз?'), step: 'idle', effects: ['forward_to_request', 'reply'], says: ['решена?'], choices: FEEDBACK, expectState: { activeStatus: 'solution_provided' } },
];

describe('following the active request', () => {
  it.each(followUps.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    checkCase(c);
  });

  it('effects carry the request number, the message id and the new status', () => {
    const answer = transition(following('awaiting_customer'), message({ messageId: 'ans', text: 'ответ' }));
    expect(answer.effects.slice(0, 2)).toEqual([
      { type: 'forward_to_request', number: 'SR-7', messageId: 'ans' },
      { type: 'change_status', number: 'SR-7', status: 'in_progress', comment: null },
    ]);
    expect(transition(following('solution_provided'), press('solved')).effects.slice(0, 2)).toEqual([
      { type: 'forward_to_request', number: 'SR-7', messageId: 'm-1' },
      { type: 'change_status', number: 'SR-7', status: 'closed', comment: null },
    ]);
  });

  it('acknowledges again after a status notice, once', () => {
    const result = run(following('in_progress', { followUpAcked: true }), [notice('in_progress'), say('раз'), say('два')]);
    expect(result.all.map((e) => e.type)).toEqual(['reply', 'forward_to_request', 'reply', 'forward_to_request']);
  });

  it('after "solved" the next message starts a new intake', () => {
    const result = run(following('solution_provided'), [press('solved'), say('здравствуйте')]);
    expect(result.state.step.kind).toBe('choose_type');
    expect(replyText(result)).toContain('Здравствуйте!');
  });
});

const notices: Case[] = [
  { name: 'in progress', state: following('new'), event: notice('in_progress'), step: 'idle', effects: ['reply'], says: ['Заявка SR-7 взята в работу.'], expectState: { activeStatus: 'in_progress' } },
  { name: 'in progress, English', state: following('new', { locale: 'en' }), event: notice('in_progress'), step: 'idle', says: ['Request SR-7 has been taken into work.'] },
  { name: 'in progress with a comment', state: following('new'), event: notice('in_progress', 'Смотрю логи'), step: 'idle', says: ['Комментарий специалиста: Смотрю логи'] },
  { name: 'clarification question', state: following('in_progress'), event: notice('awaiting_customer', 'Какая модель принтера?'), step: 'idle', says: ['нужно уточнение', '«Какая модель принтера?»', 'Ответьте'], choices: [], expectState: { activeStatus: 'awaiting_customer', followUpAcked: false } },
  { name: 'clarification question, English', state: following('in_progress', { locale: 'en' }), event: notice('awaiting_customer', 'Which printer?'), step: 'idle', says: ['clarification on request SR-7', '“Which printer?”'] },
  { name: 'clarification without a comment', state: following('in_progress'), event: notice('awaiting_customer'), step: 'idle', says: ['нужно уточнение. Ответьте'] },
  { name: 'solution', state: following('in_progress'), event: notice('solution_provided', 'Переустановите драйвер'), step: 'idle', says: ['предложено решение', 'Переустановите драйвер', 'Проблема решена?'], choices: FEEDBACK, expectState: { activeStatus: 'solution_provided' } },
  { name: 'solution, English', state: following('in_progress', { locale: 'en' }), event: notice('solution_provided', 'Reinstall the driver'), step: 'idle', says: ['A solution has been proposed', 'Reinstall the driver', 'Is the problem solved?'], choices: FEEDBACK },
  { name: 'solution without a comment', state: following('in_progress'), event: notice('solution_provided', '   '), step: 'idle', says: ['отметил, что проблема'], choices: FEEDBACK },
  { name: 'closed with a comment', state: following('in_progress'), event: notice('closed', 'Дубликат SR-6'), step: 'idle', says: ['Заявка SR-7 закрыта.', 'Комментарий специалиста: Дубликат SR-6'], expectState: { activeRequest: null, activeStatus: null } },
  { name: 'closed, English, no comment', state: following('in_progress', { locale: 'en' }), event: notice('closed'), step: 'idle', says: ['Request SR-7 has been closed.'], expectState: { activeRequest: null } },
  { name: 'back to new', state: following('in_progress'), event: notice('new'), step: 'idle', says: ['«Новая»'], expectState: { activeStatus: 'new' } },
  { name: 'no active request: this one becomes active', state: stateAt('idle'), event: notice('in_progress', null, 'SR-9'), step: 'idle', expectState: { activeRequest: 'SR-9', activeStatus: 'in_progress' } },
  { name: 'no active request, closed: none active', state: stateAt('idle'), event: notice('closed', null, 'SR-9'), step: 'idle', expectState: { activeRequest: null, activeStatus: null } },
  { name: 'another request in progress: active one kept', state: following('new'), event: notice('in_progress', null, 'SR-9'), step: 'idle', says: ['SR-9'], expectState: { activeRequest: 'SR-7', activeStatus: 'new' } },
  { name: 'another request closed: active one kept', state: following('new'), event: notice('closed', null, 'SR-9'), step: 'idle', expectState: { activeRequest: 'SR-7', activeStatus: 'new' } },
  { name: 'another request asks a question: it becomes active', state: following('new'), event: notice('awaiting_customer', 'Когда удобно?', 'SR-9'), step: 'idle', expectState: { activeRequest: 'SR-9', activeStatus: 'awaiting_customer' } },
  { name: 'during an intake: draft kept, step asked again', state: stateAt('screenshot', { draft: { type: 'incident', subject: 'Тема', description: 'Подробное описание' }, active: { number: 'SR-7', status: 'in_progress' } }), event: notice('awaiting_customer', 'Вопрос?'), step: 'screenshot', draft: { type: 'incident', subject: 'Тема', description: 'Подробное описание' }, effects: ['reply', 'reply'], says: ['«Вопрос?»', 'Приложите скриншот'], choices: ['skip'] },
  { name: 'while creating: the notice only', state: stateAt('creating', { draft: FULL_DRAFT, active: { number: 'SR-7', status: 'in_progress' } }), event: notice('closed'), step: 'creating', draft: FULL_DRAFT, effects: ['reply'] },
];

describe('status notices', () => {
  it.each(notices.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    checkCase(c);
  });

  it('a solved button on a notice is honoured during an intake, which continues', () => {
    const draft = { type: 'incident' as const };
    const state = stateAt('subject', { draft, active: { number: 'SR-7', status: 'solution_provided' } });
    const result = transition(state, press('solved'));
    expect(result.effects.map((e) => e.type)).toEqual(['forward_to_request', 'change_status', 'reply', 'reply']);
    expect(result.state).toMatchObject({ step: { kind: 'subject' }, draft, activeRequest: null });
    expect(replyText(result)).toContain('Коротко сформулируйте');
  });

  it('typed "решено" during an intake is an intake answer', () => {
    const state = stateAt('subject', { draft: { type: 'incident' }, active: { number: 'SR-7', status: 'solution_provided' } });
    const result = transition(state, say('Решено'));
    expect(result.state.draft.subject).toBe('Решено');
    expect(result.effects.map((e) => e.type)).toEqual(['reply']);
  });
});

const REQUESTS: RequestSummary[] = [
  { number: 'SR-7', type: 'incident', subject: 'Принтер', status: 'in_progress' },
  { number: 'SR-9', type: 'consultation', subject: 'Доступ к VPN', status: 'awaiting_customer' },
];
const result = (query: string | null, requests: RequestSummary[]): ConversationEvent => ({ type: 'status_result', at: AT + 4, query, requests });

const statusResults: Case[] = [
  { name: 'open requests', state: stateAt('idle'), event: result(null, REQUESTS), step: 'idle', effects: ['reply'], says: ['Ваши открытые заявки:', 'SR-7\u00a0— Принтер\u00a0— В работе', 'SR-9\u00a0— Доступ к VPN\u00a0— Ждёт вашего ответа'] },
  { name: 'open requests, English', state: stateAt('idle', { locale: 'en' }), event: result(null, REQUESTS), step: 'idle', says: ['Your open requests:', 'SR-7 — Принтер — In progress', 'Awaiting your reply'] },
  { name: 'none open', state: stateAt('idle'), event: result(null, []), step: 'idle', says: ['Открытых заявок нет'] },
  { name: 'one asked for', state: stateAt('idle'), event: result('SR-9', [REQUESTS[1]!]), step: 'idle', says: ['SR-9\u00a0— Доступ к VPN'] },
  { name: 'one asked for, not found', state: stateAt('idle'), event: result('SR-99', []), step: 'idle', says: ['Заявка SR-99 не найдена среди ваших.'] },
  { name: 'not found, English', state: stateAt('idle', { locale: 'en' }), event: result('SR-99', []), step: 'idle', says: ['Request SR-99 was not found among yours.'] },
  { name: 'during an intake: step asked again', state: stateAt('choose_type'), event: result(null, []), step: 'choose_type', draft: {}, effects: ['reply', 'reply'], says: ['Открытых заявок нет', 'Выберите тип заявки'], choices: ['incident', 'mass_incident', 'consultation', 'development_request'] },
];

describe('status results', () => {
  it.each(statusResults.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const out = checkCase(c);
    expect(out.state).toEqual({ ...c.state, updatedAt: c.event.at });
  });

  it('without a header when one request was asked for', () => {
    expect(replyText(transition(stateAt('idle'), result('SR-7', [REQUESTS[0]!])))).not.toContain('Ваши открытые заявки');
  });
});

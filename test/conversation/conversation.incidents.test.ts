/**
 * Issue 13, the customer's side: open mass incidents offered at the start of an
 * intake, a "yes" that creates a linked request at once, a "no" (or anything
 * else) that runs the normal intake, and the texts that name an incident.
 */
import { describe, expect, it } from 'vitest';

import { incidentUpdateText, isIntakeStep, openingPrompt, transition, typeChoices } from '../../src/conversation/index.js';
import type { ConversationState, KnownIncident, Locale, Policy, RequestSummary } from '../../src/conversation/index.js';
import { AT, checkCase, CRM, IMAGE, lastChoiceIds, MAIL, message, OLD, press, replyText, run, say, send, stateAt, VPN, type Case } from './conversation.fixtures.js';

const TYPES = typeChoices('ru').map((c) => c.id);
const OFFER_ONE = ['incident:SR-1001', 'incident:none'];
const OFFER_THREE = ['incident:SR-1001', 'incident:SR-1002', 'incident:SR-1003', 'incident:none'];
const PROBLEM = 'Здравствуйте, не подключается VPN из дома';
const PROBLEM_FIELDS = { subject: 'Не подключается VPN из дома', description: 'Не подключается VPN из дома' };

/** A state at `kind` whose policy lists `incidents` (and `policy`'s other fields). */
function withIncidents(incidents: KnownIncident[], policy: Partial<Policy> = {}, locale: Locale = 'ru', kind: 'idle' | 'subject' = 'idle'): ConversationState {
  return { ...stateAt(kind, { locale, ...(kind === 'subject' ? { draft: { type: 'incident' as const } } : {}) }), policy: { ...policy, knownIncidents: incidents } };
}

/** At the offer of `offered` (as shown), the policy now listing `listed`. */
function atOffer(offered: KnownIncident[], options: { listed?: KnownIncident[]; draft?: ConversationState['draft']; locale?: Locale } = {}): ConversationState {
  const shown = offered.map(({ number, titles }) => ({ number, titles }));
  return { ...withIncidents(options.listed ?? offered, {}, options.locale), step: { kind: 'incident_offer', offered: shown }, draft: options.draft ?? {} };
}

const created = (at: number, number = 'SR-1050') => ({ type: 'request_created' as const, at, number });

const offered: Case[] = [
  { name: 'a first greeting: greeted, then offered', state: withIncidents([VPN]), event: say('Здравствуйте'), step: 'incident_offer', draft: {}, effects: ['reply'], says: ['Здравствуйте! Я бот', 'Мы уже знаем о сбое: «Не работает VPN». У вас та же проблема?'], choices: OFFER_ONE },
  { name: 'a first message stating a problem: kept, then offered', state: withIncidents([VPN]), event: say(PROBLEM), step: 'incident_offer', draft: PROBLEM_FIELDS, says: ['Записал: «не подключается VPN из дома»', 'У вас та же проблема?'], choices: OFFER_ONE },
  { name: 'a first image: kept, then offered', state: withIncidents([VPN]), event: send(IMAGE), step: 'incident_offer', draft: { screenshot: IMAGE }, says: ['скриншот'], choices: OFFER_ONE },
  { name: '/new', state: withIncidents([VPN]), event: say('/new'), step: 'incident_offer', draft: {}, says: ['Мы уже знаем о сбое'], choices: OFFER_ONE },
  { name: '/start', state: withIncidents([VPN]), event: say('/start'), step: 'incident_offer', says: ['Здравствуйте! Я бот', 'Мы уже знаем о сбое'], choices: OFFER_ONE },
  { name: 'the New request button', state: withIncidents([VPN], { menu: 'buttons' }), event: press('menu:new', 'Новая заявка'), step: 'incident_offer', choices: [...OFFER_ONE, 'menu:lang:en'] },
  { name: '/new in the middle of an intake', state: withIncidents([VPN], {}, 'ru', 'subject'), event: say('/new'), step: 'incident_offer', draft: {}, choices: OFFER_ONE },
  { name: 'three incidents: one Yes each, newest first, then No', state: withIncidents([VPN, MAIL, CRM]), event: say('Здравствуйте'), step: 'incident_offer', says: ['Мы уже знаем о нескольких сбоях'], choices: OFFER_THREE },
  { name: 'four incidents: only the newest three', state: withIncidents([VPN, MAIL, CRM, OLD]), event: say('/new'), step: 'incident_offer', choices: OFFER_THREE },
  { name: 'in English', state: withIncidents([VPN], {}, 'en'), event: say('hi'), step: 'incident_offer', says: ['Hello!', 'We know about a fault: “VPN is down”. Is yours this one?'], choices: OFFER_ONE },
  { name: 'none open: the type, as ever', state: withIncidents([]), event: say('Здравствуйте'), step: 'choose_type', choices: TYPES },
  { name: 'a policy leaving them undefined: none open', state: { ...stateAt('idle'), policy: { knownIncidents: undefined } }, event: say('/new'), step: 'choose_type', choices: TYPES },
  { name: 'following a request: a follow-up, not an intake', state: { ...withIncidents([VPN]), activeRequest: 'SR-7', activeStatus: 'in_progress' }, event: say('Есть новости?'), step: 'idle', effects: ['forward_to_request', 'reply'] },
];

describe('the offer of known incidents', () => {
  it.each(offered.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    checkCase(c);
  });

  it('labels each incident with its title when there are several, in the customer language', () => {
    const ru = transition(withIncidents([VPN, MAIL]), say('/new')).effects[0];
    expect(ru).toMatchObject({ choices: [{ label: 'Да: Не работает VPN' }, { label: 'Да: Почта не отправляет письма' }, { label: 'Нет, у меня другое' }] });
    const en = transition(withIncidents([VPN], {}, 'en'), say('/new')).effects[0];
    expect(en).toMatchObject({ choices: [{ label: 'Yes, this is my problem' }, { label: 'No, something else' }] });
  });

  it('comes after the pre-chat step, before the type', () => {
    const result = run(withIncidents([VPN], { askContact: true }), [say(PROBLEM), say('Ольга'), say('olga@example.com')]);
    expect(result.all.map((e) => e.type)).toEqual(['reply', 'reply', 'set_contact', 'reply']);
    expect(result.state.step).toEqual({ kind: 'incident_offer', offered: [{ number: 'SR-1001', titles: VPN.titles }] });
    expect(result.state.draft).toEqual(PROBLEM_FIELDS);
    expect(lastChoiceIds(result)).toEqual(OFFER_ONE);
  });

  it('is an intake step: it expires, is cancelled and survives JSON', () => {
    const state = atOffer([VPN]);
    expect(isIntakeStep(state.step)).toBe(true);
    expect(transition(state, { type: 'expired', at: AT + 1 })).toEqual({ state: { ...state, step: { kind: 'idle' }, updatedAt: AT + 1 }, effects: [] });
    expect(transition(state, say('/cancel')).state).toMatchObject({ step: { kind: 'idle' }, draft: {} });
    const reloaded = JSON.parse(JSON.stringify(state)) as ConversationState;
    expect(transition(reloaded, press('incident:SR-1001')).effects[0]).toMatchObject({ type: 'create_request', incidentNumber: 'SR-1001' });
  });

  it('is asked again in the new language after /lang, and after a /status answer', () => {
    const english = transition(atOffer([VPN]), say('/lang en'));
    expect(replyText(english)).toContain('We know about a fault: “VPN is down”');
    expect(lastChoiceIds(english)).toEqual(OFFER_ONE);
    const status = run(atOffer([VPN]), [say('/status'), { type: 'status_result', at: AT + 2, query: null, requests: [] }]);
    expect(replyText(status)).toMatch(/Открытых заявок нет\.[\s\S]*Мы уже знаем о сбое/);
    expect(status.state.step.kind).toBe('incident_offer');
  });
});

describe('the web chat opens with the offer', () => {
  const web = (incidents: KnownIncident[], extra: Partial<Policy> = {}) => withIncidents(incidents, { menu: 'buttons', greetsOnOpen: true, ...extra });

  it('shows the greeting and the offer, the language apart; the name first with the pre-chat step; the types with none open', () => {
    expect(openingPrompt('ru', { askContact: false, knownIncidents: [VPN] })).toEqual({
      text: 'Здравствуйте! Я бот службы поддержки и помогу оформить заявку.\n\nМы уже знаем о сбое: «Не работает VPN». У вас та же проблема?',
      choices: [{ id: 'incident:SR-1001', label: 'Да, это моя проблема' }, { id: 'incident:none', label: 'Нет, у меня другое' }, { id: 'menu:lang:en', label: 'English' }],
    });
    expect(openingPrompt('en', { askContact: false, knownIncidents: [VPN, MAIL, CRM, OLD] }).choices.map((c) => c.id)).toEqual([...OFFER_THREE, 'menu:lang:ru']);
    expect(openingPrompt('ru', { askContact: true, knownIncidents: [VPN] })).toEqual(openingPrompt('ru', { askContact: true }));
    expect(openingPrompt('ru', { askContact: false, knownIncidents: [] })).toEqual(openingPrompt('ru', { askContact: false }));
  });

  it.each<[string, ConversationState, ReturnType<typeof message>, string, Record<string, unknown>]>([
    ['Yes: the linked request at once', web([VPN]), press('incident:SR-1001', 'Да, это моя проблема'), 'creating', {}],
    ['No: the type question', web([VPN]), press('incident:none', 'Нет, у меня другое'), 'choose_type', {}],
    ['a problem typed instead: read as No and kept', web([VPN]), say('Не открывается отчёт по продажам'), 'choose_type', { subject: 'Не открывается отчёт по продажам' }],
    ['a type pressed (the opening was the type question): the offer follows', web([VPN]), press('incident', 'Инцидент'), 'incident_offer', { type: 'incident' }],
    ['with the pre-chat step the first message is the name', web([VPN], { askContact: true }), say('Ольга'), 'contact_info', {}],
  ])('%s', (_name, state, event, step, draft) => {
    const result = transition(state, event);
    expect(result.state.step.kind).toBe(step);
    if (step !== 'creating') expect(result.state.draft).toMatchObject(draft);
    expect(replyText(result)).not.toContain('Я бот');
  });
});

const DRAFT_YES = { type: 'mass_incident', subject: 'Не работает VPN', description: 'Не подключается VPN из дома', screenshot: null };
const answered: Case[] = [
  { name: 'Yes pressed', state: atOffer([VPN], { draft: PROBLEM_FIELDS }), event: press('incident:SR-1001'), step: 'creating', draft: DRAFT_YES as never, effects: ['create_request'] },
  { name: 'Yes as the number 1', state: atOffer([VPN], { draft: PROBLEM_FIELDS }), event: say('1'), step: 'creating', effects: ['create_request'] },
  { name: 'Yes as its label', state: atOffer([VPN]), event: say('да, это моя проблема'), step: 'creating' },
  { name: 'a plain "да" to one incident', state: atOffer([VPN]), event: say('Да!'), step: 'creating' },
  { name: 'the title typed, among three', state: atOffer([VPN, MAIL, CRM]), event: say('почта не отправляет письма'), step: 'creating' },
  { name: 'the second of three by number', state: atOffer([VPN, MAIL, CRM]), event: say('2'), step: 'creating' },
  { name: 'a plain "да" to three: which one?', state: atOffer([VPN, MAIL, CRM]), event: say('да'), step: 'incident_offer', effects: ['reply'], says: ['какой из сбоев', '«Нет, у меня другое»'], choices: OFFER_THREE },
  { name: 'No pressed: the intake goes on with the first message kept', state: atOffer([VPN], { draft: PROBLEM_FIELDS }), event: press('incident:none'), step: 'choose_type', draft: PROBLEM_FIELDS, says: ['Выберите тип заявки'], choices: TYPES },
  { name: 'No as the number 2', state: atOffer([VPN]), event: say('2'), step: 'choose_type', draft: {} },
  { name: 'No as the number 4 of three', state: atOffer([VPN, MAIL, CRM]), event: say('4'), step: 'choose_type' },
  { name: 'a plain "нет"', state: atOffer([VPN]), event: say('нет'), step: 'choose_type', draft: {} },
  { name: 'No with a type already given: the subject', state: atOffer([VPN], { draft: { type: 'incident' } }), event: press('incident:none'), step: 'subject', draft: { type: 'incident' } },
  { name: 'a problem typed instead: read as No and kept', state: atOffer([VPN]), event: say('У меня не печатает принтер'), step: 'choose_type', draft: { subject: 'У меня не печатает принтер', description: 'У меня не печатает принтер' }, says: ['Записал: «У меня не печатает принтер»'] },
  { name: 'a type typed instead: read as No and taken', state: atOffer([VPN]), event: say('Консультация'), step: 'subject', draft: { type: 'consultation' } },
  { name: 'an image instead: read as No, kept as the screenshot', state: atOffer([VPN], { draft: PROBLEM_FIELDS }), event: send(IMAGE), step: 'choose_type', draft: { ...PROBLEM_FIELDS, screenshot: IMAGE } },
  { name: 'a stale button alone: asked again', state: atOffer([VPN]), event: press('confirm'), step: 'incident_offer', effects: ['reply'], choices: OFFER_ONE },
  { name: 'Yes to an incident fixed since: the normal intake, told so', state: atOffer([VPN], { listed: [MAIL], draft: PROBLEM_FIELDS }), event: press('incident:SR-1001'), step: 'choose_type', draft: PROBLEM_FIELDS, effects: ['reply'], says: ['Сбой «Не работает VPN» уже устранён', 'Выберите тип заявки'] },
  { name: 'Yes to an incident fixed since, pre-chat step on: the intake goes on, not back to the name', state: { ...atOffer([VPN], { draft: { type: 'incident' } }), policy: { askContact: true, knownIncidents: [] } }, event: press('incident:SR-1001'), step: 'subject', draft: { type: 'incident' }, says: ['уже устранён', 'тему заявки'] },
  { name: 'Yes by number to an incident fixed since', state: atOffer([VPN], { listed: [] }), event: say('1'), step: 'choose_type', effects: ['reply'], says: ['уже устранён'] },
  { name: 'Yes to a number never offered nor listed', state: atOffer([VPN]), event: press('incident:SR-4242'), step: 'choose_type', effects: ['reply'], says: ['Этот сбой уже устранён'] },
  { name: 'in English: the English title', state: atOffer([VPN], { locale: 'en' }), event: say('yes'), step: 'creating', draft: { type: 'mass_incident', subject: 'VPN is down', description: 'VPN is down', screenshot: null } },
];

describe('answering the offer', () => {
  it.each(answered.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = checkCase(c);
    const creates = result.effects.filter((e) => e.type === 'create_request');
    if (c.step !== 'creating') expect(creates).toEqual([]);
  });

  it('Yes creates the request linked, typed mass incident, titled by the incident, described by the customer, with no more questions', () => {
    const result = transition(atOffer([VPN], { draft: PROBLEM_FIELDS }), message({ messageId: 'm-7', choiceId: 'incident:SR-1001' }));
    expect(result.effects).toEqual([{ type: 'create_request', draft: DRAFT_YES, sourceMessageId: 'm-7', incidentNumber: 'SR-1001' }]);
  });

  it.each<[string, KnownIncident, ConversationState['draft'], Record<string, unknown>]>([
    ['no problem text: the title describes it', VPN, {}, { subject: 'Не работает VPN', description: 'Не работает VPN' }],
    ['only a short subject given: the title describes it', VPN, { subject: 'VPN' }, { description: 'Не работает VPN' }],
    ['a subject long enough describes it', VPN, { subject: 'VPN не подключается' }, { description: 'VPN не подключается' }],
    ['a title too short to describe it: a sentence naming the incident', { ...VPN, titles: { ru: 'VPN упал', en: 'VPN down' } }, {}, { subject: 'VPN упал', description: 'Клиент подтвердил, что его затронул массовый инцидент SR-1001 «VPN упал».' }],
    ['a title too long for a subject: cut', { ...VPN, titles: { ru: 'Сбой '.repeat(60), en: 'x' } }, {}, { subject: `${'Сбой '.repeat(40).slice(0, 199).trimEnd()}…` }],
    ['a title too short for a subject: the incident number', { ...VPN, titles: { ru: '1С', en: '1C' } }, {}, { subject: 'Массовый инцидент SR-1001' }],
    ['a blank title: the other language', { ...VPN, titles: { ru: ' ', en: 'VPN is down' } }, {}, { subject: 'VPN is down' }],
    ['the screenshot the customer gave is kept', VPN, { screenshot: IMAGE }, { screenshot: IMAGE }],
    ['a type picked first gives way to mass incident', VPN, { type: 'consultation' }, { type: 'mass_incident' }],
  ])('%s', (_name, incident, draft, expected) => {
    const effect = transition(atOffer([incident], { draft }), press('incident:SR-1001')).effects[0];
    expect(effect).toMatchObject({ type: 'create_request', incidentNumber: 'SR-1001', draft: expected });
  });

  it('links an incident still listed though no longer among the newest three', () => {
    const result = transition(atOffer([VPN], { listed: [MAIL, CRM, OLD, VPN] }), press('incident:SR-1001'));
    expect(result.effects[0]).toMatchObject({ type: 'create_request', incidentNumber: 'SR-1001' });
  });

  it('an agent taking over at the offer creates an unlinked request', () => {
    const result = transition(atOffer([VPN], { draft: PROBLEM_FIELDS }), { type: 'taken_over', at: AT + 2, agentName: 'Анна', sourceMessageId: 'm-1' });
    expect(result.effects).toHaveLength(1);
    expect(result.effects[0]).not.toHaveProperty('incidentNumber');
  });
});

describe('the confirmation of a linked request', () => {
  const linked = (incident: KnownIncident, locale: Locale = 'ru', policy: Partial<Policy> = {}) => {
    const state = { ...atOffer([incident], { locale }), policy: { ...policy, knownIncidents: [incident] } };
    return run(state, [press('incident:SR-1001'), created(AT + 2)]);
  };

  it('says its own number, the incident, and the latest update', () => {
    const result = linked(VPN);
    expect(replyText(result)).toBe(
      'Заявка SR-1050 создана и привязана к массовому инциденту SR-1001 «Не работает VPN». Специалисты уже устраняют сбой, новости о нём придут сюда.\n' +
        'Всё, что вы напишете здесь, добавим к вашей заявке.\nПоследнее обновление: Меняем сертификат, ориентировочно до 15:00.\nНовая заявка\u00a0— команда /new.',
    );
    expect(result.state).toMatchObject({ step: { kind: 'idle' }, draft: {}, activeRequest: 'SR-1050', activeStatus: 'new' });
  });

  it('leaves the update out when there is none; in English; with buttons on the web', () => {
    expect(replyText(linked({ ...VPN, latestUpdate: null }))).not.toContain('Последнее обновление');
    expect(replyText(linked({ ...VPN, latestUpdate: '   ' }))).not.toContain('Последнее обновление');
    expect(replyText(linked(VPN, 'en'))).toMatch(/^Request SR-1050 has been created and linked to the mass incident SR-1001 “VPN is down”\.[\s\S]*Latest update: Меняем сертификат/);
    expect(lastChoiceIds(linked(VPN, 'ru', { menu: 'buttons' }))).toEqual(['menu:new', 'menu:status', 'menu:lang:en']);
  });

  it('an unlinked request keeps the plain confirmation', () => {
    expect(replyText(transition(stateAt('creating'), created(AT + 2)))).toContain('Специалист скоро возьмётся за неё');
  });
});

describe('status lookup', () => {
  const request = (incident: KnownIncident | null): RequestSummary => ({ number: 'SR-1050', type: 'mass_incident', subject: 'Не работает VPN', status: 'new', incident });
  const status = (requests: RequestSummary[], locale: Locale = 'ru', query: string | null = null) =>
    replyText(transition(stateAt('idle', { locale }), { type: 'status_result', at: AT + 1, query, requests }));

  it.each<[string, RequestSummary[], Locale, string]>([
    ['part of an incident, with its latest update', [request(VPN)], 'ru', 'Ваши открытые заявки:\nSR-1050\u00a0— Не работает VPN\u00a0— Новая\nЧасть массового инцидента SR-1001 «Не работает VPN»\nПоследнее обновление: Меняем сертификат, ориентировочно до 15:00.'],
    ['part of an incident with no update yet', [request(MAIL)], 'ru', 'Ваши открытые заявки:\nSR-1050\u00a0— Не работает VPN\u00a0— Новая\nЧасть массового инцидента SR-1002 «Почта не отправляет письма»'],
    ['in English', [request(VPN)], 'en', 'Your open requests:\nSR-1050 — Не работает VPN — New\nPart of mass incident SR-1001 “VPN is down”\nLatest update: Меняем сертификат, ориентировочно до 15:00.'],
    ['not part of one', [request(null)], 'ru', 'Ваши открытые заявки:\nSR-1050\u00a0— Не работает VPN\u00a0— Новая'],
  ])('%s', (_name, requests, locale, text) => {
    expect(status(requests, locale)).toContain(text);
  });

  it('one request asked for by number', () => {
    expect(status([request(VPN)], 'ru', 'SR-1050')).toMatch(/^SR-1050[^\n]*\nЧасть массового инцидента SR-1001/);
  });
});

describe('incidentUpdateText', () => {
  it.each<[Locale, string]>([
    ['ru', 'Обновление по массовому инциденту SR-1001 «Не работает VPN» (ваша заявка SR-1050):\nСертификат заменён, проверьте {подключение}.'],
    ['en', 'Update on the service outage SR-1001 “Не работает VPN” (your request SR-1050):\nСертификат заменён, проверьте {подключение}.'],
  ])('%s: a header, then the text as written', (locale, text) => {
    expect(incidentUpdateText(locale, { requestNumber: 'SR-1050', incidentNumber: 'SR-1001', title: 'Не работает VPN', text: 'Сертификат заменён, проверьте {подключение}.' })).toBe(text);
  });
});

/**
 * The customer's first minute (issue 11): the first message kept, the greeting on
 * open, the pre-chat step, text at the screenshot step, buttons instead of commands
 * on the web, messages after closing, and an agent taking over an intake.
 */
import { describe, expect, it } from 'vitest';
import { openingPrompt, parseContact, transition, typeChoices } from '../../src/conversation/index.js';
import type { ConversationState, Policy } from '../../src/conversation/index.js';
import { problemOf } from '../../src/conversation/conversation.problem.js';
import { AT, checkCase, DESCRIPTION, FULL_DRAFT, IMAGE, lastChoiceIds, message, press, replies, replyText, run, say, send, stateAt, type Case } from './conversation.fixtures.js';

const TYPES = ['incident', 'mass_incident', 'consultation', 'development_request'];
const DAY = 86_400_000;

function withPolicy(state: ConversationState, policy: Partial<Policy>): ConversationState {
  return { ...state, policy };
}
const idle = (policy: Partial<Policy> = {}, locale: 'ru' | 'en' = 'ru') => withPolicy(stateAt('idle', { locale }), policy);

describe('the problem in a first message', () => {
  it.each([
    ['Здравствуйте, не выгружается счёт в PDF', { subject: 'Не выгружается счёт в PDF', description: 'Не выгружается счёт в PDF' }],
    ['Hi there, the invoices page is blank', { subject: 'The invoices page is blank', description: 'The invoices page is blank' }],
    ['Добрый день всем! Не открывается отчёт', { subject: 'Не открывается отчёт', description: 'Не открывается отчёт' }],
    ['Добрый день! Принтер на 3 этаже не печатает', { subject: 'Принтер на 3 этаже не печатает', description: 'Принтер на 3 этаже не печатает' }],
    ['Hi, VPN is down', { subject: 'VPN is down', description: 'VPN is down' }],
    ['PDF сломан', { subject: 'PDF сломан', description: 'PDF сломан' }],
    ['help', { subject: 'Help' }],
  ])('%j', (text, fields) => {
    expect(problemOf(text)?.fields).toEqual(fields);
  });

  it('keeps a long or several-line text as the description only', () => {
    const long = `Здравствуйте.\n${'С утра не работает выгрузка отчётов в 1С. '.repeat(5)}`;
    expect(problemOf(long)?.fields).toEqual({ description: long.replace('Здравствуйте.\n', '').trim() });
  });

  it.each(['Здравствуйте', 'Добрый день!', 'hello', '  ', 'ok', '/new', 'Привет, привет!', 'Hi there', 'Hello everyone!'])('%j states none', (text) => {
    expect(problemOf(text)).toBeNull();
  });

  it('does not take a word that merely begins like a greeting', () => {
    expect(problemOf('Hiring portal is broken')?.fields.subject).toBe('Hiring portal is broken');
  });
});

describe('contact details', () => {
  it.each([
    ['Ann@Example.com', { email: 'ann@example.com', phone: null }],
    ['+7 900 123-45-67', { email: null, phone: '+79001234567' }],
    ['(495) 123 45 67', { email: null, phone: '4951234567' }],
  ])('%j is %j', (text, contact) => {
    expect(parseContact(text)).toEqual(contact);
  });

  it.each(['ann@', 'позвоните мне', '123', '', 'a@b', '+7 900 123-45-67 доб. 5'])('%j is none', (text) => {
    expect(parseContact(text)).toBeNull();
  });
});

const firstMessage: Case[] = [
  {
    name: 'Telegram: the problem is kept, the bot greets and asks only what is missing',
    state: idle(),
    event: say('Здравствуйте, не выгружается счёт в PDF'),
    step: 'choose_type',
    draft: { subject: 'Не выгружается счёт в PDF', description: 'Не выгружается счёт в PDF' },
    says: ['Здравствуйте! Я бот', 'Записал: «не выгружается счёт в PDF»', 'Выберите тип заявки'],
    choices: TYPES,
  },
  { name: 'a bare greeting keeps nothing', state: idle(), event: say('Здравствуйте!'), step: 'choose_type', draft: {}, says: ['Здравствуйте! Я бот'], choices: TYPES },
  { name: 'an image in the first message is the screenshot', state: idle(), event: send(IMAGE, 'вот так'), step: 'choose_type', draft: { screenshot: IMAGE, subject: 'Вот так' }, says: ['скриншот'] },
  { name: 'web: the type pressed on the opening prompt is taken, no second greeting', state: idle({ greetsOnOpen: true }), event: press('mass_incident'), step: 'subject', draft: { type: 'mass_incident' }, says: ['тему заявки'] },
  { name: 'web: text typed under the opening prompt is kept, no second greeting', state: idle({ greetsOnOpen: true }), event: say('Не работает VPN у всего отдела'), step: 'choose_type', draft: { subject: 'Не работает VPN у всего отдела', description: 'Не работает VPN у всего отдела' }, says: ['Записал'], choices: TYPES },
];

describe('the first message of a conversation', () => {
  it.each(firstMessage.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const result = checkCase(c);
    if (c.state.policy?.greetsOnOpen) expect(replyText(result)).not.toContain('Я бот');
  });

  it('goes from a first message that states the problem to the summary without asking it again', () => {
    const result = run(idle(), [say('Здравствуйте, не выгружается счёт в PDF'), press('incident'), press('skip')]);
    expect(result.state.step.kind).toBe('summary');
    expect(replyText(result)).toContain('Тема: Не выгружается счёт в PDF');
  });

  it('keeps a problem described at the type step (after /new) and asks the type again; a misspelt type is no subject', () => {
    const described = run(idle(), [say('/new'), say('Не открывается отчёт по продажам за ноябрь')]);
    expect(described.state.step.kind).toBe('choose_type');
    expect(described.state.draft).toEqual({ subject: 'Не открывается отчёт по продажам за ноябрь', description: 'Не открывается отчёт по продажам за ноябрь' });
    expect(replyText(described)).toContain('«Не открывается отчёт по продажам за ноябрь»');
    expect(run(described.state, [press('incident')]).state.step.kind).toBe('screenshot');

    const misspelt = run(idle(), [say('/new'), say('инцедент')]);
    expect(misspelt.state.step.kind).toBe('choose_type');
    expect(misspelt.state.draft).toEqual({});
    expect(replyText(misspelt)).toMatch(/тип/);
  });

  it('shows the opening prompt a channel greets with: the types, or the name when the pre-chat step is on', () => {
    const language = { id: 'menu:lang:en', label: 'English' };
    expect(openingPrompt('ru', { askContact: false })).toEqual({ text: expect.stringMatching(/^Здравствуйте! Я бот[\s\S]*Выберите тип заявки/), choices: [...typeChoices('ru'), language] });
    expect(openingPrompt('en', { askContact: true })).toEqual({ text: expect.stringMatching(/How should we address you/), choices: [{ id: 'menu:lang:ru', label: 'Русский' }] });
  });
});

describe('the pre-chat step', () => {
  it('asks the name, then an e-mail or a phone, checks them, and stores them before the request', () => {
    const start = transition(idle({ askContact: true }), say('Не работает VPN у всего отдела'));
    expect(start.state.step.kind).toBe('contact_name');
    expect(start.state.draft).toMatchObject({ subject: 'Не работает VPN у всего отдела' });
    expect(replyText(start)).toContain('Как к вам обращаться?');

    const named = transition(start.state, say('  Ольга   Иванова '));
    expect(named.state.step.kind).toBe('contact_info');
    expect(replyText(named)).toContain('Спасибо, Ольга Иванова!');

    const wrong = transition(named.state, say('позвоните мне'));
    expect(wrong.state.step.kind).toBe('contact_info');
    expect(replyText(wrong)).toContain('Не похоже на e-mail');

    const done = transition(named.state, say('olga@example.com'));
    expect(done.effects[0]).toEqual({ type: 'set_contact', name: 'Ольга Иванова', email: 'olga@example.com', phone: null });
    expect(done.state.step.kind).toBe('choose_type');
    expect(done.state.contact).toBeUndefined();
  });

  it('on the web the opening prompt asked the name: the first message gives it', () => {
    const result = transition(idle({ askContact: true, greetsOnOpen: true }), say('Ольга'));
    expect(result.state.step.kind).toBe('contact_info');
  });

  it('is not asked when the policy does not ask for it', () => {
    expect(transition(idle(), say('/new')).state.step.kind).toBe('choose_type');
    expect(transition(idle({ askContact: true }), say('/new')).state.step.kind).toBe('contact_name');
  });
});

describe('buttons on the web, commands elsewhere', () => {
  const created = (policy: Partial<Policy>) =>
    transition(withPolicy({ ...stateAt('creating', { draft: FULL_DRAFT }) }, policy), { type: 'request_created', at: AT + 5, number: 'SR-1042' });

  it('tells Telegram customers the command, and gives web visitors buttons', () => {
    const commands = created({ menu: 'commands' });
    expect(replyText(commands)).toContain('/new');
    const buttons = created({ menu: 'buttons' });
    expect(replyText(buttons)).not.toContain('/new');
    expect(buttons.effects.at(-1)).toMatchObject({ choices: [{ id: 'menu:new' }, { id: 'menu:status' }, { id: 'menu:lang:en' }] });
  });

  it('runs a pressed menu button like its command', () => {
    expect(transition(stateAt('subject', { draft: { type: 'incident' } }), press('menu:new', 'Новая заявка')).state.step.kind).toBe('choose_type');
    expect(transition(idle(), press('menu:status')).effects).toEqual([{ type: 'query_status', number: null }]);
    const english = transition(idle(), press('menu:lang:en'));
    expect(english.state.locale).toBe('en');
    expect(english.effects[0]).toEqual({ type: 'set_locale', locale: 'en' });
  });

  it('answers /help with buttons on the web', () => {
    const result = transition(idle({ menu: 'buttons' }), say('/help'));
    expect(replyText(result)).toContain('Чем помочь?');
    expect(result.effects[0]).toMatchObject({ choices: [{ id: 'menu:new' }, { id: 'menu:status' }, { id: 'menu:lang:en' }] });
  });
});

/**
 * Item 3: a web visitor reaches a new request, their requests and the language
 * by buttons, wherever the web offers the menu; a command typed there is
 * answered with the buttons, never with another command to type.
 */
describe('the menu on the web: a new request, my requests, the language', () => {
  const web = (kind: Parameters<typeof stateAt>[0] = 'idle', options: Parameters<typeof stateAt>[1] = {}) =>
    withPolicy(stateAt(kind, options), { menu: 'buttons', greetsOnOpen: true });
  const MENU = ['menu:new', 'menu:status', 'menu:lang:en'];

  it('offers the language with New request and My requests: after a cancel, and when nothing is open', () => {
    expect(lastChoiceIds(transition(web('summary', { draft: FULL_DRAFT }), say('/cancel')))).toEqual(MENU);
    const none = transition(web(), { type: 'status_result', at: AT + 1, query: null, requests: [] });
    expect(lastChoiceIds(none)).toEqual(['menu:new', 'menu:lang:en']);
    // Telegram and WhatsApp keep the command hint.
    const telegram = transition(stateAt('summary', { draft: FULL_DRAFT }), say('/cancel'));
    expect(lastChoiceIds(telegram)).toEqual([]);
    expect(replyText(telegram)).toContain('/new');
  });

  it('answers an unknown command with the buttons, never "send /help"', () => {
    const idle = transition(web(), say('/x'));
    expect(replies(idle)).toHaveLength(1);
    expect(replyText(idle)).toBe('Не знаю команду /x. Здесь всё делается кнопками.');
    expect(lastChoiceIds(idle)).toEqual(MENU);
    // Mid-intake the step's question and choices come in the same message, the menu after them.
    const summary = transition(web('summary', { draft: FULL_DRAFT }), say('/x'));
    expect(replies(summary)).toHaveLength(1);
    expect(replyText(summary)).toMatch(/^Не знаю команду \/x\.[\s\S]*Проверьте заявку:/);
    expect(lastChoiceIds(summary)).toEqual(['confirm', 'edit', 'cancel', ...MENU]);
    expect(summary.state).toEqual({ ...web('summary', { draft: FULL_DRAFT }), updatedAt: AT + 1 });
    expect(replyText(transition(web('idle', { locale: 'en' }), say('/foo')))).not.toContain('/help');
    // Telegram keeps its commands.
    expect(replyText(transition(stateAt('idle'), say('/x')))).toContain('/help');
  });

  it('keeps the menu pressable mid-intake: /help on the web is one message with the step', () => {
    const help = transition(web('subject', { draft: { type: 'incident' } }), say('/help'));
    expect(replies(help)).toHaveLength(1);
    expect(replyText(help)).toContain('Коротко сформулируйте тему');
    expect(lastChoiceIds(help)).toEqual(MENU);
  });

  it('switches the language from the greeting and asks the first question in it', () => {
    const english = transition(web(), press('menu:lang:en', 'English'));
    expect(english.effects[0]).toEqual({ type: 'set_locale', locale: 'en' });
    expect(replies(english)).toHaveLength(1);
    expect(replyText(english)).toMatch(/^Done, I'll speak English from now on\.\n\nChoose the request type/);
    expect(lastChoiceIds(english)).toEqual([...TYPES, 'menu:lang:ru']);
    expect(english.state).toMatchObject({ locale: 'en', step: { kind: 'choose_type' }, draft: {} });
    // What the visitor writes next is the intake's: a type, or the problem, kept.
    const typed = transition(english.state, press('incident', 'Incident'));
    expect(typed.state.step.kind).toBe('subject');
    expect(replyText(typed)).not.toContain('Hello');
    const problem = transition(english.state, say('The invoices page stays blank'));
    expect(problem.state.draft).toMatchObject({ subject: 'The invoices page stays blank' });
    // With the pre-chat step on, the name is asked first.
    expect(transition(withPolicy(stateAt('idle'), { menu: 'buttons', askContact: true }), press('menu:lang:en')).state.step.kind).toBe('contact_name');
  });

  it('offers the language with the type question on the web only', () => {
    expect(lastChoiceIds(transition(web(), say('/new')))).toEqual([...TYPES, 'menu:lang:en']);
    expect(lastChoiceIds(transition(stateAt('idle'), say('/new')))).toEqual(TYPES);
    // Offered once when the menu joins the type question.
    expect(lastChoiceIds(transition(web('choose_type'), say('/help')))).toEqual([...TYPES, 'menu:new', 'menu:status', 'menu:lang:en']);
  });

  it('offers the menu, in the new language, to a visitor following a request', () => {
    const following = transition(web('idle', { active: { number: 'SR-7', status: 'in_progress' } }), press('menu:lang:en', 'English'));
    expect(replyText(following)).toBe("Done, I'll speak English from now on.");
    expect(lastChoiceIds(following)).toEqual(['menu:new', 'menu:status', 'menu:lang:ru']);
  });
});

describe('a message soon after closing', () => {
  const closedAt = AT + 10;
  const justClosed = (closedFollowUpMs = DAY): ConversationState =>
    transition(withPolicy(stateAt('idle', { active: { number: 'SR-7', status: 'solution_provided' } }), { closedFollowUpMs }), {
      type: 'status_changed', at: closedAt, number: 'SR-7', status: 'closed', comment: null,
    }).state;

  it('is filed under the closed request, and the customer learns what they can do, once', () => {
    const thanks = transition(justClosed(), message({ messageId: 'm-9', at: closedAt + 60_000, text: 'Спасибо!' }));
    expect(thanks.effects[0]).toEqual({ type: 'forward_to_request', number: 'SR-7', messageId: 'm-9' });
    expect(replyText(thanks)).toContain('Заявка SR-7 закрыта. Ваше сообщение добавлено к ней');
    expect(thanks.effects.at(-1)).toMatchObject({ choices: [{ id: 'reopen' }, { id: 'menu:new' }] });
    // The language too on the web; Telegram keeps the two.
    expect(lastChoiceIds(transition(withPolicy(justClosed(), { closedFollowUpMs: DAY, menu: 'buttons' }), message({ at: closedAt + 1, text: 'Спасибо!' })))).toEqual(['reopen', 'menu:new', 'menu:lang:en']);
    expect(lastChoiceIds(thanks)).toEqual(['reopen', 'menu:new']);
    expect(thanks.state.step.kind).toBe('idle');
    const again = transition(thanks.state, message({ messageId: 'm-10', at: closedAt + 120_000, text: 'И ещё' }));
    expect(again.effects).toEqual([{ type: 'forward_to_request', number: 'SR-7', messageId: 'm-10' }]);
  });

  it('reopens the request when the customer asks', () => {
    const reopen = transition(justClosed(), message({ at: closedAt + 1000, choiceId: 'reopen', text: 'Открыть заявку снова' }));
    expect(reopen.effects.map((e) => e.type)).toEqual(['forward_to_request', 'change_status', 'reply']);
    expect(reopen.state).toMatchObject({ activeRequest: 'SR-7', activeStatus: 'in_progress' });
  });

  it('starts a new intake after the window, or with the window off', () => {
    expect(transition(justClosed(), message({ at: closedAt + DAY + 1, text: 'Здравствуйте' })).state.step.kind).toBe('choose_type');
    expect(transition(justClosed(0), message({ at: closedAt + 1, text: 'Здравствуйте' })).state.step.kind).toBe('choose_type');
  });

  it('also after the customer said "solved"', () => {
    const solved = run(stateAt('idle', { active: { number: 'SR-7', status: 'solution_provided' } }), [press('solved')]);
    const state = withPolicy(solved.state, { closedFollowUpMs: DAY });
    expect(transition(state, message({ at: AT + 5, text: 'Спасибо!' })).effects[0]).toMatchObject({ type: 'forward_to_request', number: 'SR-7' });
  });
});

describe('an agent taking over an intake', () => {
  it('creates the request from what there is, and then tells the customer a person joined', () => {
    const state = stateAt('description', { draft: { type: 'incident', subject: 'Не работает VPN' } });
    const taken = transition(state, { type: 'taken_over', at: AT + 2, agentName: 'Анна', sourceMessageId: 'm-3' });
    expect(taken.state.step.kind).toBe('creating');
    expect(taken.effects).toEqual([
      { type: 'create_request', sourceMessageId: 'm-3', draft: { type: 'incident', subject: 'Не работает VPN', description: 'Не работает VPN', screenshot: null } },
    ]);
    const created = transition(taken.state, { type: 'request_created', at: AT + 3, number: 'SR-1050' });
    expect(replyText(created)).toBe('К разговору подключился специалист Анна. Заявка SR-1050 зарегистрирована\u00a0— продолжим здесь.');
    expect(created.state).toMatchObject({ step: { kind: 'idle' }, activeRequest: 'SR-1050', takenOverBy: null });
  });

  it('says plainly what the customer never gave', () => {
    const taken = transition(stateAt('choose_type'), { type: 'taken_over', at: AT + 2, agentName: 'Ann', sourceMessageId: 'm-1' });
    expect(taken.effects[0]).toMatchObject({ draft: { type: 'consultation', subject: 'Обращение без темы', description: 'Описание не указано: специалист уточнит детали в переписке.' } });
  });

  it('makes a subject of the description and a consultation of no type', () => {
    const taken = transition(stateAt('choose_type', { draft: { description: DESCRIPTION } }), { type: 'taken_over', at: AT + 2, agentName: 'Ann', sourceMessageId: 'm-1' });
    expect(taken.effects[0]).toMatchObject({ draft: { type: 'consultation', subject: DESCRIPTION, description: DESCRIPTION } });
  });

  it('does nothing outside an intake', () => {
    expect(transition(stateAt('idle'), { type: 'taken_over', at: AT + 2, agentName: 'Ann', sourceMessageId: 'm-1' }).effects).toEqual([]);
  });
});

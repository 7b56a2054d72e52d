import { describe, expect, it } from 'vitest';

import { REQUEST_TYPES, transition } from '../../src/conversation/index.js';
import type { Case } from './conversation.fixtures.js';
import {
  checkCase,
  DESCRIPTION,
  FULL_DRAFT,
  IMAGE,
  IMAGE_2,
  message,
  PDF,
  press,
  say,
  send,
  stateAt,
  SUBJECT,
} from './conversation.fixtures.js';

const TYPES = [...REQUEST_TYPES];
const SUMMARY = ['confirm', 'edit', 'cancel'];
const FIELDS = ['type', 'subject', 'description', 'screenshot', 'back'];
const ACTIVE = { number: 'SR-7', status: 'in_progress' as const };

const greeting: Case[] = [
  { name: 'first message', state: stateAt('idle'), event: say('Здравствуйте'), step: 'choose_type', draft: {}, effects: ['reply'], says: ['Здравствуйте!', 'Выберите тип заявки'], choices: TYPES },
  { name: 'attachment only', state: stateAt('idle'), event: send(PDF), step: 'choose_type', says: ['Здравствуйте!'], choices: TYPES },
  { name: 'in English', state: stateAt('idle', { locale: 'en' }), event: say('hi'), step: 'choose_type', says: ['Hello!', 'Choose the request type'], choices: TYPES },
];

const chooseType: Case[] = [
  { name: 'button', state: stateAt('choose_type'), event: press('consultation'), step: 'subject', draft: { type: 'consultation' }, says: ['тему заявки', 'от 3 до 200'], choices: [] },
  { name: 'typed number', state: stateAt('choose_type'), event: say('2'), step: 'subject', draft: { type: 'mass_incident' } },
  { name: 'typed number with dot and spaces', state: stateAt('choose_type'), event: say(' 4. '), step: 'subject', draft: { type: 'development_request' } },
  { name: 'typed label', state: stateAt('choose_type'), event: say('массовый инцидент'), step: 'subject', draft: { type: 'mass_incident' } },
  { name: 'typed label, upper case', state: stateAt('choose_type'), event: say('  ИНЦИДЕНТ '), step: 'subject', draft: { type: 'incident' } },
  { name: 'typed English label', state: stateAt('choose_type', { locale: 'en' }), event: say('Development request'), step: 'subject', draft: { type: 'development_request' }, says: ['subject'] },
  { name: 'number out of range', state: stateAt('choose_type'), event: say('5'), step: 'choose_type', draft: {}, effects: ['reply'], says: ['Не понял тип заявки', 'от 1 до 4', 'Выберите тип заявки'], choices: TYPES },
  { name: 'free text', state: stateAt('choose_type'), event: say('принтер сломался'), step: 'choose_type', says: ['Не понял тип заявки'], choices: TYPES },
  { name: 'image', state: stateAt('choose_type'), event: send(IMAGE), step: 'choose_type', draft: {}, choices: TYPES },
  { name: 'stale button', state: stateAt('choose_type'), event: press('confirm'), step: 'choose_type', choices: TYPES },
  { name: 'while editing: back to the summary', state: stateAt('choose_type', { draft: FULL_DRAFT, editing: true }), event: say('3'), step: 'summary', draft: { ...FULL_DRAFT, type: 'consultation' }, says: ['Тип: Консультация', `Тема: ${SUBJECT}`], choices: SUMMARY, expectState: { editing: false } },
];

const withType = { draft: { type: 'incident' as const } };
const subject: Case[] = [
  { name: 'valid, trimmed', state: stateAt('subject', withType), event: say('  Принтер  '), step: 'description', draft: { type: 'incident', subject: 'Принтер' }, says: ['Опишите проблему', 'от 10 до 5000'] },
  { name: 'inner whitespace made one space', state: stateAt('subject', withType), event: say('Принтер\n   сломан'), step: 'description', draft: { type: 'incident', subject: 'Принтер сломан' } },
  { name: 'exactly 200', state: stateAt('subject', withType), event: say('я'.repeat(200)), step: 'description' },
  { name: 'too short', state: stateAt('subject', withType), event: say('  ab  '), step: 'subject', draft: { type: 'incident' }, effects: ['reply'], says: ['Тема слишком короткая: сейчас 2', 'от 3 до 200', 'Коротко сформулируйте'] },
  { name: 'too long', state: stateAt('subject', withType), event: say('я'.repeat(201)), step: 'subject', says: ['Тема слишком длинная: сейчас 201'] },
  { name: 'emoji count as one each', state: stateAt('subject', withType), event: say('😀😀'), step: 'subject', says: ['сейчас 2'] },
  { name: 'three emoji are enough', state: stateAt('subject', withType), event: say('😀😀😀'), step: 'description' },
  { name: 'blank text', state: stateAt('subject', withType), event: say('   '), step: 'subject', says: ['Здесь нужен текст'] },
  { name: 'file without text', state: stateAt('subject', withType), event: send(PDF), step: 'subject', draft: { type: 'incident' }, says: ['Файл не приложен', 'Здесь нужен текст'] },
  { name: 'file with text: text used, file not kept', state: stateAt('subject', withType), event: send(PDF, SUBJECT), step: 'description', draft: { type: 'incident', subject: SUBJECT }, says: ['Файл не приложен', 'Опишите проблему'] },
  { name: 'image without text: kept as screenshot', state: stateAt('subject', withType), event: send(IMAGE), step: 'subject', draft: { type: 'incident', screenshot: IMAGE }, says: ['сохранил как скриншот', 'Здесь нужен текст'] },
  { name: 'image with caption', state: stateAt('subject', withType), event: send(IMAGE, SUBJECT), step: 'description', draft: { type: 'incident', subject: SUBJECT, screenshot: IMAGE }, says: ['сохранил как скриншот'] },
  { name: 'stale button press', state: stateAt('subject', withType), event: press('skip', 'Пропустить'), step: 'subject', draft: { type: 'incident' }, says: ['Здесь нужен текст'] },
  { name: 'English limits', state: stateAt('subject', { ...withType, locale: 'en' }), event: say('ab'), step: 'subject', says: ['The subject is too short: 2 now', '3 to 200'] },
  { name: 'while editing', state: stateAt('subject', { draft: FULL_DRAFT, editing: true }), event: say('Новая тема'), step: 'summary', draft: { ...FULL_DRAFT, subject: 'Новая тема' }, says: ['Тема: Новая тема'], choices: SUMMARY },
  { name: 'while editing, invalid: still editing', state: stateAt('subject', { draft: FULL_DRAFT, editing: true }), event: say('x'), step: 'subject', draft: FULL_DRAFT, expectState: { editing: true } },
];

const withSubject = { draft: { type: 'incident' as const, subject: SUBJECT } };
const description: Case[] = [
  { name: 'valid: asks for the screenshot', state: stateAt('description', withSubject), event: say(DESCRIPTION), step: 'screenshot', draft: { ...withSubject.draft, description: DESCRIPTION }, says: ['Приложите скриншот'], choices: ['skip'] },
  { name: 'line breaks kept', state: stateAt('description', withSubject), event: say('  строка один\nстрока два  '), step: 'screenshot', draft: { ...withSubject.draft, description: 'строка один\nстрока два' } },
  { name: 'exactly 5000', state: stateAt('description', withSubject), event: say('д'.repeat(5000)), step: 'screenshot' },
  { name: 'too short', state: stateAt('description', withSubject), event: say('коротко!!'), step: 'description', draft: withSubject.draft, says: ['Описание слишком короткое: сейчас 9', 'от 10 до 5000', 'Опишите проблему'] },
  { name: 'too long', state: stateAt('description', withSubject), event: say('д'.repeat(5001)), step: 'description', says: ['Описание слишком длинное: сейчас 5001'] },
  { name: 'image with caption: screenshot step skipped', state: stateAt('description', withSubject), event: send(IMAGE, DESCRIPTION), step: 'summary', draft: { ...withSubject.draft, description: DESCRIPTION, screenshot: IMAGE }, says: ['сохранил как скриншот', 'Скриншот: приложен'], choices: SUMMARY },
  { name: 'image alone: kept, text still needed', state: stateAt('description', withSubject), event: send(IMAGE), step: 'description', draft: { ...withSubject.draft, screenshot: IMAGE }, says: ['сохранил как скриншот', 'Здесь нужен текст'] },
  { name: 'image with a too short caption: kept anyway', state: stateAt('description', withSubject), event: send(IMAGE, 'кратко'), step: 'description', draft: { ...withSubject.draft, screenshot: IMAGE }, says: ['сохранил как скриншот', 'сейчас 6'] },
  { name: 'screenshot given earlier: summary next', state: stateAt('description', { draft: { ...withSubject.draft, screenshot: IMAGE } }), event: say(DESCRIPTION), step: 'summary', draft: { ...withSubject.draft, screenshot: IMAGE, description: DESCRIPTION } },
  { name: 'while editing', state: stateAt('description', { draft: FULL_DRAFT, editing: true }), event: say('Новое подробное описание'), step: 'summary', draft: { ...FULL_DRAFT, description: 'Новое подробное описание' }, choices: SUMMARY },
];

const withDescription = { draft: { type: 'incident' as const, subject: SUBJECT, description: DESCRIPTION } };
const screenshot: Case[] = [
  { name: 'image', state: stateAt('screenshot', withDescription), event: send(IMAGE), step: 'summary', draft: { ...withDescription.draft, screenshot: IMAGE }, says: ['Проверьте заявку', 'Скриншот: приложен'], choices: SUMMARY },
  { name: 'image with a caption: the caption is added to the description', state: stateAt('screenshot', withDescription), event: send(IMAGE, 'Ошибка на экране'), step: 'summary', draft: { ...withDescription.draft, description: `${DESCRIPTION}\n\nОшибка на экране`, screenshot: IMAGE }, says: ['Добавил к описанию: «Ошибка на экране»', 'Проверьте заявку'] },
  { name: 'not an image', state: stateAt('screenshot', withDescription), event: send(PDF), step: 'screenshot', draft: withDescription.draft, says: ['Это не изображение', 'PNG, JPEG, WebP или GIF'], choices: ['skip'] },
  { name: 'skip button', state: stateAt('screenshot', withDescription), event: press('skip'), step: 'summary', draft: FULL_DRAFT, says: ['Скриншот: нет'], choices: SUMMARY },
  { name: 'skip typed', state: stateAt('screenshot', withDescription), event: say('пропустить'), step: 'summary', draft: FULL_DRAFT },
  { name: 'skip by number', state: stateAt('screenshot', withDescription), event: say('1'), step: 'summary', draft: FULL_DRAFT },
  { name: 'skip typed in English', state: stateAt('screenshot', { ...withDescription, locale: 'en' }), event: say('SKIP'), step: 'summary', draft: FULL_DRAFT, says: ['Screenshot: none'] },
  { name: 'other text: kept in the description, the screenshot asked again', state: stateAt('screenshot', withDescription), event: say('Сервер 10.0.0.5'), step: 'screenshot', draft: { ...withDescription.draft, description: `${DESCRIPTION}\n\nСервер 10.0.0.5` }, says: ['Добавил к описанию: «Сервер 10.0.0.5»', '«Пропустить»'], choices: ['skip'] },
  { name: 'other text that would not fit: said so, the description kept', state: stateAt('screenshot', { draft: { ...withDescription.draft, description: 'д'.repeat(4995) } }), event: say('ещё немного текста'), step: 'screenshot', draft: { ...withDescription.draft, description: 'д'.repeat(4995) }, says: ['не поместился в описание', '5000'], choices: ['skip'] },
  { name: 'a file that is not an image, with text: the text kept, the file not', state: stateAt('screenshot', withDescription), event: send(PDF, 'лог во вложении'), step: 'screenshot', draft: { ...withDescription.draft, description: `${DESCRIPTION}\n\nлог во вложении` }, says: ['Добавил к описанию', 'Это не изображение'], choices: ['skip'] },
  { name: 'while editing: skip removes it', state: stateAt('screenshot', { draft: { ...FULL_DRAFT, screenshot: IMAGE }, editing: true }), event: press('skip'), step: 'summary', draft: FULL_DRAFT },
  { name: 'while editing: a new image replaces it', state: stateAt('screenshot', { draft: { ...FULL_DRAFT, screenshot: IMAGE }, editing: true }), event: send(IMAGE_2), step: 'summary', draft: { ...FULL_DRAFT, screenshot: IMAGE_2 } },
];

const summary: Case[] = [
  { name: 'confirm button', state: stateAt('summary', { draft: FULL_DRAFT }), event: press('confirm'), step: 'creating', draft: FULL_DRAFT, effects: ['create_request'] },
  { name: 'confirm by number', state: stateAt('summary', { draft: FULL_DRAFT }), event: say('1'), step: 'creating', effects: ['create_request'] },
  { name: 'confirm by label', state: stateAt('summary', { draft: FULL_DRAFT }), event: say('Отправить'), step: 'creating', effects: ['create_request'] },
  { name: 'edit', state: stateAt('summary', { draft: FULL_DRAFT }), event: press('edit'), step: 'choose_field', draft: FULL_DRAFT, says: ['Что изменить?'], choices: FIELDS },
  { name: 'cancel', state: stateAt('summary', { draft: FULL_DRAFT }), event: press('cancel'), step: 'idle', draft: {}, effects: ['reply'], says: ['отменено'], choices: [] },
  { name: 'cancel keeps the active request', state: stateAt('summary', { draft: FULL_DRAFT, active: ACTIVE }), event: say('3'), step: 'idle', draft: {}, expectState: { activeRequest: 'SR-7', activeStatus: 'in_progress' } },
  { name: 'anything else', state: stateAt('summary', { draft: FULL_DRAFT }), event: say('да'), step: 'summary', draft: FULL_DRAFT, effects: ['reply'], says: ['Выберите, что сделать', 'Проверьте заявку'], choices: SUMMARY },
  { name: 'an image', state: stateAt('summary', { draft: FULL_DRAFT }), event: send(IMAGE), step: 'summary', draft: FULL_DRAFT, choices: SUMMARY },
];

const chooseField: Case[] = [
  { name: 'type', state: stateAt('choose_field', { draft: FULL_DRAFT }), event: press('type'), step: 'choose_type', draft: FULL_DRAFT, choices: TYPES, expectState: { editing: true } },
  { name: 'subject, typed', state: stateAt('choose_field', { draft: FULL_DRAFT }), event: say('тему'), step: 'subject', says: ['тему заявки'], expectState: { editing: true } },
  { name: 'description, by number', state: stateAt('choose_field', { draft: FULL_DRAFT }), event: say('3'), step: 'description', expectState: { editing: true } },
  { name: 'screenshot', state: stateAt('choose_field', { draft: FULL_DRAFT }), event: press('screenshot'), step: 'screenshot', choices: ['skip'], expectState: { editing: true } },
  { name: 'back', state: stateAt('choose_field', { draft: FULL_DRAFT }), event: press('back'), step: 'summary', draft: FULL_DRAFT, choices: SUMMARY, expectState: { editing: false } },
  { name: 'not recognised', state: stateAt('choose_field', { draft: FULL_DRAFT }), event: say('всё'), step: 'choose_field', says: ['Выберите, что хотите изменить'], choices: FIELDS },
];

describe.each([
  ['greeting', greeting],
  ['choose_type', chooseType],
  ['subject', subject],
  ['description', description],
  ['screenshot', screenshot],
  ['summary', summary],
  ['choose_field', chooseField],
])('step %s', (_step, cases) => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    checkCase(c);
  });
});

describe('confirm', () => {
  it('emits only create_request with the complete draft and the message id', () => {
    const draft = { ...FULL_DRAFT, screenshot: IMAGE };
    const result = transition(stateAt('summary', { draft }), message({ messageId: 'msg-42', choiceId: 'confirm' }));
    expect(result.effects).toEqual([{ type: 'create_request', draft, sourceMessageId: 'msg-42' }]);
  });

  it('an incomplete draft at the summary asks for what is missing instead', () => {
    const result = transition(stateAt('summary', { draft: { type: 'incident', subject: SUBJECT } }), press('confirm'));
    expect(result.state.step.kind).toBe('description');
    expect(result.effects.map((e) => e.type)).toEqual(['reply']);
  });
});

describe('a whole intake', () => {
  it('goes from the greeting to create_request', () => {
    const events = [say('привет'), say('1'), say(SUBJECT), say(DESCRIPTION), press('skip'), press('confirm')];
    let state = stateAt('idle');
    for (const event of events) state = transition(state, event).state;
    expect(state.step.kind).toBe('creating');
    expect(state.draft).toEqual(FULL_DRAFT);
  });
});

import { describe, expect, it } from 'vitest';

import { resolveChoice } from '../../src/conversation/index.js';
import type { Choice } from '../../src/conversation/index.js';

const CHOICES: Choice[] = [
  { id: 'incident', label: 'Инцидент' },
  { id: 'mass_incident', label: 'Массовый инцидент' },
  { id: 'solved', label: 'Решено' },
  { id: 'yolka', label: 'Ёлка' },
];

describe('resolveChoice', () => {
  it.each<[string, { text?: string; choiceId?: string }, string | null]>([
    ['a pressed button', { choiceId: 'mass_incident' }, 'mass_incident'],
    ['a button wins over text', { choiceId: 'solved', text: '1' }, 'solved'],
    ['an unknown button, no text', { choiceId: 'gone' }, null],
    ['an unknown button falls back to its text', { choiceId: 'gone', text: 'Инцидент' }, 'incident'],
    ['a number', { text: '2' }, 'mass_incident'],
    ['a number with spaces and a dot', { text: ' 2. ' }, 'mass_incident'],
    ['a number with a parenthesis', { text: '3)' }, 'solved'],
    ['zero', { text: '0' }, null],
    ['out of range', { text: '9' }, null],
    ['not an integer', { text: '1.5' }, null],
    ['a label', { text: 'Решено' }, 'solved'],
    ['a label, any case, trimmed', { text: '  мАССОВЫЙ   инцидент ' }, 'mass_incident'],
    ['ё typed as е', { text: 'елка' }, 'yolka'],
    ['a partial label', { text: 'Массовый' }, null],
    ['the id typed is not a label', { text: 'incident' }, null],
    ['blank text', { text: '   ' }, null],
    ['nothing', {}, null],
  ])('%s', (_name, input, expected) => {
    expect(resolveChoice(CHOICES, input)?.id ?? null).toBe(expected);
  });

  it('returns the choice object itself', () => {
    expect(resolveChoice(CHOICES, { text: '1' })).toBe(CHOICES[0]);
  });

  it('nothing matches in an empty list', () => {
    expect(resolveChoice([], { text: '1', choiceId: 'x' })).toBeNull();
  });
});

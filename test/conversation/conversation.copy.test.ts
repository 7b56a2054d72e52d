import { describe, expect, it } from 'vitest';

import {
  copy,
  feedbackChoices,
  fieldChoices,
  formatText,
  LOCALES,
  offerChoices,
  skipChoices,
  statusLabel,
  summaryChoices,
  typeChoices,
  typeLabel,
} from '../../src/conversation/index.js';
import type { Choice, Locale, RequestStatus } from '../../src/conversation/index.js';
import { placeholdersOf } from '../../src/conversation/conversation.copy.js';
import { REQUEST_TYPES } from '../../src/conversation/index.js';
import { CRM, MAIL, VPN } from './conversation.fixtures.js';

const STATUSES: RequestStatus[] = ['new', 'in_progress', 'awaiting_customer', 'solution_provided', 'closed'];

describe('texts', () => {
  it('every language has the same keys', () => {
    const ru = Object.keys(copy('ru')).sort();
    for (const locale of LOCALES) expect(Object.keys(copy(locale)).sort()).toEqual(ru);
  });

  it.each(LOCALES)('%s has no empty text', (locale) => {
    for (const [key, text] of Object.entries(copy(locale))) expect(text.trim(), key).not.toBe('');
  });

  it('every text has the same placeholders in every language', () => {
    for (const [key, text] of Object.entries(copy('ru'))) {
      expect(placeholdersOf(copy('en')[key as keyof ReturnType<typeof copy>]), key).toEqual(placeholdersOf(text));
    }
  });

  it('fills placeholders and never expands braces in the values', () => {
    expect(formatText('ru', 'requestNotFound', { number: 'SR-1' })).toBe('Заявка SR-1 не найдена среди ваших.');
    expect(formatText('en', 'statusLine', { number: '{subject}', subject: 'a {status} b', status: 'x' })).toBe(
      '{subject} — a {status} b — x',
    );
  });

  it.each(LOCALES)('%s labels every type and status', (locale) => {
    for (const type of REQUEST_TYPES) expect(typeLabel(locale, type)).not.toBe('');
    for (const status of STATUSES) expect(statusLabel(locale, status)).not.toBe('');
  });
});

describe('choice labels', () => {
  const sets: [string, (l: Locale) => Choice[]][] = [
    ['types', typeChoices],
    ['summary', summaryChoices],
    ['fields', fieldChoices],
    ['skip', skipChoices],
    ['feedback', feedbackChoices],
    ['incident offer, one', (l) => offerChoices(l, [VPN])],
    ['incident offer, three', (l) => offerChoices(l, [VPN, MAIL, CRM])],
  ];

  it.each(sets)('%s: unique, not numbers, not commands, in every language', (_name, make) => {
    for (const locale of LOCALES) {
      const labels = make(locale).map((c) => c.label.toLowerCase());
      expect(new Set(labels).size).toBe(labels.length);
      for (const label of labels) {
        expect(label).not.toMatch(/^\d/);
        expect(label).not.toMatch(/^\//);
      }
    }
  });

  it.each(sets)('%s: the same ids in every language', (_name, make) => {
    expect(make('en').map((c) => c.id)).toEqual(make('ru').map((c) => c.id));
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasControlCharacters, toStorableText } from '../../src/formats/storable-text.js';

describe('text the store can keep', () => {
  it.each([
    ['Hel\u0000lo', 'Hello'],
    ['bell\u0007 escape\u001b[31m del\u007f', 'bell escape[31m del'],
    ['tab\tline\ncarriage\r\n', 'tab\tline\ncarriage\r\n'],
    ['Здравствуйте 👋🏽 ñ', 'Здравствуйте 👋🏽 ñ'],
    ['lone \uD83D surrogate \uDE00 end', 'lone \uFFFD surrogate \uFFFD end'],
    ['pair \uD83D\uDE00 kept', 'pair 😀 kept'],
  ])('%j becomes %j', (input, expected) => {
    expect(toStorableText(input)).toBe(expected);
  });

  it('leaves no control character but tab and line breaks, and no lone surrogate, in any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        const out = toStorableText(s);
        expect(out.isWellFormed()).toBe(true);
        expect(hasControlCharacters(out)).toBe(false);
        expect(toStorableText(out)).toBe(out);
      }),
    );
  });

  it('tells an identifier carrying one apart', () => {
    expect(hasControlCharacters('v_abc')).toBe(false);
    expect(hasControlCharacters('v_a\u0000bc')).toBe(true);
    expect(hasControlCharacters('v_\uD800')).toBe(true);
    // Called twice in a row: the global regular expressions keep no state between calls.
    expect(hasControlCharacters('x\u0001')).toBe(true);
    expect(hasControlCharacters('x\u0001')).toBe(true);
  });
});

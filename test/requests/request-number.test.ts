import { describe, expect, it } from 'vitest';
import { parseRequestNumber as conversationReader } from '../../src/conversation/index.js';
import { matchesPrefix, parseRequestNumber, spelledNumber } from '../../src/requests/request-number.js';
import { ACCEPTED_NUMBERS, REFUSED_NUMBERS } from '../support/request-number-forms.js';

describe('parseRequestNumber, the one reader of request numbers', () => {
  it("is the conversation engine's reader, the one /status uses", () => {
    expect(parseRequestNumber).toBe(conversationReader);
  });

  it.each(ACCEPTED_NUMBERS)('reads %j (the shared table)', (typed, prefix, counter) => {
    expect(parseRequestNumber(typed)).toEqual({ prefix, counter });
  });

  it.each(['', ...REFUSED_NUMBERS])('refuses %j (the shared table)', (typed) => {
    expect(parseRequestNumber(typed)).toBeNull();
  });

  it.each(['SR-1042', 'sr-1042', 'SR 1042', 'SR1042', ' Sr - 1042 ', '#SR-1042'])('reads %j as SR + 1042', (typed) => {
    const parsed = parseRequestNumber(typed);
    expect(parsed?.counter).toBe(1042);
    expect(parsed?.prefix?.toUpperCase()).toBe('SR');
    expect(matchesPrefix({ number: 'SR-1042' }, parsed!)).toBe(true);
  });

  it.each(['1042', '#1042', ' 1042 '])('reads %j as a bare counter that matches any prefix', (typed) => {
    const parsed = parseRequestNumber(typed);
    expect(parsed).toEqual({ prefix: null, counter: 1042 });
    expect(matchesPrefix({ number: 'HELP-1042' }, parsed!)).toBe(true);
    expect(spelledNumber(parsed!)).toBeNull();
  });

  it('tells another prefix apart', () => {
    const parsed = parseRequestNumber('XX-1042')!;
    expect(spelledNumber(parsed)).toBe('XX-1042');
    expect(matchesPrefix({ number: 'SR-1042' }, parsed)).toBe(false);
    expect(matchesPrefix({ number: 'HELP2-7' }, parseRequestNumber('help2-7')!)).toBe(true);
  });

  it.each(['', 'garbage', 'SR-', '1042abc', 'SR-1042-1', 'SR_1042', '%', 'SR-10420000000', '-1042', 'SR--1042'])('refuses %j', (typed) => {
    expect(parseRequestNumber(typed)).toBeNull();
  });
});

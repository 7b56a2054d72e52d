/**
 * The forms of a request number people type, and what each means: one table
 * for every reader of them (issue 11, item 10). The agent API's lookups
 * (test/requests/request-number.test.ts) and the customer's /status
 * (test/conversation/conversation.commands.test.ts) are checked against it.
 */

/** Typed forms that name a request: the prefix as typed (null for a bare counter) and the counter. */
export const ACCEPTED_NUMBERS: ReadonlyArray<readonly [typed: string, prefix: string | null, counter: number]> = [
  ['SR-1042', 'SR', 1042],
  ['sr-1042', 'sr', 1042],
  ['SR 1042', 'SR', 1042],
  ['SR1042', 'SR', 1042],
  [' Sr - 1042 ', 'Sr', 1042],
  ['#SR-1042', 'SR', 1042],
  ['1042', null, 1042],
  ['#1042', null, 1042],
  [' 1042 ', null, 1042],
  ['help2-7', 'help2', 7],
  ['SR-999999999', 'SR', 999_999_999],
];

/** Typed forms that cannot be a request number (blank ones aside: a bare /status lists the open requests). */
export const REFUSED_NUMBERS: readonly string[] = [
  'garbage',
  'SR-',
  '1042abc',
  'SR-1042-1',
  'SR_1042',
  '%',
  'SR-10420000000',
  '123456789012',
  '-1042',
  'SR--1042',
  'Sr 10 42',
  'моя заявка',
];

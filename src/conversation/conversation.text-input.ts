/** Length limits of the draft's text fields, in Unicode code points after trimming. */
export const SUBJECT_LIMITS = { min: 3, max: 200 } as const;
export const DESCRIPTION_LIMITS = { min: 10, max: 5000 } as const;

export interface Limits {
  readonly min: number;
  readonly max: number;
}

export type TextCheck =
  | { ok: true; value: string }
  | { ok: false; reason: 'missing' }
  | { ok: false; reason: 'too_short' | 'too_long'; length: number };

/** Length in code points, so an emoji or a non-BMP letter counts once. */
export function codePointLength(text: string): number {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

function checkLength(value: string, limits: Limits): TextCheck {
  const length = codePointLength(value);
  if (length === 0) return { ok: false, reason: 'missing' };
  if (length < limits.min) return { ok: false, reason: 'too_short', length };
  if (length > limits.max) return { ok: false, reason: 'too_long', length };
  return { ok: true, value };
}

/** A subject is one line: surrounding space trimmed, inner runs of whitespace made one space. */
export function checkSubject(text: string | undefined): TextCheck {
  return checkLength((text ?? '').replace(/\s+/g, ' ').trim(), SUBJECT_LIMITS);
}

/** A description keeps its line breaks; only surrounding whitespace is trimmed. */
export function checkDescription(text: string | undefined): TextCheck {
  return checkLength((text ?? '').trim(), DESCRIPTION_LIMITS);
}

/** Whether a stored subject is valid (used by tests and as a guard). */
export function isValidSubject(value: string): boolean {
  const check = checkSubject(value);
  return check.ok && check.value === value;
}

export function isValidDescription(value: string): boolean {
  const check = checkDescription(value);
  return check.ok && check.value === value;
}

/**
 * Text as the store can keep it. PostgreSQL's `text` and `jsonb` refuse the NUL
 * character (U+0000) outright, and other C0 control characters are never
 * meant as content: a message carrying them would fail to store forever. Every
 * boundary that takes text from outside (each channel through the gateway, the
 * agent API) passes it through here first.
 */

// C0 controls but tab, line feed and carriage return; DEL. Matching them is the point here.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** `text` without control characters (tab and line breaks stay) and with lone surrogates replaced by U+FFFD. */
export function toStorableText(text: string): string {
  return text.replace(CONTROL, '').toWellFormed();
}

/** Whether an identifier (an id, a name a channel gives) holds a character the store cannot keep as is. */
export function hasControlCharacters(text: string): boolean {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text) || !text.isWellFormed();
}

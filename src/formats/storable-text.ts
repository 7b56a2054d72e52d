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

// A UTF-16 surrogate without its other half (String.prototype.toWellFormed, written out: the
// console's own build, which shares these schemas, targets an older library).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** `text` without control characters (tab and line breaks stay) and with lone surrogates replaced by U+FFFD. */
export function toStorableText(text: string): string {
  return text.replace(CONTROL, '').replace(LONE_SURROGATE, '\uFFFD');
}

/** Whether an identifier (an id, a name a channel gives) holds a character the store cannot keep as is. */
export function hasControlCharacters(text: string): boolean {
  CONTROL.lastIndex = 0;
  LONE_SURROGATE.lastIndex = 0;
  return CONTROL.test(text) || LONE_SURROGATE.test(text);
}

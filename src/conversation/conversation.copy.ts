import { EN } from './conversation.copy.en.js';
import { RU } from './conversation.copy.ru.js';
import type { Locale, RequestStatus, RequestType } from './conversation.types.js';

/** Key of a bot text; every key exists in every language. */
export type CopyKey = keyof typeof RU;

/** The `{name}` placeholders of a text, read from the Russian template's literal type. */
type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;

/** Values for the placeholders of `K`; texts without placeholders take none. */
export type CopyParams<K extends CopyKey> = string extends (typeof RU)[K]
  ? [Record<string, string | number>?] // a template built by concatenation: its placeholders are not known to the type
  : [Placeholders<(typeof RU)[K]>] extends [never]
    ? []
    : [Record<Placeholders<(typeof RU)[K]>, string | number>];

const DICTIONARIES: Readonly<Record<Locale, Readonly<Record<CopyKey, string>>>> = { ru: RU, en: EN };

/** Locale used when none is known. */
export const DEFAULT_LOCALE: Locale = 'ru';

/** The raw templates of one language (placeholders left in). */
export function copy(locale: Locale): Readonly<Record<CopyKey, string>> {
  return DICTIONARIES[locale];
}

/**
 * The text `key` in `locale` with its placeholders filled in. Values are inserted
 * in one pass, so a customer's text containing `{...}` is never expanded.
 */
export function formatText<K extends CopyKey>(locale: Locale, key: K, ...params: CopyParams<K>): string {
  const values: Record<string, string | number> = params[0] ?? {};
  return DICTIONARIES[locale][key].replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in values ? String(values[name]) : whole,
  );
}

/** The placeholder names used in a template (for tests and checks). */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();
}

export function typeLabel(locale: Locale, type: RequestType): string {
  return formatText(locale, `type.${type}`);
}

export function statusLabel(locale: Locale, status: RequestStatus): string {
  return formatText(locale, `status.${status}`);
}

import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { en, type Strings } from './en.js';
import { ru } from './ru.js';
import type { Locale } from '../types.js';

export type { Strings };

export const DICTIONARIES: Record<Locale, Strings> = { en, ru };

const STORAGE_KEY = 'relaydesk.console.locale';

/** The stored choice, else English for an English browser and Russian for any other. */
export function initialLocale(): Locale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'en' || stored === 'ru') return stored;
  } catch {
    // Storage can be blocked (privacy settings); the browser language decides then.
  }
  return navigator.language.toLowerCase().startsWith('en') ? 'en' : 'ru';
}

export function storeLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Not persisted where storage is blocked; the switch still applies to this page.
  }
  document.documentElement.lang = locale;
}

export interface I18n {
  locale: Locale;
  t: Strings;
  setLocale(locale: Locale): void;
}

export const I18nContext = createContext<I18n>({ locale: 'ru', t: ru, setLocale: () => undefined });

export function useI18n(): I18n {
  return useContext(I18nContext);
}

/** The dictionary of the current language. */
export function useT(): Strings {
  return useContext(I18nContext).t;
}

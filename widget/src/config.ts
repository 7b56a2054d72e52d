import type { Locale } from './protocol';

/** What the embedding `<script>` tag asks for, resolved once at start. */
export interface WidgetConfig {
  /** Gateway base URL without a trailing slash, e.g. `https://desk.example.com`. */
  base: string;
  title: string | null;
  accent: string;
  position: 'left' | 'right';
  locale: Locale;
  /** Ask a new visitor's name and contact before the request (`data-prechat="true"`). */
  prechat: boolean;
}

const DEFAULT_ACCENT = '#0b5fff';

/**
 * The widget's own `<script>`: `document.currentScript` while the bundle runs
 * synchronously, else the last script whose src ends with `widget.js`.
 */
export function findScriptTag(): HTMLScriptElement | null {
  const current = document.currentScript;
  if (current instanceof HTMLScriptElement && current.src) return current;
  const scripts = document.querySelectorAll<HTMLScriptElement>('script[src]');
  for (let i = scripts.length - 1; i >= 0; i--) {
    const s = scripts[i];
    if (s && /\/widget(\.min)?\.js(\?|#|$)/.test(s.src)) return s;
  }
  return null;
}

/** `https://desk.example.com/widget.js?v=3` → `https://desk.example.com`. */
export function baseFromSrc(src: string): string {
  const url = new URL(src, location.href);
  const dir = url.pathname.replace(/\/[^/]*$/, '');
  return url.origin + dir;
}

/** `ru*` → ru, anything else → en. */
export function pickLocale(attr: string | undefined, language: string | undefined): Locale {
  const wanted = (attr || language || '').toLowerCase();
  return wanted.startsWith('ru') ? 'ru' : 'en';
}

function pickAccent(value: string | undefined): string {
  // The value goes into a style sheet: accept only what CSS itself parses as one colour.
  if (!value || /[;{}<>]/.test(value)) return DEFAULT_ACCENT;
  return typeof CSS !== 'undefined' && CSS.supports('color', value) ? value : DEFAULT_ACCENT;
}

export function readConfig(script: HTMLScriptElement): WidgetConfig {
  const d = script.dataset;
  return {
    base: baseFromSrc(script.src),
    title: d.title?.trim() || null,
    accent: pickAccent(d.accent?.trim()),
    position: d.position === 'left' ? 'left' : 'right',
    locale: pickLocale(d.locale, navigator.language),
    prechat: d.prechat?.trim().toLowerCase() === 'true',
  };
}

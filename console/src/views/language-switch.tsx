import { useI18n } from '../i18n/i18n.js';

/** Russian / English, remembered in localStorage. Each language is named in itself. */
export function LanguageSwitch() {
  const { locale, t, setLocale } = useI18n();
  return (
    <select
      class="language"
      aria-label={t.language}
      title={t.language}
      value={locale}
      data-testid="language-switch"
      onChange={(e) => setLocale((e.currentTarget as HTMLSelectElement).value === 'en' ? 'en' : 'ru')}
    >
      <option value="ru" lang="ru">
        Русский
      </option>
      <option value="en" lang="en">
        English
      </option>
    </select>
  );
}

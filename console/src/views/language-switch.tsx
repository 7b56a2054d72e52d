import { useI18n } from '../i18n/i18n.js';

/** Russian / English: the console's language. Each language is named in itself. */
export function LanguageSelect(props: { testId: string; class?: string; label?: string; labelledBy?: string }) {
  const { locale, setLocale } = useI18n();
  return (
    <select
      class={props.class}
      aria-label={props.label}
      aria-labelledby={props.labelledBy}
      title={props.label}
      value={locale}
      data-testid={props.testId}
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

/** The switch in the top bar, remembered in localStorage (and with the account once signed in). */
export function LanguageSwitch() {
  const { t } = useI18n();
  return <LanguageSelect class="language" label={t.language} testId="language-switch" />;
}

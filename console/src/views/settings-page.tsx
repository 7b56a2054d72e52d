import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useT } from '../i18n/i18n.js';
import type { DeskSettings } from '../types.js';
import { errorText, useNotify } from './notices.js';

type Key = keyof DeskSettings;

/** Admins only: the desk's settings, a switch each with a sentence saying what it does. */
export function SettingsPage() {
  const t = useT();
  const notify = useNotify();
  const [settings, setSettings] = useState<DeskSettings | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** Changes are sent one after the other, so the last answer (every setting) is the newest. */
  const queue = useRef<Promise<void>>(Promise.resolve());

  useEffect(() => {
    api.settings().then(setSettings, (err: unknown) => setError(errorText(t, err)));
  }, []);

  function change(key: Key, value: boolean) {
    setSettings((s) => s && { ...s, [key]: value });
    queue.current = queue.current.then(async () => {
      try {
        setSettings(await api.updateSettings({ [key]: value }));
        notify(t.settingsSaved);
      } catch (err) {
        setSettings((s) => s && { ...s, [key]: !value });
        notify(errorText(t, err), 'error');
      }
    });
  }

  const rows: Array<{ key: Key; title: string; hint: string }> = [
    { key: 'prechat', title: t.settingPrechat, hint: t.settingPrechatHint },
    { key: 'agentNameInReplies', title: t.settingAgentName, hint: t.settingAgentNameHint },
  ];
  return (
    <main class="page settings-page" data-testid="settings-page">
      <h1>{t.settings}</h1>
      <p class="muted">{t.settingsLead}</p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {settings === null && !error && <p class="muted">{t.loading}</p>}
      <ul class="setting-list">
        {rows.map(({ key, title, hint }) => (
          <li key={key} class="setting">
            <input
              id={`setting-${key}`}
              type="checkbox"
              role="switch"
              class="switch"
              checked={settings?.[key] ?? false}
              disabled={!settings}
              aria-describedby={`setting-${key}-hint`}
              onChange={(e) => change(key, e.currentTarget.checked)}
              data-testid={`setting-${key}`}
            />
            <div class="setting-text">
              <label for={`setting-${key}`}>{title}</label>
              <p id={`setting-${key}-hint`} class="muted" data-testid={`setting-${key}-hint`}>
                {hint}
              </p>
            </div>
          </li>
        ))}
      </ul>
    </main>
  );
}

import { useId, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { useI18n } from '../i18n/i18n.js';
import { LIMITS } from '../layout.js';
import type { AgentView, Presence } from '../types.js';
import { LanguageSelect } from './language-switch.js';
import { PresenceDot } from './presence.js';
import { NotificationSettings } from './notification-settings.js';
import { errorText, useNotify } from './notices.js';

/** The signed-in agent's own page: this browser's notifications, availability, console language, password. */
export function AccountPage({ me, onMe }: { me: AgentView; onMe(a: AgentView): void }) {
  const { t } = useI18n();
  return (
    <main class="page account-page" data-testid="account-page">
      <h1>{t.myAccount}</h1>
      <p class="muted">
        {me.name} · {me.email}
      </p>
      <NotificationSettings />
      <PresenceChoice me={me} onMe={onMe} />
      <section class="account-section" aria-labelledby="language-title">
        <h2 id="language-title">{t.consoleLanguage}</h2>
        <p class="muted" data-testid="account-locale-hint">
          {me.locale ? t.consoleLanguageHint : t.consoleLanguageUnset}
        </p>
        <LanguageSelect labelledBy="language-title" testId="account-locale" />
      </section>
      <PasswordForm />
    </main>
  );
}

/**
 * Online or away, for the other agents (the server says offline when no console
 * of the agent is connected). The choice shows at once and goes back if the
 * server refuses it.
 */
function PresenceChoice({ me, onMe }: { me: AgentView; onMe(a: AgentView): void }) {
  const { t } = useI18n();
  const notify = useNotify();
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<Exclude<Presence, 'offline'> | null>(null);
  const shown = pending ?? me.presence;
  const pick = async (presence: Exclude<Presence, 'offline'>) => {
    setBusy(true);
    setPending(presence);
    try {
      onMe(await api.updateMe({ presence }));
    } catch (err) {
      notify(errorText(t, err), 'error');
    } finally {
      setPending(null);
      setBusy(false);
    }
  };
  return (
    <fieldset class="account-section" aria-busy={busy} data-testid="presence-choice">
      <legend>{t.presence}</legend>
      <p class="muted">{t.presenceHint}</p>
      <div class="radio-row">
        {(['online', 'away'] as const).map((p) => (
          <label key={p} class="toggle">
            <input type="radio" name="presence" value={p} checked={shown === p} onChange={() => void pick(p)} data-testid={`presence-${p}`} />
            <PresenceDot presence={p} />
            {t.presenceState[p]}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

const EMPTY = { current: '', next: '', again: '' };

/** Changes the agent's password; the server ends their other sessions. */
function PasswordForm() {
  const { t } = useI18n();
  const notify = useNotify();
  const [form, setForm] = useState(EMPTY);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const field = (key: keyof typeof EMPTY, testid: string, autoComplete: string) => ({
    id: `${id}-${key}`,
    type: 'password',
    value: form[key],
    required: true,
    autoComplete,
    'data-testid': testid,
    onInput: (e: Event) => setForm({ ...form, [key]: (e.currentTarget as HTMLInputElement).value }),
  });

  const submit = async (e: Event) => {
    e.preventDefault();
    if (form.next.length < LIMITS.passwordMin) return setError(t.tooShort(LIMITS.passwordMin));
    if (form.next !== form.again) return setError(t.passwordsDiffer);
    setBusy(true);
    setError(null);
    try {
      await api.updateMe({ currentPassword: form.current, newPassword: form.next });
      setForm(EMPTY);
      notify(t.passwordChanged);
    } catch (err) {
      setError(err instanceof ApiError && err.status === 403 ? t.wrongPassword : errorText(t, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="account-section stack" onSubmit={submit} noValidate aria-labelledby={`${id}-title`} data-testid="password-form">
      <h2 id={`${id}-title`}>{t.changePassword}</h2>
      <label for={`${id}-current`}>{t.currentPassword}</label>
      <input {...field('current', 'password-current', 'current-password')} />
      <label for={`${id}-next`}>{t.newPassword}</label>
      <input {...field('next', 'password-new', 'new-password')} minLength={LIMITS.passwordMin} />
      <label for={`${id}-again`}>{t.repeatPassword}</label>
      <input {...field('again', 'password-again', 'new-password')} />
      {error && (
        <p class="form-error" role="alert" data-testid="password-error">
          {error}
        </p>
      )}
      <div class="button-row">
        <button type="submit" class="button primary" disabled={busy} data-testid="password-submit">
          {t.changePassword}
        </button>
      </div>
    </form>
  );
}

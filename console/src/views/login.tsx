import { useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { useT, type Strings } from '../i18n/i18n.js';
import type { SessionView } from '../types.js';
import { LanguageSwitch } from './language-switch.js';
import { errorText } from './notices.js';

function loginError(t: Strings, err: unknown): string {
  if (err instanceof ApiError && err.status === 401) return t.wrongCredentials;
  if (err instanceof ApiError && err.status === 429) return t.rateLimited(err.retryAfter);
  return errorText(t, err);
}

/** The sign-in form; `notice` explains why the agent is here again (session ended). */
export function Login({ onSignedIn, notice }: { onSignedIn(session: SessionView): void; notice: string | null }) {
  const t = useT();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await api.login(email.trim(), password));
    } catch (err) {
      setError(loginError(t, err));
      setBusy(false);
    }
  };

  return (
    <main class="login">
      <form class="login-card stack" onSubmit={submit} data-testid="login-form">
        <div class="login-top">
          <h1>
            <span class="brand">{t.appName}</span> {t.signInTitle}
          </h1>
          <LanguageSwitch />
        </div>
        <p class="muted">{t.signInLead}</p>
        {notice && !error && <p class="form-note">{notice}</p>}
        <label for="login-email">{t.email}</label>
        <input id="login-email" type="email" autoComplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} data-testid="login-email" />
        <label for="login-password">{t.password}</label>
        <input
          id="login-password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          data-testid="login-password"
        />
        {error && (
          <p class="form-error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button type="submit" class="button primary" disabled={busy} data-testid="login-submit">
          {busy ? t.signingIn : t.signIn}
        </button>
      </form>
    </main>
  );
}

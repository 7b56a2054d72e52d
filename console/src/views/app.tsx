import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, setCsrfToken, setUnauthorizedHandler } from '../api.js';
import { DICTIONARIES, I18nContext, initialLocale, storeLocale, type I18n } from '../i18n/i18n.js';
import type { AgentView, Locale, SessionView } from '../types.js';
import { Login } from './login.js';
import { Notices } from './notices.js';
import { Workspace } from './workspace.js';

type Why = 'ended' | 'unreachable' | null;

/** The session decides the screen: checking, the login form, or the workspace. */
export function App() {
  const [locale, setLocale] = useState<Locale>(initialLocale);
  const i18n = useMemo<I18n>(
    () => ({
      locale,
      t: DICTIONARIES[locale],
      setLocale: (l) => {
        storeLocale(l);
        setLocale(l);
      },
    }),
    [locale],
  );
  /** undefined while the session is being checked. */
  const [session, setSession] = useState<SessionView | null | undefined>(undefined);
  const [why, setWhy] = useState<Why>(null);

  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);

  useEffect(() => {
    setUnauthorizedHandler(() => {
      setSession(null);
      setWhy('ended');
    });
    api.me().then(signIn, (err: unknown) => {
      setSession(null);
      if (!(err instanceof ApiError && err.status === 401)) setWhy('unreachable');
    });
  }, []);

  function signIn(s: SessionView) {
    setCsrfToken(s.csrfToken);
    setWhy(null);
    setSession(s);
  }

  /** Same agent, news from the server: a changed role shows or hides the Agents page at once. */
  function refreshAgent(agent: AgentView) {
    setSession((s) => (s && s.agent.id === agent.id ? { ...s, agent } : s));
  }

  async function signOut() {
    try {
      await api.logout();
    } finally {
      setCsrfToken('');
      setSession(null);
    }
  }

  const t = i18n.t;
  const notice = why === 'ended' ? t.sessionEnded : why === 'unreachable' ? t.networkError : null;
  return (
    <I18nContext.Provider value={i18n}>
      <Notices>
        {session === undefined ? (
          <p class="splash">{t.loading}</p>
        ) : session ? (
          <Workspace session={session} onSignOut={signOut} onUnauthorized={() => (setSession(null), setWhy('ended'))} onAgent={refreshAgent} />
        ) : (
          <Login onSignedIn={signIn} notice={notice} />
        )}
      </Notices>
    </I18nContext.Provider>
  );
}

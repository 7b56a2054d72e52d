import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError, setCsrfToken, setUnauthorizedHandler } from '../api.js';
import { DICTIONARIES, I18nContext, initialLocale, storeLocale, type I18n } from '../i18n/i18n.js';
import type { AgentView, Locale, SessionView } from '../types.js';
import { Login } from './login.js';
import { Notices } from './notices.js';
import { Workspace } from './workspace.js';

type Why = 'ended' | 'unreachable' | null;

/** Language changes are saved one after the other, so the account ends with the last one chosen; only the last answer is shown. */
let savingLocale: Promise<unknown> = Promise.resolve();
let localeSaves = 0;

/**
 * The session decides the screen: checking, the login form, or the workspace.
 * The language is the signed-in agent's when their account has one, else this
 * browser's (its stored choice, else its own language). Switching it while
 * signed in keeps the choice with the account too.
 */
export function App() {
  const [browserLocale, setBrowserLocale] = useState<Locale>(initialLocale);
  /** undefined while the session is being checked. */
  const [session, setSession] = useState<SessionView | null | undefined>(undefined);
  const [why, setWhy] = useState<Why>(null);
  const signedIn = Boolean(session);
  const locale = session?.agent.locale ?? browserLocale;
  const i18n = useMemo<I18n>(
    () => ({
      locale,
      t: DICTIONARIES[locale],
      setLocale: (l) => {
        storeLocale(l);
        setBrowserLocale(l);
        if (!signedIn) return;
        // Shown at once; the account's answer follows.
        setSession((s) => s && { ...s, agent: { ...s.agent, locale: l } });
        const n = ++localeSaves;
        savingLocale = savingLocale.then(() =>
          api.updateMe({ locale: l }).then(
            (agent) => n === localeSaves && refreshAgent(agent),
            (err: unknown) => console.error('keeping the language with the account failed', err),
          ),
        );
      },
    }),
    [locale, signedIn],
  );

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

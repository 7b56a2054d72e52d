import { useI18n } from '../i18n/i18n.js';
import { followLink, routePath, type Route } from '../router.js';
import type { LinkState } from '../socket.js';
import type { AgentView } from '../types.js';
import { LanguageSwitch } from './language-switch.js';
import { errorText, useNotify } from './notices.js';

export interface HeaderProps {
  me: AgentView;
  route: Route;
  link: LinkState;
  onSignOut(): Promise<void>;
}

export function Header({ me, route, link, onSignOut }: HeaderProps) {
  const { t } = useI18n();
  const notify = useNotify();
  const requestsPath = routePath({ name: 'list' });
  const agentsPath = routePath({ name: 'agents' });
  const onAgents = route.name === 'agents';
  return (
    <header class="topbar">
      <a class="brand" href={requestsPath} onClick={followLink}>
        {t.appName}
      </a>
      <nav aria-label={t.mainNav} class="nav">
        <a href={requestsPath} onClick={followLink} aria-current={onAgents ? undefined : 'page'} data-testid="nav-requests">
          {t.navRequests}
        </a>
        {me.role === 'admin' && (
          <a href={agentsPath} onClick={followLink} aria-current={onAgents ? 'page' : undefined} data-testid="nav-agents">
            {t.navAgents}
          </a>
        )}
      </nav>
      <span class={`link link-${link}`} role="status" data-testid="connection-status" data-state={link}>
        <span class="dot" aria-hidden="true" />
        {t.link[link]}
      </span>
      <span class="spacer" />
      <span class="whoami" title={me.email} data-testid="whoami">
        {me.name}
      </span>
      <LanguageSwitch />
      <button type="button" class="button ghost" onClick={() => onSignOut().catch((err) => notify(errorText(t, err), 'error'))} data-testid="logout">
        {t.signOut}
      </button>
    </header>
  );
}

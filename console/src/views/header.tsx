import { useI18n, useT } from '../i18n/i18n.js';
import { followLink, routePath, type PageName } from '../router.js';
import type { LinkState } from '../socket.js';
import { stateLabel, stateTone } from '../channel-state.js';
import type { AgentView, ChannelStatusView } from '../types.js';
import { Icon } from './icons.js';
import { LanguageSwitch } from './language-switch.js';
import { errorText, useNotify } from './notices.js';
import { PresenceDot } from './presence.js';

export interface HeaderProps {
  me: AgentView;
  /** The page shown; null: the request list and the open request. */
  page: PageName | null;
  link: LinkState;
  /** Admins: channels needing attention, the worst first (see attentionList). */
  alerts: ChannelStatusView[];
  onSignOut(): Promise<void>;
}

export function Header({ me, page, link, alerts, onSignOut }: HeaderProps) {
  const { t } = useI18n();
  const notify = useNotify();
  const requestsPath = routePath({ name: 'list' });
  const channelsPath = routePath({ name: 'channels' });
  const isAdmin = me.role === 'admin';
  const current = (on: boolean) => (on ? 'page' : undefined);
  const navLink = (name: 'incidents' | 'drafts' | 'agents' | 'channels' | 'settings', label: string) => (
    <a href={routePath({ name })} onClick={followLink} aria-current={current(page === name)} data-testid={`nav-${name}`}>
      {label}
    </a>
  );
  return (
    <header class="topbar">
      <a class="brand" href={requestsPath} onClick={followLink}>
        {t.appName}
      </a>
      <nav aria-label={t.mainNav} class="nav">
        <a href={requestsPath} onClick={followLink} aria-current={current(page === null)} data-testid="nav-requests">
          {t.navRequests}
        </a>
        {navLink('incidents', t.navIncidents)}
        {navLink('drafts', t.navDrafts)}
        {isAdmin && navLink('agents', t.navAgents)}
        {isAdmin && navLink('channels', t.navChannels)}
        {isAdmin && navLink('settings', t.navSettings)}
      </nav>
      {isAdmin && alerts.length > 0 && <ChannelAlert alerts={alerts} href={channelsPath} />}
      <span class={`link link-${link}`} role="status" data-testid="connection-status" data-state={link}>
        <span class="dot" aria-hidden="true" />
        {t.link[link]}
      </span>
      <span class="spacer" />
      <a class="account-link" href={routePath({ name: 'account' })} onClick={followLink} aria-current={current(page === 'account')} title={`${t.myAccount}: ${me.email}`}>
        <Icon name="user" />
        <PresenceDot presence={me.presence} label />
        <span class="whoami" data-testid="whoami">
          {me.name}
        </span>
      </a>
      <LanguageSwitch />
      <button type="button" class="button ghost" onClick={() => onSignOut().catch((err) => notify(errorText(t, err), 'error'))} data-testid="logout">
        {t.signOut}
      </button>
    </header>
  );
}

/** A link to the Channels page while a channel needs attention: what is wrong on a laptop, the channel's name on a tablet. */
function ChannelAlert({ alerts, href }: { alerts: ChannelStatusView[]; href: string }) {
  const t = useT();
  const first = alerts[0]!;
  const name = (c: ChannelStatusView) => t.channel[c.channel] ?? c.channel;
  const long = alerts.length > 1 ? t.channelsAlert(alerts.length) : t.channelAlert(name(first), stateLabel(t.channelState, first.state));
  const short = alerts.length > 1 ? alerts.map(name).join(', ') : name(first);
  return (
    <a class={`channel-alert tone-${stateTone(first.state)}`} href={href} onClick={followLink} title={long} data-testid="channel-alert" data-state={first.state}>
      <Icon name="warning" />
      <span class="alert-long">{long}</span>
      <span class="alert-short" aria-hidden="true">
        {short}
      </span>
    </a>
  );
}

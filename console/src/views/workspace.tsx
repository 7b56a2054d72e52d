import { useEffect, useMemo, useState } from 'preact/hooks';
import { useT, type Strings } from '../i18n/i18n.js';
import { routePath, useRoute, type PageName, type Route } from '../router.js';
import { connectAgents, useSocketEvent, type AgentSocket, type LinkState } from '../socket.js';
import type { AgentView, SessionView } from '../types.js';
import { attentionList } from '../channel-state.js';
import { AccountPage } from './account-page.js';
import { AgentsPage } from './agents-page.js';
import { ChannelsPage } from './channels-page.js';
import { DraftsPage } from './drafts-page.js';
import { IncidentsPage } from './incidents-page.js';
import { Header } from './header.js';
import { useNotify } from './notices.js';
import { RequestListPane } from './request-list.js';
import { clearDrafts } from './reply-box.js';
import { RequestPane } from './request-pane.js';
import { SettingsPage } from './settings-page.js';
import { useAgents } from './use-agents.js';
import { useAttention } from './use-attention.js';
import { useChannels } from './use-channels.js';
import { useRequestList } from './use-request-list.js';

/** Pages for admins only: others get the request list at their address. */
const ADMIN_PAGES: ReadonlySet<PageName> = new Set(['agents', 'channels', 'settings']);

/** The page the route shows, if the agent may see it; null: the request list and the open request. */
function pageOf(route: Route, isAdmin: boolean): PageName | null {
  if (route.name === 'list' || route.name === 'request') return null;
  if (route.name === 'incident') return 'incidents';
  return isAdmin || !ADMIN_PAGES.has(route.name) ? route.name : null;
}

function pageTitle(t: Strings, page: PageName): string {
  const titles: Record<PageName, string> = { agents: t.agents, channels: t.channels, settings: t.settings, account: t.myAccount, drafts: t.drafts, incidents: t.incidents };
  return titles[page];
}

export interface WorkspaceProps {
  session: SessionView;
  onSignOut(): Promise<void>;
  onUnauthorized(): void;
  /** The socket's `ready` told who the agent is now (their role or name may have changed since sign-in). */
  onAgent(agent: AgentView): void;
}

/**
 * The signed-in console: the header, and a page (drafts, the agent's account;
 * for admins agents, channels, settings) or the request list beside the open
 * request (one of them at a time on narrow screens, chosen by the route).
 */
export function Workspace({ session, onSignOut, onUnauthorized, onAgent }: WorkspaceProps) {
  const t = useT();
  const route = useRoute();
  const me = session.agent;
  const [socket, setSocket] = useState<AgentSocket | null>(null);
  const [link, setLink] = useState<LinkState>('connecting');
  /** Bumped after a reconnect: what the socket missed meanwhile is loaded again. */
  const [epoch, setEpoch] = useState(0);
  const list = useRequestList(socket, me);
  const agents = useAgents(socket, epoch);
  useSocketEvent(socket, 'ready', ({ agent }) => onAgent(agent));
  // Set in another tab or browser: the header follows.
  useSocketEvent(socket, 'agent_presence', ({ agentId, presence }) => agentId === me.id && me.presence !== presence && onAgent({ ...me, presence }));
  const notify = useNotify();
  useSocketEvent(socket, 'assigned', ({ requestNumber, assignee, by }) => {
    if (assignee?.id === me.id && by && by.id !== me.id) notify(t.assignedToYou(requestNumber, by.name));
  });
  const isAdmin = me.role === 'admin';
  const channels = useChannels(socket, isAdmin, epoch, (alert, status) => {
    const name = t.channel[status.channel] ?? status.channel;
    if (alert === 'logged_out') notify(t.alertLoggedOut(name), 'error');
    else notify(t.alertScan(name));
  });
  const alerts = useMemo(() => attentionList(channels.list ?? []), [channels.list]);

  useEffect(() => {
    const connection = connectAgents({
      link: setLink,
      unauthorized: onUnauthorized,
      reconnected: () => setEpoch((n) => n + 1),
    });
    setSocket(connection.socket);
    return () => {
      connection.close();
      clearDrafts();
    };
  }, []);

  useEffect(() => {
    if (epoch > 0) list.reload();
  }, [epoch]);

  const openNumber = route.name === 'request' ? route.number : null;
  const openIncident = route.name === 'incident' ? route.number : null;
  useEffect(() => list.setOpen(openNumber), [openNumber]);
  useAttention(socket, me, openNumber);

  const unread = list.state.rows.reduce((n, r) => n + r.unread, 0);
  const page = pageOf(route, isAdmin);
  useEffect(() => {
    const screen = openNumber ?? openIncident ?? (page ? pageTitle(t, page) : t.requests);
    document.title = `${unread > 0 ? `(${unread}) ` : ''}${screen} · ${t.appName}`;
  }, [openNumber, openIncident, page, t, unread]);

  return (
    <div class="shell">
      <Header me={me} page={page} link={link} alerts={isAdmin ? alerts : []} onSignOut={onSignOut} />
      {page === 'agents' ? (
        <AgentsPage me={me} onMe={onAgent} />
      ) : page === 'channels' ? (
        <ChannelsPage channels={channels} />
      ) : page === 'settings' ? (
        <SettingsPage />
      ) : page === 'account' ? (
        <AccountPage me={me} onMe={onAgent} />
      ) : page === 'drafts' ? (
        <DraftsPage socket={socket} epoch={epoch} />
      ) : page === 'incidents' ? (
        <IncidentsPage socket={socket} epoch={epoch} openNumber={openIncident} />
      ) : (
        <div class="workspace" data-view={openNumber ? 'detail' : 'list'}>
          <RequestListPane list={list} agents={agents.active} me={me} openNumber={openNumber} />
          <section class="detail-pane" aria-label={openNumber ?? t.conversation}>
            {openNumber ? (
              <RequestPane key={`${openNumber}:${epoch}`} number={openNumber} socket={socket} me={me} agents={agents} backHref={routePath({ name: 'list' })} />
            ) : (
              <p class="placeholder">{t.pickRequest}</p>
            )}
          </section>
        </div>
      )}
    </div>
  );
}

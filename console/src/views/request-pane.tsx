import { useEffect, useReducer, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { useT } from '../i18n/i18n.js';
import { isNarrow } from '../layout.js';
import { INITIAL_REQUEST, requestReducer } from '../request-state.js';
import { useSocketEvent, type AgentSocket } from '../socket.js';
import type { AgentView } from '../types.js';
import { Conversation } from './conversation.js';
import { errorText } from './notices.js';
import { ReplyBox } from './reply-box.js';
import { BackLink, RequestHeader } from './request-header.js';
import { TypingLine, useTyping } from './typing-line.js';
import type { Agents } from './use-agents.js';

/** Events about a request's incident come in bursts: one load after the burst. */
const RELOAD_SETTLE_MS = 200;

function markRead(number: string): void {
  api.markRead(number).catch((err: unknown) => console.error(`marking ${number} as read failed`, err));
}

export interface RequestPaneProps {
  number: string;
  socket: AgentSocket | null;
  me: AgentView;
  agents: Agents;
  backHref: string;
}

/** The open request: loaded once, then kept current by the socket's events for its number. */
export function RequestPane({ number, socket, me, agents, backHref }: RequestPaneProps) {
  const t = useT();
  const [{ request }, dispatch] = useReducer(requestReducer, INITIAL_REQUEST);
  const [failure, setFailure] = useState<string | null>(null);
  const typing = useTyping(socket, number, me);
  const loaded = useRef(false);
  // Only the newest load may land.
  const loads = useRef(0);
  const reloadTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  /** Loads it again: its history gained entries no event carries (linked, unlinked, an incident's update sent). */
  const reload = () => {
    if (reloadTimer.current !== undefined) return;
    reloadTimer.current = setTimeout(() => {
      reloadTimer.current = undefined;
      const n = ++loads.current;
      api.getRequest(number).then(
        (r) => n === loads.current && dispatch({ type: 'loaded', request: r }),
        (err: unknown) => console.error(`loading ${number} again failed`, err),
      );
    }, RELOAD_SETTLE_MS);
  };
  useEffect(() => () => clearTimeout(reloadTimer.current), []);

  useEffect(() => {
    let live = true;
    const n = ++loads.current;
    api.getRequest(number).then(
      (r) => {
        if (!live || n !== loads.current) return;
        loaded.current = true;
        dispatch({ type: 'loaded', request: r });
        markRead(number);
        // One pane at a time: the list (and the row that had focus) just went away.
        if (isNarrow()) requestAnimationFrame(() => document.getElementById('request-title')?.focus({ preventScroll: true }));
      },
      (err: unknown) => live && setFailure(err instanceof ApiError && err.status === 404 ? t.notFound : errorText(t, err)),
    );
    return () => {
      live = false;
    };
  }, [number]);

  const ours = (n: string) => n === number;
  useSocketEvent(socket, 'message', ({ requestNumber, message }) => {
    if (!ours(requestNumber)) return;
    dispatch({ type: 'message', message });
    if (message.author === 'customer' && loaded.current) markRead(number);
  });
  useSocketEvent(socket, 'message_status', (e) => ours(e.requestNumber) && dispatch({ type: 'message_status', ...e }));
  useSocketEvent(socket, 'status_changed', (e) => ours(e.requestNumber) && dispatch({ type: 'status_changed', change: e.change }));
  useSocketEvent(socket, 'assigned', (e) => ours(e.requestNumber) && dispatch({ type: 'assigned', assignee: e.assignee }));
  useSocketEvent(socket, 'request_updated', (e) => ours(e.request.number) && dispatch({ type: 'updated', request: e.request }));
  useSocketEvent(socket, 'incident_linked', (e) => e.requestNumbers.some(ours) && reload());
  useSocketEvent(socket, 'incident_unlinked', (e) => ours(e.requestNumber) && reload());
  // An update's copy was queued for this customer: its message and its history entry. Not on every
  // step of a fan-out to many others: only when the incident's newest update is queued, or its status moves.
  const seen = useRef('');
  useSocketEvent(socket, 'incident_updated', ({ incident: i }) => {
    if (request?.incident?.number !== i.number) return;
    const key = `${i.status}:${i.latestUpdate?.id ?? ''}:${i.latestUpdate?.queued ?? ''}`;
    if (key === seen.current) return;
    seen.current = key;
    reload();
  });

  if (!request) {
    return (
      <div class="request">
        <div class="request-head">
          <BackLink href={backHref} />
        </div>
        <p class={failure ? 'placeholder form-error' : 'placeholder'} role={failure ? 'alert' : undefined} data-testid="request-failure">
          {failure ?? t.loading}
        </p>
      </div>
    );
  }
  return (
    <article class="request" data-testid="request-view" data-number={number}>
      <RequestHeader request={request} me={me} agents={agents} backHref={backHref} onChanged={(r) => dispatch({ type: 'loaded', request: r })} onReload={reload} />
      <Conversation request={request} myId={me.id} />
      <TypingLine typing={typing} />
      <ReplyBox number={number} socket={socket} onSent={(message) => dispatch({ type: 'message', message })} />
    </article>
  );
}

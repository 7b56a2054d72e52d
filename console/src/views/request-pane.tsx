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

  useEffect(() => {
    let live = true;
    api.getRequest(number).then(
      (r) => {
        if (!live) return;
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
      <RequestHeader request={request} me={me} agents={agents} backHref={backHref} onChanged={(r) => dispatch({ type: 'loaded', request: r })} />
      <Conversation request={request} myId={me.id} />
      <TypingLine typing={typing} />
      <ReplyBox number={number} socket={socket} onSent={(message) => dispatch({ type: 'message', message })} />
    </article>
  );
}

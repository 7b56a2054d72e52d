import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { useT } from '../i18n/i18n.js';
import { timeline } from '../request-state.js';
import type { AttachmentView, RequestView } from '../types.js';
import { Attachments } from './attachments.js';
import { Lightbox } from './lightbox.js';
import { MessageItem } from './message-item.js';
import { StatusLine } from './status-line.js';

/** How close to the end (px) still counts as "reading the newest": new lines then scroll into view. */
const STICK_PX = 120;

/** The description and the conversation with status changes in between, newest at the bottom. */
export function Conversation({ request, myId }: { request: RequestView; myId: string }) {
  const customer = request.customer.displayName;
  const t = useT();
  const items = useMemo(() => timeline(request), [request.messages, request.statusHistory]);
  const [zoomed, setZoomed] = useState<AttachmentView | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);

  // New lines scroll into view if the agent was at the end, and always when they are the agent's own.
  const last = items[items.length - 1];
  const mine = last?.kind === 'message' && last.message.agent?.id === myId;
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && (atEnd.current || mine)) el.scrollTop = el.scrollHeight;
    atEnd.current ||= mine;
  }, [items.length]);

  // The pane shrinks when the header above it wraps (another language, a warning): stay at the end.
  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === 'undefined') return undefined;
    const observer = new ResizeObserver(() => {
      if (atEnd.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const onScroll = () => {
    const el = scroller.current;
    if (el) atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
  };

  return (
    <div class="conversation" ref={scroller} onScroll={onScroll} tabIndex={-1}>
      <section class="description" aria-labelledby="description-title">
        <h2 id="description-title">{t.description}</h2>
        <p class="text" data-testid="request-description">
          {request.description}
        </p>
        <Attachments list={request.attachments} onOpen={setZoomed} />
      </section>
      <h2 class="visually-hidden">{t.conversation}</h2>
      <ol class="timeline" aria-live="polite" data-testid="conversation">
        {items.map((item) =>
          item.kind === 'message' ? (
            <MessageItem key={`m${item.message.id}`} m={item.message} customer={customer} onOpen={setZoomed} />
          ) : (
            <StatusLine key={`s${item.change.id}`} c={item.change} />
          ),
        )}
      </ol>
      {zoomed && <Lightbox attachment={zoomed} onClose={() => setZoomed(null)} />}
    </div>
  );
}

import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api.js';
import { dateTime, relativeTime } from '../format.js';
import { useI18n } from '../i18n/i18n.js';
import { navigate, routePath } from '../router.js';
import { useSocketEvent, type AgentSocket } from '../socket.js';
import type { AttachmentView, DraftView } from '../types.js';
import { Attachments } from './attachments.js';
import { ChannelLabel } from './badges.js';
import { Lightbox } from './lightbox.js';
import { MessageItem } from './message-item.js';
import { errorText, useNotify } from './notices.js';

/**
 * Intakes in progress, read-only and live (`drafts_changed`, loaded again
 * after a reconnect): what each customer has given so far and the
 * conversation. "Take over" makes the request from it, assigned to the agent,
 * and opens it.
 */
export function DraftsPage({ socket, epoch }: { socket: AgentSocket | null; epoch: number }) {
  const { t } = useI18n();
  const notify = useNotify();
  const [drafts, setDrafts] = useState<DraftView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [taking, setTaking] = useState<string | null>(null);
  const [zoomed, setZoomed] = useState<AttachmentView | null>(null);
  // Only the newest load may land.
  const loads = useRef(0);

  const load = () => {
    const n = ++loads.current;
    api.drafts().then(
      (r) => {
        if (n !== loads.current) return;
        setDrafts(r.drafts);
        setError(null);
      },
      (err: unknown) => n === loads.current && setError(errorText(t, err)),
    );
  };
  useEffect(load, [epoch]);
  useSocketEvent(socket, 'drafts_changed', load);

  async function takeOver(customerId: string) {
    setTaking(customerId);
    try {
      const { request } = await api.takeOver(customerId);
      notify(t.takenOver(request.number));
      navigate(routePath({ name: 'request', number: request.number }));
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0;
      // Ended meanwhile: gone from the page at once, whatever the next load says.
      if (status === 404) setDrafts((list) => list && list.filter((d) => d.customer.id !== customerId));
      notify(status === 404 ? t.draftGone : status === 409 ? t.draftBusy : errorText(t, err), status === 409 ? 'info' : 'error');
      load();
    } finally {
      setTaking(null);
    }
  }

  return (
    <main class="page drafts-page" data-testid="drafts-page">
      <h1>{t.drafts}</h1>
      <p class="muted">{t.draftsLead}</p>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      {drafts === null && !error && <p class="muted">{t.loading}</p>}
      {drafts?.length === 0 && (
        <p class="empty-note" data-testid="drafts-empty">
          {t.noDrafts}
        </p>
      )}
      {drafts?.map((d) => (
        <DraftCard key={d.customer.id} d={d} busy={taking === d.customer.id} onTakeOver={() => void takeOver(d.customer.id)} onZoom={setZoomed} />
      ))}
      {zoomed && <Lightbox attachment={zoomed} onClose={() => setZoomed(null)} />}
    </main>
  );
}

interface DraftCardProps {
  d: DraftView;
  busy: boolean;
  onTakeOver(): void;
  onZoom(a: AttachmentView): void;
}

function DraftCard({ d, busy, onTakeOver, onZoom }: DraftCardProps) {
  const { t, locale } = useI18n();
  const c = d.customer;
  const missing = <span class="muted">{t.notGiven}</span>;
  const titleId = `draft-${c.id}`;
  // The latest of the conversation is where the intake stands: shown first, as each step comes.
  const conversation = useRef<HTMLOListElement>(null);
  const last = d.messages[d.messages.length - 1]?.id;
  useLayoutEffect(() => {
    const el = conversation.current;
    if (el) el.scrollTop = el.scrollHeight;
  }, [last]);
  return (
    <section class="draft-card" aria-labelledby={titleId} data-testid="draft" data-customer={c.id}>
      <div class="draft-head">
        <h2 id={titleId}>{c.displayName ?? t.anonymous}</h2>
        <ChannelLabel channel={c.channel} />
        <span class="muted small">
          {t.started}: <time dateTime={d.startedAt} title={dateTime(d.startedAt, locale)}>{relativeTime(d.startedAt, Date.now(), locale)}</time> · {t.lastStep}:{' '}
          <time dateTime={d.updatedAt} title={dateTime(d.updatedAt, locale)}>{relativeTime(d.updatedAt, Date.now(), locale)}</time>
        </span>
        <span class="spacer" />
        <button type="button" class="button primary" disabled={busy} onClick={onTakeOver} data-testid="draft-take-over">
          {t.takeOver}
        </button>
      </div>
      <dl class="facts">
        <div>
          <dt>{t.waitingFor}</dt>
          <dd data-testid="draft-step" data-step={d.step}>
            {t.steps[d.step] ?? d.step}
          </dd>
        </div>
        <div>
          <dt>{t.typeFilter}</dt>
          <dd data-testid="draft-type">{d.draft.type ? t.type[d.draft.type] : missing}</dd>
        </div>
        <div>
          <dt>{t.subject}</dt>
          <dd class="text" data-testid="draft-subject">
            {d.draft.subject ?? missing}
          </dd>
        </div>
        {c.email && (
          <div>
            <dt>{t.customerEmail}</dt>
            <dd>{c.email}</dd>
          </div>
        )}
        {c.phone && (
          <div>
            <dt>{t.customerPhone}</dt>
            <dd>{c.phone}</dd>
          </div>
        )}
      </dl>
      <div class="description">
        <h3>{t.description}</h3>
        <p class="text" data-testid="draft-description">
          {d.draft.description ?? missing}
        </p>
        {d.draft.screenshot && <Attachments list={[d.draft.screenshot]} onOpen={onZoom} />}
      </div>
      <ol ref={conversation} class="timeline draft-conversation" aria-label={t.conversation} data-testid="draft-conversation">
        {d.messages.map((m) => (
          <MessageItem key={m.id} m={m} customer={c.displayName} onOpen={onZoom} />
        ))}
      </ol>
    </section>
  );
}

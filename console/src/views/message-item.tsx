import { useI18n, type Strings } from '../i18n/i18n.js';
import { dateTime } from '../format.js';
import type { AttachmentView, MessageView } from '../types.js';
import { Attachments } from './attachments.js';

function authorName(t: Strings, m: MessageView, customer: string | null): string {
  if (m.author === 'agent') return m.agent?.name ?? t.author.agent;
  if (m.author === 'customer' && customer) return customer;
  return t.author[m.author];
}

function Delivery({ m }: { m: MessageView }) {
  const { t } = useI18n();
  const label = t.delivery[m.deliveryState];
  if (!label) return null;
  return (
    <p class={`delivery delivery-${m.deliveryState}`} data-testid="delivery" data-state={m.deliveryState}>
      {label}
      {m.deliveryState === 'failed' && m.deliveryError ? `: ${m.deliveryError}` : ''}
    </p>
  );
}

/** A message of the conversation; customer text is only ever rendered as text. */
export function MessageItem({ m, customer, onOpen }: { m: MessageView; customer: string | null; onOpen(a: AttachmentView): void }) {
  const { t, locale } = useI18n();
  const kind = m.internal ? 'note' : m.author;
  return (
    <li class={`msg msg-${kind}`} data-testid="message" data-author={m.author} data-internal={m.internal ? 'true' : undefined} data-id={m.id}>
      <div class="msg-head">
        {m.internal && <span class="note-label">{t.note}</span>}
        <span class="msg-who">{authorName(t, m, customer)}</span>
        <time dateTime={m.createdAt}>{dateTime(m.createdAt, locale)}</time>
      </div>
      {m.text && <p class="text">{m.text}</p>}
      {!m.text && m.chosen && (
        <p class="text pressed" data-testid="pressed" title={t.pressed}>
          {m.chosen.label}
        </p>
      )}
      <Attachments list={m.attachments} onOpen={onOpen} />
      {m.choices.length > 0 && <Offered m={m} />}
      {m.author === 'agent' && !m.internal && <Delivery m={m} />}
    </li>
  );
}

/**
 * The buttons a bot message offered, as a record of what the customer could
 * choose: plain text after a caption, nothing that looks like a button here.
 */
function Offered({ m }: { m: MessageView }) {
  const { t } = useI18n();
  const id = `offered-${m.id}`;
  return (
    <div class="choices" data-testid="choices">
      <span id={id} class="choices-label" data-testid="choices-label">
        {t.offered}:
      </span>
      <ul aria-labelledby={id}>
        {m.choices.map((c) => (
          <li key={c.id}>{c.label}</li>
        ))}
      </ul>
    </div>
  );
}

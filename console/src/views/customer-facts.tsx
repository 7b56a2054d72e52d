import { useI18n } from '../i18n/i18n.js';
import type { CustomerView } from '../types.js';
import { Icon } from './icons.js';
import { useNotify } from './notices.js';

/** Copies `value` to the clipboard and says so (or how to do it by hand). */
function CopyButton({ value, label, testid }: { value: string; label: string; testid: string }) {
  const { t } = useI18n();
  const notify = useNotify();
  const copy = () =>
    navigator.clipboard.writeText(value).then(
      () => notify(t.copied(value)),
      (err: unknown) => {
        console.error('copying failed', err);
        notify(t.copyFailed, 'error');
      },
    );
  return (
    <button type="button" class="copy-button" aria-label={label} title={label} onClick={() => void copy()} data-testid={testid}>
      <Icon name="copy" />
    </button>
  );
}

/** A contact as a link that calls or writes to it (`href`), and a button that copies it. */
function Contact({ label, value, href, copyLabel, kind }: { label: string; value: string; href: string; copyLabel: string; kind: 'email' | 'phone' }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd class="contact">
        <a href={href} data-testid={`customer-${kind}`}>
          {value}
        </a>
        <CopyButton value={value} label={copyLabel} testid={`copy-${kind}`} />
      </dd>
    </div>
  );
}

/** The customer in the request's facts: name, language, and the e-mail and phone they gave. */
export function CustomerFacts({ customer: c }: { customer: CustomerView }) {
  const { t } = useI18n();
  return (
    <>
      <div>
        <dt>{t.customer}</dt>
        <dd data-testid="request-customer">{c.displayName ?? t.anonymous}</dd>
      </div>
      <div>
        <dt>{t.customerLanguage}</dt>
        <dd data-testid="customer-locale" lang={c.locale}>
          {t.languages[c.locale] ?? c.locale}
        </dd>
      </div>
      {c.email && <Contact kind="email" label={t.customerEmail} value={c.email} href={`mailto:${c.email}`} copyLabel={t.copyEmail} />}
      {c.phone && <Contact kind="phone" label={t.customerPhone} value={c.phone} href={`tel:${c.phone}`} copyLabel={t.copyPhone} />}
    </>
  );
}

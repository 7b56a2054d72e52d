import type { ComponentChildren } from 'preact';
import { useId, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { useT } from '../i18n/i18n.js';
import { errorText } from './notices.js';

export interface DialogProps {
  title: string;
  onClose(): void;
  children: ComponentChildren;
  class?: string;
  testid?: string;
}

/**
 * A modal on the native <dialog>: showModal() makes the rest of the page inert
 * (so Tab stays inside) and Escape closes it. Focus returns to whatever opened
 * it when it goes away.
 */
export function Dialog({ title, onClose, children, class: className, testid }: DialogProps) {
  const t = useT();
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  /** Set once unmounting: the `close` event our own close() queues must not reach the next dialog's owner. */
  const gone = useRef(false);
  useLayoutEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const dialog = ref.current;
    dialog?.showModal();
    return () => {
      // Closed first: while it is modal, the opener is inert and cannot take the focus.
      gone.current = true;
      if (dialog?.open) dialog.close();
      // Without scrolling: the opener may be far up a conversation the agent is reading the end of.
      opener?.focus({ preventScroll: true });
    };
  }, []);
  const cancel = (e: Event) => {
    e.preventDefault();
    onClose();
  };
  // A click on the backdrop lands on the <dialog> itself; its content fills it otherwise.
  const clickOutside = (e: MouseEvent) => e.target === ref.current && onClose();
  return (
    <dialog
      ref={ref}
      class={`dialog ${className ?? ''}`}
      aria-labelledby={titleId}
      onCancel={cancel}
      onClose={() => gone.current || onClose()}
      onClick={clickOutside}
      onKeyDown={(e) => ref.current && wrapTab(e, ref.current)}
      data-testid={testid}
    >
      <div class="dialog-body">
        <header class="dialog-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" class="icon-button" aria-label={t.close} title={t.close} onClick={onClose} data-testid="dialog-close">
            ×
          </button>
        </header>
        {children}
      </div>
    </dialog>
  );
}

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * Tab from the last control goes back to the first, and Shift+Tab the other
 * way: the page behind is inert, but the browser would otherwise move the
 * focus out to its own toolbar.
 */
function wrapTab(e: KeyboardEvent, dialog: HTMLDialogElement): void {
  if (e.key !== 'Tab') return;
  const all = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => el.getClientRects().length > 0);
  const first = all[0];
  const last = all[all.length - 1];
  if (!first || !last) return;
  const edge = e.shiftKey ? first : last;
  if (document.activeElement !== edge && dialog.contains(document.activeElement)) return;
  e.preventDefault();
  (e.shiftKey ? last : first).focus();
}

export interface PromptProps {
  title: string;
  label: string;
  submitLabel: string;
  onSubmit(value: string): Promise<void>;
  onClose(): void;
  required?: boolean;
  multiline?: boolean;
  inputType?: 'text' | 'password';
  minLength?: number;
  maxLength?: number;
  /** The text the field starts with (a name to change). */
  initial?: string;
  testid?: string;
}

/** Asks for one text (a question to the customer, a solution, a password) and submits it. */
export function PromptDialog(p: PromptProps) {
  const t = useT();
  const [value, setValue] = useState(p.initial ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputId = useId();
  const submit = async (e: Event) => {
    e.preventDefault();
    if (p.required !== false && !value.trim()) return setError(t.required);
    if (p.minLength && value.trim().length < p.minLength) return setError(t.tooShort(p.minLength));
    setBusy(true);
    setError(null);
    try {
      await p.onSubmit(value.trim());
      p.onClose();
    } catch (err) {
      setError(errorText(t, err));
      setBusy(false);
    }
  };
  const field = {
    id: inputId,
    value,
    maxLength: p.maxLength,
    autoFocus: true,
    'data-testid': 'prompt-input',
    'aria-invalid': error ? true : undefined,
    onInput: (e: Event) => setValue((e.currentTarget as HTMLInputElement).value),
  };
  return (
    <Dialog title={p.title} onClose={p.onClose} testid={p.testid ?? 'prompt-dialog'}>
      <form class="stack" onSubmit={submit} noValidate>
        <label for={inputId}>{p.label}</label>
        {p.multiline === false ? <input type={p.inputType ?? 'text'} autoComplete={p.inputType === 'password' ? 'new-password' : 'off'} {...field} /> : <textarea rows={5} {...field} />}
        {error && <p class="form-error" role="alert">{error}</p>}
        <div class="button-row">
          <button type="button" class="button" onClick={p.onClose}>
            {t.cancel}
          </button>
          <button type="submit" class="button primary" disabled={busy} data-testid="prompt-submit">
            {p.submitLabel}
          </button>
        </div>
      </form>
    </Dialog>
  );
}

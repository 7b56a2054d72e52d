import type { Strings } from '../i18n';
import { MAX_TEXT } from '../protocol';
import { h, icon, ICONS } from './dom';

export interface ComposerHandlers {
  /** Sends the text and/or the screenshot; resolves true when the composer may clear. */
  submit(text: string, file: File | null): Promise<boolean>;
  /** The visitor typed something. */
  input(): void;
}

const ACCEPT = 'image/png,image/jpeg,image/webp,image/gif';

/** The first image among dropped or pasted items, if any. */
export function imageFrom(data: DataTransfer | null): File | null {
  for (const f of Array.from(data?.files ?? [])) if (f.type.startsWith('image/')) return f;
  return null;
}

/**
 * Text box, attach button and screenshot preview. Enter sends, Shift+Enter
 * makes a new line; an image pasted into the box becomes the attachment.
 */
export class Composer {
  readonly el: HTMLFormElement;
  readonly textarea: HTMLTextAreaElement;
  private readonly preview: HTMLElement;
  private readonly progress: HTMLProgressElement;
  private readonly error: HTMLElement;
  private readonly fileInput: HTMLInputElement;
  private readonly buttons: HTMLButtonElement[];
  private file: File | null = null;
  private thumbUrl: string | null = null;
  private busy = false;

  constructor(
    private readonly s: Strings,
    private readonly handlers: ComposerHandlers,
  ) {
    this.textarea = h('textarea', { rows: 1, maxlength: MAX_TEXT, 'aria-label': s.message, placeholder: s.placeholder, onkeydown: (e) => this.onKey(e as KeyboardEvent), oninput: () => this.onInput(), onpaste: (e) => this.onPaste(e as ClipboardEvent) });
    this.fileInput = h('input', { type: 'file', accept: ACCEPT, hidden: true, tabindex: -1, 'aria-hidden': 'true', onchange: () => this.onPick() });
    const attach = h('button', { type: 'button', class: 'icon attach', 'aria-label': s.attach, title: s.attach, onclick: () => this.fileInput.click() }, icon(ICONS.clip));
    const send = h('button', { type: 'submit', class: 'icon send', 'aria-label': s.send, title: s.send }, icon(ICONS.send));
    this.buttons = [attach, send];
    this.progress = h('progress', { max: 100, value: 0, 'aria-label': s.uploading, hidden: true });
    this.preview = h('div', { class: 'preview', role: 'group', 'aria-label': s.screenshot, hidden: true });
    this.error = h('div', { class: 'error', role: 'alert' });
    this.el = h('form', { class: 'composer', onsubmit: (e) => this.onSubmit(e) }, this.preview, this.error, h('div', { class: 'row' }, attach, this.fileInput, this.textarea, send));
  }

  focus(): void {
    this.textarea.focus();
  }

  /** Takes a screenshot to send, showing its thumbnail with a remove button. */
  setFile(file: File): void {
    if (this.busy) return;
    if (!file.type.startsWith('image/')) return this.showError(this.s.onlyImages);
    this.showError(null);
    this.clearFile();
    this.file = file;
    this.thumbUrl = URL.createObjectURL(file);
    const remove = h('button', { type: 'button', class: 'icon remove', 'aria-label': this.s.removeAttachment, title: this.s.removeAttachment, onclick: () => (this.clearFile(), this.focus()) }, icon(ICONS.close));
    // A file the browser cannot draw (not really an image) gets a plain file icon, not a broken image.
    const thumb = h('img', { src: this.thumbUrl, alt: '', onerror: () => thumb.replaceWith(h('span', { class: 'thumb' }, icon(ICONS.file))) });
    this.preview.replaceChildren(thumb, h('div', { class: 'name', title: file.name }, file.name || this.s.screenshot, this.progress), remove);
    this.preview.hidden = false;
  }

  clearFile(): void {
    if (this.thumbUrl) URL.revokeObjectURL(this.thumbUrl);
    this.file = null;
    this.thumbUrl = null;
    this.fileInput.value = '';
    this.preview.replaceChildren();
    this.preview.hidden = true;
  }

  /** Upload progress in percent, or null when no upload runs. */
  setProgress(percent: number | null): void {
    this.progress.hidden = percent === null;
    this.progress.value = percent ?? 0;
  }

  showError(text: string | null): void {
    this.error.textContent = text ?? '';
  }

  private setBusy(busy: boolean): void {
    this.busy = busy;
    this.buttons.forEach((b) => (b.disabled = busy));
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    this.el.requestSubmit();
  }

  private onInput(): void {
    const t = this.textarea;
    t.style.height = '';
    t.style.height = `${Math.min(t.scrollHeight + 2, 120)}px`;
    if (t.value) this.handlers.input();
  }

  private onPaste(e: ClipboardEvent): void {
    const file = imageFrom(e.clipboardData);
    if (!file) return;
    e.preventDefault();
    this.setFile(file);
  }

  private onPick(): void {
    const file = this.fileInput.files?.[0];
    if (file) this.setFile(file);
    this.focus();
  }

  private async onSubmit(e: Event): Promise<void> {
    e.preventDefault();
    const text = this.textarea.value.trim();
    if (this.busy || (!text && !this.file)) return;
    this.setBusy(true);
    this.showError(null);
    try {
      if (!(await this.handlers.submit(text, this.file))) return;
      this.textarea.value = '';
      this.textarea.style.height = '';
      this.clearFile();
    } finally {
      this.setBusy(false);
      this.setProgress(null);
    }
  }
}

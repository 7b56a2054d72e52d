import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useT } from '../i18n/i18n.js';
import { filesOf, IMAGE_TYPES, MAX_IMAGES } from '../images.js';
import { LIMITS } from '../layout.js';
import type { AgentSocket } from '../socket.js';
import { TypingSignal } from '../typing.js';
import type { MessageView } from '../types.js';
import { CannedPicker } from './canned-picker.js';
import { Icon } from './icons.js';
import { errorText, useNotify } from './notices.js';
import { PendingImageList } from './pending-image-list.js';
import { releaseImages, usePendingImages, type PendingImage } from './use-pending-images.js';

interface Draft {
  text: string;
  /** Uploaded images, not sent yet. */
  images: PendingImage[];
}

/** Unsent replies per request, kept while the agent looks at other requests. */
const drafts = new Map<string, Draft>();

/** Forgets every draft: the session ended, and the next agent on this browser must not see them. */
export function clearDrafts(): void {
  for (const d of drafts.values()) releaseImages(d.images);
  drafts.clear();
}

/** `snippet` put where the caret is in the text box (replacing a selection). */
function insertAt(el: HTMLTextAreaElement | null, text: string, snippet: string): { value: string; caret: number } {
  const start = el?.selectionStart ?? text.length;
  const end = el?.selectionEnd ?? text.length;
  const value = text.slice(0, start) + snippet + text.slice(end);
  return { value, caret: start + snippet.length };
}

/**
 * The reply or internal-note box. Enter sends, Shift+Enter breaks the line.
 * Replies (not notes) tell the customer the agent is typing, and can carry
 * images: attached with the button, pasted or dropped, uploaded at once and
 * shown as thumbnails until sent.
 */
export function ReplyBox({ number, socket, onSent }: { number: string; socket: AgentSocket | null; onSent(m: MessageView): void }) {
  const t = useT();
  const notify = useNotify();
  const [text, setText] = useState(() => drafts.get(number)?.text ?? '');
  const pending = usePendingImages(number, drafts.get(number)?.images ?? []);
  const { images } = pending;
  const [internal, setInternal] = useState(false);
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const typing = useMemo(() => new TypingSignal((on) => socket?.emit('typing', { requestNumber: number, typing: on })), [socket, number]);
  useEffect(() => () => typing.stop(), [typing]);

  useEffect(() => {
    const uploaded = images.filter((i) => i.attachment);
    if (text || uploaded.length > 0) drafts.set(number, { text, images: uploaded });
    else drafts.delete(number);
  }, [text, images]);

  function change(value: string) {
    setText(value);
    if (!internal && value) typing.input();
  }

  const ready = internal ? [] : images.filter((i) => i.attachment);
  const canSend = !busy && !pending.uploading && (text.trim() !== '' || ready.length > 0);

  async function send() {
    if (!canSend) return;
    typing.stop();
    setBusy(true);
    try {
      onSent(await api.sendMessage(number, { text, internal, attachmentIds: ready.map((i) => i.attachment!.id) }));
      setText('');
      pending.clear();
    } catch (err) {
      notify(errorText(t, err), 'error');
    } finally {
      setBusy(false);
      box.current?.focus();
    }
  }

  function attach(files: File[]) {
    if (files.length === 0) return;
    if (internal) return pending.fail(t.notesTextOnly);
    pending.add(files);
  }

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    void send();
  };
  // A pasted or dropped file is attached; pasted text goes in as usual, even
  // when the clipboard also holds a picture of it (cells copied from a spreadsheet).
  const takeFiles = (e: ClipboardEvent | DragEvent) => {
    const data = 'clipboardData' in e ? e.clipboardData : e.dataTransfer;
    const files = filesOf(data);
    if (files.length === 0 || (e.type === 'paste' && data?.getData('text/plain'))) return;
    e.preventDefault();
    attach(files);
  };
  const onDragOver = (e: DragEvent) => {
    if (e.dataTransfer?.types.includes('Files')) e.preventDefault();
  };

  const insert = (snippet: string) => {
    const { value, caret } = insertAt(box.current, text, snippet);
    change(value);
    requestAnimationFrame(() => {
      box.current?.focus();
      box.current?.setSelectionRange(caret, caret);
    });
  };
  const remove = (key: number) => {
    pending.remove(key);
    // The button that had the focus is gone.
    box.current?.focus();
  };

  return (
    <form
      class={`composer${internal ? ' internal' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
      onDragOver={onDragOver}
      onDrop={takeFiles}
      data-testid="reply-form"
    >
      <textarea
        ref={box}
        rows={3}
        maxLength={LIMITS.text}
        value={text}
        aria-label={internal ? t.internalNote : t.reply}
        placeholder={internal ? t.notePlaceholder : t.replyPlaceholder}
        onInput={(e) => change(e.currentTarget.value)}
        onKeyDown={onKeyDown}
        onPaste={takeFiles}
        data-testid="reply-input"
      />
      <PendingImageList images={images} onRemove={remove} />
      {pending.error && (
        <p class="form-error" role="alert" data-testid="attach-error">
          {pending.error}
        </p>
      )}
      <div class="composer-bar">
        <label class="toggle" title={images.length > 0 ? t.noteWithoutImages : undefined}>
          <input
            type="checkbox"
            checked={internal}
            disabled={images.length > 0}
            onChange={(e) => {
              setInternal(e.currentTarget.checked);
              if (e.currentTarget.checked) typing.stop();
            }}
            data-testid="reply-internal"
          />
          {t.internalNote}
        </label>
        <CannedPicker text={text} onInsert={insert} />
        <button
          type="button"
          class="button"
          disabled={internal || busy || images.length >= MAX_IMAGES}
          title={internal ? t.notesTextOnly : undefined}
          onClick={() => picker.current?.click()}
          data-testid="reply-attach"
        >
          <Icon name="image" />
          {t.attachImage}
        </button>
        <input
          ref={picker}
          type="file"
          accept={IMAGE_TYPES.join(',')}
          multiple
          hidden
          onChange={(e) => {
            attach(Array.from(e.currentTarget.files ?? []));
            e.currentTarget.value = '';
          }}
          data-testid="reply-file"
        />
        <span class="spacer" />
        <button type="submit" class="button primary" disabled={!canSend} data-testid="reply-send">
          {internal ? t.addNote : t.send}
        </button>
      </div>
    </form>
  );
}

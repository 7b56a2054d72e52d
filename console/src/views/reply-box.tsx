import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { useT } from '../i18n/i18n.js';
import { LIMITS } from '../layout.js';
import type { AgentSocket } from '../socket.js';
import { TypingSignal } from '../typing.js';
import type { MessageView } from '../types.js';
import { CannedPicker } from './canned-picker.js';
import { errorText, useNotify } from './notices.js';

/** Unsent text per request, kept while the agent looks at other requests. */
const drafts = new Map<string, string>();

/** Forgets every draft: the session ended, and the next agent on this browser must not see them. */
export function clearDrafts(): void {
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
 * Replies (not notes) tell the customer the agent is typing.
 */
export function ReplyBox({ number, socket, onSent }: { number: string; socket: AgentSocket | null; onSent(m: MessageView): void }) {
  const t = useT();
  const notify = useNotify();
  const [text, setText] = useState(() => drafts.get(number) ?? '');
  const [internal, setInternal] = useState(false);
  const [busy, setBusy] = useState(false);
  const box = useRef<HTMLTextAreaElement>(null);
  const typing = useMemo(() => new TypingSignal((on) => socket?.emit('typing', { requestNumber: number, typing: on })), [socket, number]);
  useEffect(() => () => typing.stop(), [typing]);

  function change(value: string) {
    setText(value);
    drafts.set(number, value);
    if (!internal && value) typing.input();
  }

  async function send() {
    const body = text.trim();
    if (!body || busy) return;
    typing.stop();
    setBusy(true);
    try {
      onSent(await api.sendMessage(number, body, internal));
      setText('');
      drafts.delete(number);
    } catch (err) {
      notify(errorText(t, err), 'error');
    } finally {
      setBusy(false);
      box.current?.focus();
    }
  }

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    void send();
  };

  const insert = (snippet: string) => {
    const { value, caret } = insertAt(box.current, text, snippet);
    change(value);
    requestAnimationFrame(() => {
      box.current?.focus();
      box.current?.setSelectionRange(caret, caret);
    });
  };

  return (
    <form
      class={`composer${internal ? ' internal' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
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
        data-testid="reply-input"
      />
      <div class="composer-bar">
        <label class="toggle">
          <input
            type="checkbox"
            checked={internal}
            onChange={(e) => {
              setInternal(e.currentTarget.checked);
              if (e.currentTarget.checked) typing.stop();
            }}
            data-testid="reply-internal"
          />
          {t.internalNote}
        </label>
        <CannedPicker text={text} onInsert={insert} />
        <span class="spacer" />
        <button type="submit" class="button primary" disabled={busy || !text.trim()} data-testid="reply-send">
          {internal ? t.addNote : t.send}
        </button>
      </div>
    </form>
  );
}

/** While typing, say so at most this often (so the other side's indicator stays on). */
const REPEAT_MS = 2500;
/** Quiet this long means the agent stopped typing. */
const IDLE_MS = 3000;

/**
 * Turns keystrokes into throttled `typing` signals: true on the first
 * keystroke and again every REPEAT_MS while keystrokes go on; false after
 * IDLE_MS without one, or at once on stop() (sending, leaving the request).
 */
export class TypingSignal {
  private typing = false;
  private lastSent = 0;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (typing: boolean) => void,
    private readonly now: () => number = Date.now,
  ) {}

  input(): void {
    const now = this.now();
    if (!this.typing || now - this.lastSent >= REPEAT_MS) {
      this.typing = true;
      this.lastSent = now;
      this.send(true);
    }
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(), IDLE_MS);
  }

  stop(): void {
    clearTimeout(this.idle);
    this.idle = undefined;
    if (!this.typing) return;
    this.typing = false;
    this.send(false);
  }
}

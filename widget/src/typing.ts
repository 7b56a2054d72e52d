const EVERY_MS = 2000;
const IDLE_MS = 3000;

/**
 * The visitor's `typing` signals as the protocol asks: `true` at most every
 * 2 seconds while they type, `false` when they stop or send.
 */
export class TypingSignal {
  private sentAt = 0;
  private idle: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: (typing: boolean) => void) {}

  input(): void {
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.stop(), IDLE_MS);
    if (Date.now() - this.sentAt < EVERY_MS) return;
    this.sentAt = Date.now();
    this.send(true);
  }

  stop(): void {
    clearTimeout(this.idle);
    if (!this.sentAt) return;
    this.sentAt = 0;
    this.send(false);
  }
}

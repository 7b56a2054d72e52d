/**
 * A pass of background work run every so often and on demand (auto-closing
 * solutions, cleaning up uploads). Passes never overlap: a pass asked for while
 * one runs joins it. A failed scheduled pass goes to `onError`, never unhandled;
 * `stop()` waits for the pass in progress.
 */
export class PeriodicJob<T> {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<T> | null = null;

  constructor(
    private readonly pass: () => Promise<T>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Runs a pass every `everyMs` (and one now, with `now`). */
  start(everyMs: number, opts: { now?: boolean } = {}): void {
    const tick = () => void this.runOnce().catch(this.onError);
    this.timer = setInterval(tick, everyMs);
    this.timer.unref();
    if (opts.now) tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** Runs a pass now, or joins the one running. */
  runOnce(): Promise<T> {
    this.running ??= this.pass().finally(() => {
      this.running = null;
    });
    return this.running;
  }
}

/**
 * Schedules long-polled updates: chats in parallel, each chat in order (as
 * grammY's runner does with `sequentialize`), and the offset confirmed to
 * Telegram (https://core.telegram.org/bots/api#getupdates) only up to the first
 * update not yet done. Pure bookkeeping: no I/O, no logging; the caller's `run`
 * does the work.
 */
import type { Update } from 'telegraf/types';

/** The lane an update runs in: its chat's id, or `null` (one shared lane) for an update without a chat. */
export type LaneKey = number | null;

/**
 * The chat an update belongs to, whatever its kind: `message`, `edited_message`,
 * `channel_post`, `my_chat_member`, `chat_member`, `chat_join_request`,
 * `message_reaction`… carry `chat`; a `callback_query` carries it in `message`.
 */
export function laneOf(update: Update): LaneKey {
  for (const [field, value] of Object.entries(update)) {
    if (field === 'update_id' || typeof value !== 'object' || value === null) continue;
    const body = value as { chat?: { id?: unknown }; message?: { chat?: { id?: unknown } } };
    const id = body.chat?.id ?? body.message?.chat?.id;
    if (typeof id === 'number') return id;
  }
  return null;
}

export interface UpdateLanesOptions {
  /**
   * Handles one update, retries included. Resolves true once it is done (handled,
   * or set aside), false when it was given up for now (stopping): then it stays
   * unconfirmed and nothing behind it in its chat starts. Never rejects.
   */
  run: (update: Update) => Promise<boolean>;
  /** Once aborted, no further update starts; those running finish. */
  signal: AbortSignal;
}

export class UpdateLanes {
  /** Updates waiting per chat, the running one first. */
  private readonly lanes = new Map<LaneKey, Update[]>();
  private readonly runners = new Set<Promise<void>>();
  /** Taken and not done: the offset stays at the lowest of them. */
  private readonly pending = new Set<number>();
  /** Done but maybe not yet forgotten by Telegram: a poll can still return them. */
  private readonly done = new Set<number>();
  /** One past the highest update_id taken. */
  private next = 0;
  private readonly wakers = new Set<() => void>();

  constructor(private readonly opts: UpdateLanesOptions) {}

  /**
   * The offset for the next getUpdates: every update below it is done. 0 (all
   * Telegram still holds) before any update was taken.
   */
  get offset(): number {
    let lowest = this.next;
    for (const id of this.pending) lowest = Math.min(lowest, id);
    return lowest;
  }

  /** Whether any update is taken and not done. */
  get busy(): boolean {
    return this.pending.size > 0;
  }

  /**
   * A getUpdates sent with `offset` was answered: Telegram has forgotten every
   * update below it, so their ids need no longer be remembered. Call it before
   * `take` with that poll's updates.
   */
  confirmed(offset: number): void {
    for (const id of this.done) if (id < offset) this.done.delete(id);
  }

  /**
   * Queues the updates of a poll in their chats' lanes and starts the idle
   * lanes. An update already running, waiting or done (returned again because
   * the offset stays before a slower one) is skipped. Returns how many were new.
   */
  take(updates: readonly Update[]): number {
    let taken = 0;
    for (const update of updates) {
      const id = update.update_id;
      if (this.pending.has(id) || this.done.has(id)) continue;
      this.pending.add(id);
      this.next = Math.max(this.next, id + 1);
      taken++;
      const key = laneOf(update);
      const lane = this.lanes.get(key);
      if (lane) {
        lane.push(update);
        continue;
      }
      this.lanes.set(key, [update]);
      this.startLane(key);
    }
    return taken;
  }

  /**
   * Resolves when an update finishes, after `ms`, or when `signal` aborts,
   * whichever comes first; leaves no timer or listener behind.
   */
  settled(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', wake);
        this.wakers.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.wakers.add(wake);
      signal.addEventListener('abort', wake, { once: true });
      if (signal.aborted) wake();
    });
  }

  /** Resolves once no lane is running (after the signal aborted: once the running updates finished). */
  async drained(): Promise<void> {
    while (this.runners.size > 0) await Promise.all(this.runners);
  }

  private startLane(key: LaneKey): void {
    const runner = this.runLane(key).finally(() => this.runners.delete(runner));
    this.runners.add(runner);
  }

  /** Runs a chat's updates one after another until its queue is empty, one is given up, or the signal aborts. */
  private async runLane(key: LaneKey): Promise<void> {
    const lane = this.lanes.get(key) ?? [];
    for (let update = lane[0]; update && !this.opts.signal.aborted; update = lane[0]) {
      const finished = await this.opts.run(update);
      if (finished) {
        this.pending.delete(update.update_id);
        this.done.add(update.update_id);
        lane.shift();
      }
      this.wake();
      if (!finished) break;
    }
    // Stopping leaves the rest unconfirmed: Telegram hands them to the next poller.
    this.lanes.delete(key);
  }

  private wake(): void {
    for (const wake of [...this.wakers]) wake();
  }
}

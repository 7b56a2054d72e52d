/**
 * Coalesces concurrent calls into batches: the group commit of an application.
 *
 * While fewer than `maxInFlight` batches are running, a call starts one at once
 * (with whatever else arrived in the same tick). Beyond that, calls queue and go
 * together in the next batch, up to `maxSize` each. Under light load nothing
 * waits; under heavy load one statement (one round trip, one commit) carries
 * many calls.
 *
 * That needs batches that take a while, as a round trip to PostgreSQL does.
 * PGlite runs in process: its statement finishes before the next socket's
 * message is even read, so no call ever found another one queued (issue 12).
 * So when a batch finishes within the event-loop turn that started it, the
 * next ones start only after the turn (setImmediate), with every call made by
 * the turn's other callbacks (the other sockets' messages read with it). On
 * PostgreSQL that wait was measured to cost more than it gathers, so batches
 * that span turns keep starting at once.
 *
 * `runBatch` answers every item of a batch, in order, with a value or an Error.
 * If it throws, every item of the batch is retried alone through `runOne`, so
 * one bad item never fails the others and each caller sees its own outcome.
 */
export interface BatcherOptions<In, Out> {
  runBatch: (items: In[]) => Promise<Array<Out | Error>>;
  runOne: (item: In) => Promise<Out>;
  maxSize?: number;
  maxInFlight?: number;
}

interface Waiting<In, Out> {
  item: In;
  resolve: (value: Out) => void;
  reject: (error: unknown) => void;
}

export class Batcher<In, Out> {
  private queue: Array<Waiting<In, Out>> = [];
  private inFlight = 0;
  private scheduled = false;
  /** Whether the last batch finished in the turn it started in (see above); until one has, assume so. */
  private quick = true;
  private readonly maxSize: number;
  private readonly maxInFlight: number;

  constructor(private readonly opts: BatcherOptions<In, Out>) {
    this.maxSize = opts.maxSize ?? 64;
    this.maxInFlight = opts.maxInFlight ?? 2;
  }

  submit(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  // The next microtask lets calls made in the same tick share a batch; setImmediate, calls made in the same turn.
  private schedule(): void {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    const start = () => {
      this.scheduled = false;
      this.startBatch();
    };
    if (this.quick) setImmediate(start);
    else queueMicrotask(start);
  }

  private startBatch(): void {
    if (this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    const batch = this.queue.splice(0, this.maxSize);
    this.inFlight++;
    const startedIn = currentTurn();
    void this.run(batch).finally(() => {
      this.inFlight--;
      this.quick = currentTurn() === startedIn;
      this.schedule();
    });
    this.schedule();
  }

  private async run(batch: Array<Waiting<In, Out>>): Promise<void> {
    if (batch.length === 1) return settle(batch[0]!, () => this.opts.runOne(batch[0]!.item));
    let results: Array<Out | Error>;
    try {
      results = await this.opts.runBatch(batch.map((w) => w.item));
    } catch {
      // Something in the batch made the statement fail: find out whose, one by one.
      await Promise.all(batch.map((w) => settle(w, () => this.opts.runOne(w.item))));
      return;
    }
    batch.forEach((w, i) => {
      const result = results[i];
      if (result instanceof Error) w.reject(result);
      else w.resolve(result as Out);
    });
  }
}

async function settle<In, Out>(w: Waiting<In, Out>, fn: () => Promise<Out>): Promise<void> {
  try {
    w.resolve(await fn());
  } catch (error) {
    w.reject(error);
  }
}

// Event-loop turns, counted lazily: a turn ends at its check phase, where setImmediate callbacks run.
let turn = 0;
let counting = false;

function currentTurn(): number {
  if (!counting) {
    counting = true;
    setImmediate(() => {
      turn++;
      counting = false;
    });
  }
  return turn;
}

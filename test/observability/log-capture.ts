import type { DestinationStream } from 'pino';

/** A JSON log line as pino writes it. */
export interface LogLine {
  level: number;
  msg: string;
  [field: string]: unknown;
}

export const LEVEL = { debug: 20, info: 30, warn: 40, error: 50 } as const;

/**
 * A pino destination that keeps what it is given: the raw text, and the lines
 * parsed when they are JSON. `waitFor` resolves when a matching line is
 * written (or already was), so tests wait on the log itself, never on a delay.
 */
export class LogCapture implements DestinationStream {
  readonly text: string[] = [];
  private readonly waiters = new Set<() => void>();

  write(chunk: string): void {
    this.text.push(chunk);
    for (const wake of [...this.waiters]) wake();
  }

  /** Every JSON line written so far (text lines are left out). */
  get lines(): LogLine[] {
    return this.text.flatMap((chunk) => chunk.split('\n').filter(Boolean)).flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
  }

  /** The first line matching `match`, once it has been written. */
  waitFor(what: string, match: (line: LogLine) => boolean, timeoutMs = 10_000): Promise<LogLine> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const hit = this.lines.find(match);
        if (!hit) return;
        done();
        resolve(hit);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no log line ${what} within ${timeoutMs} ms; lines: ${this.lines.map((l) => l.msg).join(' | ')}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }
}

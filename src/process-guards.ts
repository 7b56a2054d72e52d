/**
 * The last owner of every promise: a rejection nothing else caught is logged
 * with its stack (or the value rejected with, when it is not an Error), how many
 * there have been and the process's uptime, and counted (relaydesk_unhandled_rejections_total), and the
 * process goes on, as Node would not by default. Every such rejection is a bug
 * to fix where it started; the metric makes it visible. An uncaught exception
 * is logged before Node ends the process (its state can no longer be trusted).
 *
 * Installed by the composition root only: tests build the app without it, so
 * an unhandled rejection still fails the test run (vitest reports it).
 */
import type { Logger } from 'pino';

export interface ProcessGuards {
  /** Starts counting in `counter` (the app's metric, once it exists). */
  countIn(counter: { inc(): void }): void;
  uninstall(): void;
}

export function installProcessGuards(logger: Logger, proc: NodeJS.Process = process): ProcessGuards {
  let counter: { inc(): void } | null = null;
  let seenBeforeCounting = 0;
  let seen = 0;
  const onRejection = (reason: unknown) => {
    seen++;
    // An Error with its stack and causes; anything else (a string, an object) as it is, which has no stack to show.
    const what = reason instanceof Error ? { err: reason } : { reason: describe(reason), reasonType: typeof reason };
    logger.error(
      { ...what, unhandledRejections: seen, uptimeSeconds: Math.round(process.uptime()) },
      'unhandled promise rejection (a bug): logged and counted, the process goes on',
    );
    if (counter) counter.inc();
    else seenBeforeCounting++;
  };
  const onException = (error: Error, origin: string) => {
    logger.fatal({ err: error, origin }, 'uncaught exception: the process ends');
  };
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtExceptionMonitor', onException);
  return {
    countIn(c) {
      counter = c;
      for (; seenBeforeCounting > 0; seenBeforeCounting--) c.inc();
    },
    uninstall() {
      proc.off('unhandledRejection', onRejection);
      proc.off('uncaughtExceptionMonitor', onException);
    },
  };
}

/** A value that is not an Error, readable in a log line (and bounded). */
function describe(value: unknown): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

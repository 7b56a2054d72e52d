/**
 * The process's logger: pino at LOG_LEVEL, as JSON lines for log collectors
 * or as text for people (LOG_FORMAT=pretty, or auto on a terminal).
 */
import pino, { type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { prettyFactory } from 'pino-pretty';
import type { Config } from '../config.js';

/** Where the lines go; the process's standard output unless a test says otherwise. */
export interface LogOutput {
  /** Receives whole lines (JSON, or text when pretty). */
  stream?: DestinationStream;
  /** Whether `stream` is a terminal, for LOG_FORMAT=auto; defaults to standard output's. */
  isTty?: boolean;
}

/**
 * The logger `main.ts` gives every part of the gateway: LOG_LEVEL, service
 * `relaydesk`, JSON or text as LOG_FORMAT says (pretty needs pino-pretty at
 * run time, a dependency for that reason).
 */
export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>, output: LogOutput = {}): Logger {
  const options: LoggerOptions = { level: config.logLevel, base: { service: 'relaydesk' } };
  const isTty = output.isTty ?? process.stdout.isTTY === true;
  const pretty = config.logFormat === 'pretty' || (config.logFormat === 'auto' && isTty);
  // Synchronous writes: pino's default (asynchronous) stdout let the last line before process.exit()
  // overtake the ones before it; a transport's worker thread could lose it.
  const out = output.stream ?? pino.destination({ dest: 1, sync: true });
  return pino(options, pretty ? prettyLines(out, isTty) : out);
}

/**
 * Turns each JSON line pino writes into one line of text: time, level,
 * `[component]` message, then the other fields (an error's stack below).
 */
function prettyLines(out: DestinationStream, colorize: boolean): DestinationStream {
  const prettify = prettyFactory({
    colorize,
    singleLine: true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service,component',
    messageFormat: '{if component}[{component}] {end}{msg}',
  });
  return { write: (line: string) => out.write(prettify(line)) };
}

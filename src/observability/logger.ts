/** The process's logger: pino JSON lines, at LOG_LEVEL. */
import pino, { type Logger } from 'pino';
import type { Config } from '../config.js';

export function createLogger(config: Pick<Config, 'logLevel' | 'logFormat'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'relaydesk' } });
}

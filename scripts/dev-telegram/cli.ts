/**
 * `npm run dev:telegram [-- --port 8081 --page-port 8082 --language en --token <bot token>]`:
 * starts the fake Bot API and the chat page, says how to point the gateway at
 * them, and runs until Ctrl+C.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../src/config.js';
import { startDevTelegram, type DevTelegram } from './dev-telegram.server.js';

export const DEFAULT_API_PORT = 8081;
export const DEFAULT_PAGE_PORT = 8082;

export interface DevTelegramArgs {
  apiPort: number;
  pagePort: number;
  language: string;
  /** The bot token the fake answers to; the fake's own unless given. */
  token?: string;
}

export function parseDevTelegramArgs(argv: string[]): DevTelegramArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: String(DEFAULT_API_PORT) },
      'page-port': { type: 'string', default: String(DEFAULT_PAGE_PORT) },
      language: { type: 'string', default: 'ru' },
      token: { type: 'string' },
    },
  });
  if (values.token !== undefined) checkToken(values.token);
  return {
    apiPort: port(values.port, '--port'),
    pagePort: port(values['page-port'], '--page-port'),
    language: values.language,
    ...(values.token !== undefined ? { token: values.token } : {}),
  };
}

/** The gateway must accept the token too: its own rule (config.ts) decides. */
function checkToken(token: string): void {
  try {
    loadConfig({ TELEGRAM_BOT_TOKEN: token });
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(`--token: ${error.message}`);
    throw error;
  }
}

function port(value: string, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${name} must be a port number, got "${value}"`);
  return n;
}

/** What to tell the developer once both servers listen. */
export function banner(dev: DevTelegram): string {
  return [
    `Fake Telegram Bot API: ${dev.apiUrl}`,
    `Chat as a customer:    ${dev.pageUrl}`,
    '',
    'Run the gateway against it, in another terminal:',
    `  TELEGRAM_BOT_TOKEN=${dev.token} TELEGRAM_API_ROOT=${dev.apiUrl} npm start`,
    '',
    'Ctrl+C stops it (the chat is kept in memory only).',
  ].join('\n');
}

export async function runDevTelegram(argv: string[]): Promise<DevTelegram> {
  const args = parseDevTelegramArgs(argv);
  const dev = await startDevTelegram({ ...args, customer: { language_code: args.language } });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    dev.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('stopping failed:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  console.log(banner(dev));
  return dev;
}

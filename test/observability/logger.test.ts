/**
 * LOG_FORMAT: JSON lines for collectors, text for people (pretty, or auto on
 * a terminal), through the logger the process makes from its configuration.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/logger.js';
import { LogCapture } from './log-capture.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./fixtures/log-once.ts', import.meta.url));

/** What the fixture prints on its standard output (a pipe, not a terminal) with these variables. */
async function stdoutWith(env: Record<string, string>): Promise<string> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', script], { env: { ...process.env, ...env }, timeout: 60_000 });
  return stdout;
}

const isJson = (line: string) => {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
};

describe('LOG_FORMAT', () => {
  it('pretty: text for people, the level, the message and the fields on one line', () => {
    const out = new LogCapture();
    createLogger({ logLevel: 'info', logFormat: 'pretty' }, { stream: out, isTty: false }).info({ request: 'SR-1042', channel: 'telegram' }, 'request created');
    const text = out.text.join('');
    expect(text.split('\n').filter(Boolean)).toHaveLength(1);
    expect(isJson(text)).toBe(false);
    expect(text).toMatch(/INFO.*request created.*"request":"SR-1042".*"channel":"telegram"/);
    expect(text).not.toContain('\u001b['); // no colours where nobody reads them on a terminal
  });

  it('auto: text (in colour) on a terminal, JSON lines elsewhere', () => {
    const terminal = new LogCapture();
    createLogger({ logLevel: 'info', logFormat: 'auto' }, { stream: terminal, isTty: true }).info('request created');
    expect(isJson(terminal.text.join(''))).toBe(false);
    expect(terminal.text.join('')).toContain('\u001b[');

    const pipe = new LogCapture();
    createLogger({ logLevel: 'info', logFormat: 'auto' }, { stream: pipe, isTty: false }).info('request created');
    expect(pipe.lines).toMatchObject([{ level: 30, msg: 'request created', service: 'relaydesk' }]);
  });

  it('on the real standard output: pretty gives text, json and auto (a pipe) give JSON lines, none lost at exit', async () => {
    const pretty = await stdoutWith({ LOG_FORMAT: 'pretty', LOG_LEVEL: 'info' });
    const lines = pretty.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    expect(lines.some(isJson)).toBe(false);
    expect(lines[0]).toMatch(/INFO.*request created.*SR-1042/);
    expect(lines[1]).toMatch(/INFO.*stopped/);

    for (const format of ['json', 'auto']) {
      const json = (await stdoutWith({ LOG_FORMAT: format, LOG_LEVEL: 'info' })).split('\n').filter(Boolean);
      expect(json.map((l) => JSON.parse(l) as { msg: string })).toMatchObject([{ msg: 'request created', request: 'SR-1042' }, { msg: 'stopped' }]);
    }
  }, 120_000);
});

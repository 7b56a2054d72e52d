/**
 * The process-level owner of promises nothing else caught: logged, counted,
 * and the process goes on (in a real child process, as main.ts installs it).
 */
import { execFile } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { promisify } from 'node:util';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { installProcessGuards } from '../src/process-guards.js';

const root = new URL('..', import.meta.url).pathname;

describe('process guards', () => {
  it('logs and counts an unhandled rejection, also one before the counter existed', () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
    const proc = new EventEmitter() as unknown as NodeJS.Process;
    const guards = installProcessGuards(logger, proc);
    proc.emit('unhandledRejection', new Error('early bird'), Promise.resolve());
    let count = 0;
    guards.countIn({ inc: () => count++ });
    expect(count).toBe(1);
    proc.emit('unhandledRejection', new Error('boom'), Promise.resolve());
    expect(count).toBe(2);
    expect(lines.map((l) => JSON.parse(l) as { msg: string; err: { message: string } })).toEqual([
      expect.objectContaining({ msg: expect.stringContaining('unhandled promise rejection'), err: expect.objectContaining({ message: 'early bird' }) }),
      expect.objectContaining({ err: expect.objectContaining({ message: 'boom' }) }),
    ]);
    proc.emit('unhandledRejection', { code: 'E_PLAIN' }, Promise.resolve());
    expect(JSON.parse(lines[2]!)).toMatchObject({ reason: '{"code":"E_PLAIN"}', reasonType: 'object', unhandledRejections: 3 });
    expect(JSON.parse(lines[1]!)).toMatchObject({ unhandledRejections: 2, uptimeSeconds: expect.any(Number) });
    guards.uninstall();
    expect((proc as unknown as EventEmitter).listenerCount('unhandledRejection')).toBe(0);
  });

  it('keeps a real process running after an unhandled rejection', async () => {
    const script = `
      import pino from 'pino';
      import { installProcessGuards } from './src/process-guards.ts';
      let n = 0;
      installProcessGuards(pino()).countIn({ inc: () => n++ });
      void Promise.reject(new Error('nobody catches me'));
      setTimeout(() => console.log(JSON.stringify({ alive: true, counted: n })), 50);
    `;
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: root });
    const lines = stdout.trim().split('\n');
    expect(lines.some((l) => l.includes('nobody catches me'))).toBe(true);
    expect(lines.map((l) => JSON.parse(l) as Record<string, unknown>)).toContainEqual({ alive: true, counted: 1 });
  });
});

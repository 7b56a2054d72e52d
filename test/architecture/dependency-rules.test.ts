/**
 * The dependency rules `npm run lint` enforces (.dependency-cruiser.cjs) catch
 * what they are meant to: run on fixtures that break them on purpose, the
 * real tool reports each rule, and the project's own sources break none.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function violations(path: string): Promise<Array<{ rule: string; from: string; to: string }>> {
  const result = await run('npx', ['depcruise', path, '--config', '.dependency-cruiser.cjs', '--output-type', 'json'], { maxBuffer: 64 * 1024 * 1024 }).catch(
    (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
  );
  const report = JSON.parse(result.stdout) as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> } };
  return report.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}

describe('dependency rules', () => {
  it('report an impure conversation engine, a channel reaching the store, database or Prisma, and an import cycle, type-only imports included', async () => {
    const found = await violations('test/fixtures/architecture');
    const rules = (name: string) => found.filter((v) => v.rule === name);
    expect(rules('conversation-is-pure').map((v) => v.to)).toEqual(expect.arrayContaining([expect.stringContaining('zod'), 'test/fixtures/architecture/src/outside.ts']));
    expect(rules('no-circular').map((v) => v.from)).toContain('test/fixtures/architecture/src/conversation/impure.ts');
    expect(rules('channels-use-their-desk-port').map((v) => v.to).sort()).toEqual([
      expect.stringMatching(/@prisma\/adapter-pg/),
      'test/fixtures/architecture/src/db/database.ts',
      'test/fixtures/architecture/src/requests/store.ts',
    ].sort());
  }, 60_000);

  it('find nothing in the sources', async () => {
    expect(await violations('src')).toEqual([]);
  }, 60_000);
});

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES } from '../src/config.js';

const readmePath = fileURLToPath(new URL('../README.md', import.meta.url));

/** The text from a `## Configuration…` heading up to the next heading of the same or a higher level. */
function configurationSection(markdown: string): string | null {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^#{1,3}\s+Configuration\b/i.test(l));
  if (start < 0) return null;
  const level = /^#+/.exec(lines[start] ?? '')?.[0].length ?? 2;
  const end = lines.findIndex((l, i) => i > start && new RegExp(`^#{1,${level}}\\s`).test(l));
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

describe('README configuration reference', () => {
  it('documents every variable that loadConfig reads', () => {
    expect(existsSync(readmePath), 'README.md is missing: it must have a "## Configuration" section').toBe(true);
    const section = configurationSection(readFileSync(readmePath, 'utf8'));
    expect(section, 'README.md has no "## Configuration" heading').not.toBeNull();
    const missing = CONFIG_VARIABLES.map((v) => v.name).filter((name) => !new RegExp(`\\b${name}\\b`).test(section ?? ''));
    expect(missing, `variables missing from README.md's configuration section`).toEqual([]);
  });
});

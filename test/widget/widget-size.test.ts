/** The bundle stays within its budget (widget/size.mjs: 30 KB gzipped, socket.io-client included). */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildWidget } from './widget-harness.js';

describe('widget.js size', () => {
  it('builds to one file within the gzip budget', () => {
    const file = buildWidget();
    const size = spawnSync(process.execPath, [fileURLToPath(new URL('../../widget/size.mjs', import.meta.url)), file], { encoding: 'utf8' });
    expect(size.stderr).toBe('');
    expect(size.status).toBe(0);
    expect(size.stdout).toMatch(/KB gzip/);
  });
});

/**
 * The gateway runs the clean-up of unsent uploads by itself (UPLOAD_ORPHAN_TTL):
 * an upload left unsent by one run is deleted, row and file, by the next run
 * once it is older than the TTL, with nothing else asked of anyone.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { makeTempDir, startTestApp } from '../support/app.js';
import { makePng } from '../widget/png.js';

const DAY = 86_400_000;

describe('unsent uploads, as the gateway runs', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let app: App | null = null;
  beforeAll(async () => {
    ({ dir, remove } = await makeTempDir());
  });
  afterAll(async () => {
    await app?.stop();
    await remove?.();
  });

  it('deletes an upload never sent once it is older than UPLOAD_ORPHAN_TTL', async () => {
    app = await startTestApp({ dataDir: dir, env: { UPLOAD_ORPHAN_TTL: '1h' } });
    const stored = await app.attachments.ingest({ customerId: null, data: makePng(4, 4, 7) });
    if (!stored.ok) throw new Error(`upload refused: ${stored.reason}`);
    const id = stored.attachment.id;
    const sha256 = stored.attachment.storageKey.replace(/^fs:/, '');
    const file = path.join(dir, 'attachments', sha256.slice(0, 2), sha256);
    expect(existsSync(file)).toBe(true);
    await app.stop();

    // The next run, a day later: the clean-up's first pass runs as it starts.
    app = await startTestApp({ dataDir: dir, env: { UPLOAD_ORPHAN_TTL: '1h' }, clock: () => new Date(Date.now() + DAY) });
    const deadline = Date.now() + 60_000;
    while ((await app.store.getAttachment(id)) !== null) {
      if (Date.now() > deadline) throw new Error('the unsent upload was not deleted within 60 s of the start');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(existsSync(file)).toBe(false);
    // Two starts of the embedded database: seconds each on a loaded 2-core machine.
  }, 150_000);
});

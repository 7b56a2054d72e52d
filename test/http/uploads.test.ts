/**
 * Uploads over HTTP on a whole gateway (embedded back end): an image whose
 * header declares a huge bitmap is refused with 413 and an answer naming its
 * dimensions and the limits, from the web chat and from the agent API alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { ADMIN_ENV, AgentClient, fileRequest } from '../console/console-client.js';
import { upload, Visitor } from '../channels/webchat/webchat-client.js';
import { baseOf, makeTempDir, startTestApp } from '../support/app.js';
import { TestChannel } from '../support/test-channel.js';
import { makePng } from '../widget/png.js';
import { pngHeader } from '../requests/images.js';
import { webchatChannel } from '../../src/channels/webchat/index.js';

const FLOOD_MESSAGE = 'the image is 20000×20000 pixels (400 megapixels): images may have at most 50 megapixels and 20000 pixels on a side';

describe('image uploads over HTTP', () => {
  let app: App;
  let base: string;
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  const channel = new TestChannel();

  beforeAll(async () => {
    tmp = await makeTempDir();
    app = await startTestApp({ dataDir: tmp.dir, channels: [webchatChannel, channel], env: ADMIN_ENV });
    base = baseOf(app);
  });
  afterAll(async () => {
    await app?.stop();
    await tmp?.remove();
  });

  it('refuses a pixel flood from a web chat visitor with 413 naming the dimensions and the limits', async () => {
    const v = await new Visitor(base, { locale: 'en' }).ready();
    try {
      const token = v.session!.token;
      const flood = await upload(base, token, pngHeader(20_000, 20_000), 'flood.png');
      expect(flood).toEqual({ status: 413, body: { error: { code: 'payload_too_large', message: FLOOD_MESSAGE } } });
      expect((await upload(base, token, makePng(40, 30), 'fine.png')).status).toBe(201);
    } finally {
      v.close();
    }
  });

  it('refuses it from an agent too', async () => {
    const number = await fileRequest(channel, 'tc-flood', { subject: 'Screen flickers' });
    const admin = await AgentClient.login(base);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(pngHeader(20_000, 20_000))]), 'flood.png');
    const res = await fetch(`${base}/api/requests/${number}/attachments`, { method: 'POST', body: form, headers: { authorization: `Bearer ${admin.session.token}` } });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: { code: 'payload_too_large', message: FLOOD_MESSAGE } });
  });

  it('takes the limit from UPLOAD_MAX_MEGAPIXELS', async () => {
    const small = await makeTempDir();
    const strict = await startTestApp({ dataDir: small.dir, env: { UPLOAD_MAX_MEGAPIXELS: '1' } });
    const v = await new Visitor(baseOf(strict), { locale: 'en' }).ready();
    try {
      const over = await upload(baseOf(strict), v.session!.token, pngHeader(1500, 1000), 'wide.png');
      expect(over.status).toBe(413);
      expect(over.body.error?.message).toContain('at most 1 megapixels');
    } finally {
      v.close();
      await strict.stop();
      await small.remove();
    }
  });
});

/**
 * The web chat protocol (docs/webchat-protocol.md) against a real gateway on
 * a real port, with real socket.io clients, on the embedded back end.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { identityHash, issueVisitorToken } from '../../../src/channels/webchat/visitor-token.js';
import { makeTempDir, startTestApp } from '../../support/app.js';
import { upload, Visitor } from './webchat-client.js';

const png = await readFile(new URL('../../fixtures/screenshot.png', import.meta.url));
const disguised = await readFile(new URL('../../fixtures/script-disguised.png', import.meta.url));
const IDENTITY_SECRET = 'identity-secret-for-tests';

let app: App;
let base: string;
let cleanup: () => Promise<void>;
const visitors: Visitor[] = [];
const visitor = (auth: Record<string, unknown> = {}, extra: { origin?: string } = {}) => {
  const v = new Visitor(base, auth, extra);
  visitors.push(v);
  return v;
};

beforeAll(async () => {
  const tmp = await makeTempDir();
  app = await startTestApp({
    dataDir: tmp.dir,
    env: {
      WEBCHAT_ALLOWED_ORIGINS: 'https://shop.example.com,http://127.0.0.1',
      WEBCHAT_IDENTITY_SECRET: IDENTITY_SECRET,
      WEBCHAT_MESSAGE_RATE: '12/10s',
      UPLOAD_MAX_BYTES: '64KB',
    },
  });
  base = `http://127.0.0.1:${(app.server.server.address() as { port: number }).port}`;
  cleanup = async () => {
    for (const v of visitors) v.close();
    await app.stop();
    await tmp.remove();
  };
});
afterAll(() => cleanup?.());

describe('web chat protocol', () => {
  it('runs a full intake with an uploaded screenshot and creates the request', async () => {
    const v = await visitor({ locale: 'en' }).ready();
    expect(v.session).toMatchObject({ locale: 'en', visitorId: expect.stringMatching(/^v_/) });
    // The greeting with the request types, at once and not stored.
    expect(v.histories[0]).toEqual({ messages: [v.opening], hasMore: false });
    expect(v.opening).toMatchObject({ id: '0', from: 'bot', text: expect.stringContaining('Hello') });
    expect(v.opening!.choices?.map((c) => c.id)).toEqual(['incident', 'mass_incident', 'consultation', 'development_request', 'menu:lang:ru']);
    expect(await app.store.findCustomer('webchat', v.session!.visitorId)).toBeNull();

    expect(await v.press('incident')).toMatchObject({ ok: true, duplicate: false });
    // The type pressed on the greeting is taken: the subject comes next, with no second greeting.
    expect((await v.waitForBot(1)).text).not.toContain('Hello');
    await v.say('Invoices page is blank');
    await v.waitForBot(2);
    await v.say('Since this morning the invoices page shows nothing after login.');
    await v.waitForBot(3);

    const up = await upload(base, v.session!.token, png, 'blank-page.png');
    expect(up.status).toBe(201);
    expect(up.body).toMatchObject({ mimeType: 'image/png', size: png.length, fileName: 'blank-page.png' });
    const sent = await v.send({ clientId: 'shot-1', attachmentId: up.body.id, text: '' });
    expect(sent.ok).toBe(true);
    const own = v.messages.find((m) => m.id === sent.id);
    expect(own).toMatchObject({ from: 'customer', clientId: 'shot-1', attachments: [{ id: up.body.id, mimeType: 'image/png' }] });

    const summary = await v.waitForBot(4);
    expect(summary.text).toContain('Invoices page is blank');
    await v.press('confirm');
    expect((await v.waitForBot(5)).text).toMatch(/SR-\d+/);
    const number = /SR-\d+/.exec(v.botMessages()[4]!.text!)![0];
    const request = await app.store.getRequest(number);
    expect(request).toMatchObject({ channel: 'webchat', subject: 'Invoices page is blank', type: 'incident' });
    expect(request!.attachments.map((a) => a.id)).toEqual([up.body.id]);

    // The signed link works for this visitor.
    const image = await fetch(`${base}${String(up.body.url)}`);
    expect(image.status).toBe(200);
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer())).toEqual(png);
  });

  it('replays the history on reconnect with the token, and only what is new with lastSeenId', async () => {
    const first = await visitor().ready();
    await first.say('hi');
    await first.waitForBot(1);
    const token = first.session!.token;
    first.close();

    const again = await visitor({ token }).ready();
    expect(again.session!.visitorId).toBe(first.session!.visitorId);
    expect(again.histories[0]!.messages.map((m) => [m.from, m.text])).toEqual(first.messages.map((m) => [m.from, m.text]));
    const lastSeenId = again.messages.at(-1)!.id;
    await again.say('/help');
    // The menu and the type question again (the intake is still open), in one message: only its buttons are live.
    await again.waitForBot(2);
    again.close();

    const third = await visitor({ token, lastSeenId }).ready();
    const replayed = third.histories[0]!.messages;
    expect(replayed.map((m) => m.from)).toEqual(['customer', 'bot']);
    expect(replayed[0]!.text).toBe('/help');
    // Web visitors get the menu as buttons, not slash commands.
    expect(replayed[1]!.text).not.toContain('/new');
    expect(replayed[1]!.choices?.map((c) => c.id)).toEqual(expect.arrayContaining(['incident', 'menu:new', 'menu:status', expect.stringMatching(/^menu:lang:/)]));
  });

  it('stores a message resent with the same clientId once', async () => {
    const v = await visitor().ready();
    const a = await v.send({ clientId: 'same-1', text: 'hello' });
    const b = await v.send({ clientId: 'same-1', text: 'hello' });
    expect(a).toMatchObject({ ok: true, duplicate: false });
    expect(b).toEqual({ ok: true, id: a.id, duplicate: true });
    await v.waitForBot(1);
    const history = await visitor({ token: v.session!.token }).ready();
    expect(history.messages.filter((m) => m.from === 'customer')).toHaveLength(1);
  });

  it('refuses a forged or foreign token with a clear error', async () => {
    const forged = visitor({ token: 'v1.v_someoneelse.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' });
    await expect(forged.ready()).rejects.toMatchObject({ message: 'invalid_token', data: { code: 'invalid_token' } });
    const foreign = visitor({ token: issueVisitorToken('another-deployment-secret', 'v_abc', Date.now()) });
    await expect(foreign.ready()).rejects.toMatchObject({ message: 'invalid_token' });
  });

  it('refuses a handshake from an origin that may not embed the chat', async () => {
    const v = visitor({}, { origin: 'https://evil.example.net' });
    await expect(v.ready()).rejects.toMatchObject({ message: 'origin_not_allowed' });
    const allowed = await visitor({}, { origin: 'https://shop.example.com' }).ready();
    expect(allowed.session).not.toBeNull();
  });

  it('accepts a verified identity and refuses a wrong hash', async () => {
    const hash = identityHash(IDENTITY_SECRET, 'user-42');
    const v = await visitor({ identity: { externalId: 'user-42', name: 'Olga', hash } }).ready();
    expect(v.session!.visitorId).toMatch(/^u_/);
    const onOtherDevice = await visitor({ identity: { externalId: 'user-42', hash } }).ready();
    expect(onOtherDevice.session!.visitorId).toBe(v.session!.visitorId);
    const impostor = visitor({ identity: { externalId: 'user-42', hash: identityHash('guess', 'user-42') } });
    await expect(impostor.ready()).rejects.toMatchObject({ message: 'invalid_identity' });
  });

  it("never serves a visitor another visitor's attachment", async () => {
    const owner = await visitor().ready();
    const other = await visitor().ready();
    const up = await upload(base, owner.session!.token, png, 'mine.png');
    const id = String(up.body.id);
    // The owner's link, with the other visitor put in: the signature no longer matches.
    const tampered = String(up.body.url).replace(/v=[^&]+/, `v=${encodeURIComponent(other.session!.visitorId)}`);
    expect((await fetch(`${base}${tampered}`)).status).toBe(403);
    expect((await fetch(`${base}/webchat/attachments/${id}`)).status).toBe(403);
    // Nor can the other visitor send it as their own.
    const stolen = await other.send({ clientId: 'steal', attachmentId: id });
    expect(stolen).toMatchObject({ ok: false, error: { code: 'invalid_attachment' } });
  });

  it('rejects a disguised file and an oversized one with clear errors', async () => {
    const v = await visitor().ready();
    const fake = await upload(base, v.session!.token, disguised, 'screenshot.png', {});
    expect(fake.status).toBe(415);
    expect(fake.body.error).toMatchObject({ code: 'unsupported_media_type', message: expect.stringContaining('PNG, JPEG, WebP or GIF') });
    const big = await upload(base, v.session!.token, Buffer.concat([png, Buffer.alloc(70 * 1024)]), 'big.png');
    expect(big.status).toBe(413);
    expect(big.body.error?.code).toBe('payload_too_large');
    const anonymous = await upload(base, 'not-a-token', png, 'x.png');
    expect(anonymous.status).toBe(401);
  });

  it('rate-limits a flood of messages with an error, keeping the connection', async () => {
    const v = await visitor().ready();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => v.say(`flood ${i}`)));
    const limited = results.filter((r) => !r.ok);
    expect(results.filter((r) => r.ok)).toHaveLength(12);
    expect(limited[0]!.error).toMatchObject({ code: 'rate_limited', retryAfterMs: expect.any(Number) });
    expect(v.socket.connected).toBe(true);
  });

  it('rate-limits uploads with 429 and Retry-After', async () => {
    const v = await visitor().ready();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) statuses.push((await upload(base, v.session!.token, png, `s${i}.png`)).status);
    expect(statuses.slice(0, 10).every((s) => s === 201)).toBe(true);
    expect(statuses[10]).toBe(429);
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(png)]), 'again.png');
    const res = await fetch(`${base}/webchat/uploads`, { method: 'POST', body: form, headers: { authorization: `Bearer ${v.session!.token}` } });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('answers malformed events with invalid_message', async () => {
    const v = await visitor().ready();
    expect(await v.send({ text: 'no client id' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(await v.send({ clientId: 'x', text: 'y'.repeat(4001) })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(await v.send({ clientId: 'bad id!', text: 'hi' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    expect(await v.send({ clientId: 'empty' })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
  });

  it('serves the widget bundle and the demo page that embeds it', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('widget.js');
    const bundle = await fetch(`${base}/widget.js`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toContain('javascript');
  });
});

/**
 * The gateway's pages under their Content Security Policies, in Chromium: the
 * demo page (its inline stub and handlers allowed by hash, the widget's shadow
 * styles), Swagger UI at /docs and the console work without a single
 * violation, and no other site can frame any of them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ENV } from '../console/console-client.js';
import { upload, Visitor } from '../channels/webchat/webchat-client.js';
import { makePng } from '../widget/png.js';
import { haveChromium, serveStatic, type StaticSite } from './support/browser.js';
import { buildBundles, startBrowserGateway, type BrowserGateway } from './support/gateway.js';
import { ui } from '../widget/widget-harness.js';

describe.skipIf(!haveChromium())('pages under their security policies, in Chromium', () => {
  let g: BrowserGateway;
  let framing: StaticSite;

  beforeAll(async () => {
    buildBundles({ widget: true });
    g = await startBrowserGateway({ env: { ...ADMIN_ENV } });
    const frames = ['/', '/console', '/docs'].map((p) => `<iframe title="${p}" src="${g.url}${p}"></iframe>`).join('');
    const page = (body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Another site</title></head><body>${body}</body></html>`;
    framing = await serveStatic({
      '/': page(frames),
      // What the widget does on a customer's site: the script from the gateway, and a web chat image by its signed link.
      '/embed': (url) => page(`<img id="shot" alt="" src="${url.searchParams.get('src') ?? ''}"><script src="${g.url}/widget.js" async></script>`),
    });
  });
  afterAll(async () => {
    await framing?.close();
    await g?.close();
  });

  it('runs the demo page and its widget: inline stub, "Chat with support" button, chat over the socket', async () => {
    const page = await g.open();
    await page.goto(`${g.url}/`);
    await ui(page).launcher.waitFor();
    await page.getByRole('button', { name: 'Chat with support' }).click(); // an inline onclick handler
    await ui(page).panel.waitFor();
    await ui(page).textbox.fill('Hello');
    await ui(page).textbox.press('Enter');
    await page.locator('.msg.bot .choice').first().waitFor(); // the bot answered over socket.io
    expect(g.pageErrors).toEqual([]);
  });

  it('runs Swagger UI at /docs', async () => {
    const page = await g.open();
    await page.goto(`${g.url}/docs`);
    await page.locator('.opblock').first().waitFor(); // the bundle ran and fetched /docs/json
    expect(await page.locator('.opblock').count()).toBeGreaterThan(10);
    await page.locator('.opblock-summary').first().click(); // expands: more of its rendering
    await page.locator('.opblock-body').first().waitFor();
    expect(g.pageErrors).toEqual([]);
  });

  it('runs the console', async () => {
    const page = await g.open();
    await page.goto(`${g.url}/console`);
    await page.getByTestId('login-email').waitFor();
    expect(g.pageErrors).toEqual([]);
  });

  it('lets another site load the widget script and show a web chat image', async () => {
    const visitor = await new Visitor(g.url, { locale: 'en' }).ready();
    const uploaded = await upload(g.url, visitor.session!.token, makePng(40, 30), 'shot.png');
    visitor.close();
    expect(uploaded.status).toBe(201);
    const context = await g.browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(`${framing.origin}/embed?src=${encodeURIComponent(`${g.url}${String(uploaded.body.url)}`)}`);
      await page.waitForFunction(() => 'RelayDesk' in globalThis && typeof (globalThis as unknown as { RelayDesk: { open?: unknown } }).RelayDesk.open === 'function');
      const shot = page.locator('#shot');
      await expect.poll(() => shot.evaluate((img) => (img as unknown as { complete: boolean }).complete)).toBe(true);
      expect(await shot.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(40);
    } finally {
      await context.close();
    }
  });

  it('cannot be framed by another site', async () => {
    const context = await g.browser.newContext();
    try {
      const page = await context.newPage();
      const refused: string[] = [];
      page.on('console', (msg) => {
        if (/frame-ancestors|X-Frame-Options/i.test(msg.text())) refused.push(msg.text());
      });
      await page.goto(framing.origin);
      // Each refusal is reported as its frame's navigation ends; wait for all three.
      await expect.poll(() => refused.length).toBe(3);
      expect(refused.every((r) => r.includes(`Framing '${g.url}/' violates`))).toBe(true);
      // A refused frame holds the browser's error page, not ours.
      const frames = page.frames().slice(1);
      expect(frames).toHaveLength(3);
      expect(frames.map((f) => f.url()).filter((u) => u.startsWith(g.url))).toEqual([]);
    } finally {
      await context.close();
    }
  });
});

/**
 * The whole web chat in a real browser: Chromium on a page of another origin
 * embeds the widget from a real gateway (embedded back end) with one script
 * tag; a visitor completes the intake with clicks, typing and a pasted
 * screenshot, and the request exists in the store.
 */
import { readFile } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { makeTempDir, startTestApp } from '../support/app.js';
import { haveChromium, launchChromium, saveScreenshot, serveStatic, type StaticSite } from './support/browser.js';
import { focusedInWidget, ui, type PageGlobals } from '../widget/widget-harness.js';

const png = await readFile(new URL('../fixtures/screenshot.png', import.meta.url));

describe.skipIf(!haveChromium())('web chat in a browser, against the real gateway', () => {
  let app: App;
  let gateway: string;
  let site: StaticSite;
  let browser: Browser;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    const tmp = await makeTempDir();
    app = await startTestApp({ dataDir: tmp.dir, env: { OUTBOX_POLL_INTERVAL: '100ms' } });
    gateway = `http://127.0.0.1:${(app.server.server.address() as { port: number }).port}`;
    site = await serveStatic({
      '/': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme</title>
<style>button{background:red} *{font-size:30px}</style></head><body><h1>Acme shop</h1>
<script src="${gateway}/widget.js" async data-title="Acme support" data-locale="en"></script></body></html>`,
    });
    browser = await launchChromium();
    cleanup = async () => {
      await browser.close();
      await site.close();
      await app.stop();
      await tmp.remove();
    };
  });
  afterAll(() => cleanup?.());

  async function pasteScreenshot(page: Page): Promise<void> {
    await page.evaluate((bytes) => {
      const w = globalThis as unknown as PageGlobals;
      const file = new w.File([new Uint8Array(bytes)], 'error.png', { type: 'image/png' });
      const data = new w.DataTransfer();
      data.items.add(file);
      const textarea = w.document.querySelector('#relaydesk-widget')!.shadowRoot!.querySelector('textarea')!;
      textarea.dispatchEvent(new w.ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, [...png]);
  }

  it('completes an intake by clicking, typing and pasting a screenshot; a reload keeps it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(site.origin);
    const w = ui(page);
    const shown = async () => (await w.messages.allTextContents()).join('\n');
    const waitForText = (pattern: RegExp) => expect.poll(shown, { timeout: 10_000 }).toMatch(pattern);
    await w.launcher.click();
    await w.textbox.fill('Hello');
    await w.textbox.press('Enter');
    await w.choice('Incident').first().click();
    await waitForText(/short subject/);
    await w.textbox.fill('Cannot log in to the portal');
    await w.textbox.press('Enter');
    await waitForText(/Describe/i);
    await w.textbox.fill('Since the update the login page says "session expired" right after I sign in.');
    await w.textbox.press('Enter');
    await waitForText(/Attach a screenshot/);

    await pasteScreenshot(page);
    await w.preview.waitFor();
    await w.textbox.press('Enter');
    await waitForText(/Please check your request/);
    await expect.poll(() => page.locator('[role="log"] img').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    await w.choice('Submit').first().click();
    await waitForText(/SR-\d+/);
    await saveScreenshot(page, 'e2e-webchat-request-created');

    const number = /SR-\d+/.exec((await w.messages.allTextContents()).join(' '))![0];
    const request = await app.store.getRequest(number);
    expect(request).toMatchObject({ channel: 'webchat', type: 'incident', subject: 'Cannot log in to the portal' });
    expect(request!.attachments).toHaveLength(1);
    expect(request!.attachments[0]!.mimeType).toBe('image/png');

    const before = await w.messages.locator('.bubble').allTextContents();
    await page.reload();
    await ui(page).launcher.click();
    await expect.poll(() => ui(page).messages.locator('.bubble').allTextContents(), { timeout: 10_000 }).toEqual(before);
    await context.close();
  });

  it('can be used with the keyboard alone', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(site.origin);
    const w = ui(page);
    await w.launcher.waitFor();
    await page.keyboard.press('Tab');
    expect(await focusedInWidget(page)).toContain('launcher');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedInWidget(page)).toContain('textarea');
    await page.keyboard.type('Hi there');
    await page.keyboard.press('Enter');
    await w.choice('Consultation').first().waitFor();
    // Tab from the text box back into the log until the choice is focused, then Enter.
    for (let i = 0; i < 12 && !(await focusedInWidget(page)).includes('choice'); i++) await page.keyboard.press('Shift+Tab');
    expect(await focusedInWidget(page)).toContain('choice');
    const focused = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals & { document: { querySelector(s: string): { shadowRoot: { activeElement: { textContent: string } | null } } | null } };
      return w.document.querySelector("#relaydesk-widget")?.shadowRoot?.activeElement?.textContent ?? "";
    });
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await w.messages.allTextContents()).join(' '), { timeout: 10_000 }).toMatch(/subject/i);
    expect(focused.length).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => focusedInWidget(page)).toContain('launcher');
    await context.close();
  });
});

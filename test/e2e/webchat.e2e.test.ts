/**
 * The whole web chat in a real browser: Chromium on a page of another origin
 * embeds the widget from a real gateway (embedded back end) with one script
 * tag; a visitor completes the intake with clicks, typing and a pasted
 * screenshot, and the request exists in the store.
 *
 * The gateway greets on opening with the request types (nothing stored until
 * the visitor acts) and keeps the problem a visitor writes first, so nobody
 * types it twice: these flows follow that conversation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, saveScreenshot, serveStatic, type StaticSite } from './support/browser.js';
import { startBrowserGateway, type BrowserGateway } from './support/gateway.js';
import { pasteScreenshot, submitIntake } from './support/widget.js';
import { focusedInWidget, ui, type PageGlobals } from '../widget/widget-harness.js';

describe.skipIf(!haveChromium())('web chat in a browser, against the real gateway', () => {
  let g: BrowserGateway;
  let site: StaticSite;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    g = await startBrowserGateway({ env: { OUTBOX_POLL_INTERVAL: '100ms' } });
    site = await serveStatic({
      '/': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme</title>
<style>button{background:red} *{font-size:30px}</style></head><body><h1>Acme shop</h1>
<script src="${g.url}/widget.js" async data-title="Acme support" data-locale="en"></script></body></html>`,
    });
    cleanup = async () => {
      await site.close();
      await g.close();
    };
  });
  afterAll(() => cleanup?.());

  it('completes an intake by clicking, typing and pasting a screenshot; a reload keeps it', async () => {
    const context = await g.browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(site.origin);
    const w = ui(page);
    const shown = async () => (await w.messages.allTextContents()).join('\n');
    await w.launcher.click();
    // The greeting offers the types at once; the visitor writes the problem first anyway.
    await w.choice('Incident').first().waitFor();
    expect(await w.messages.count()).toBe(1);
    await w.textbox.fill('Cannot log in to the portal');
    await w.textbox.press('Enter');
    await expect.poll(shown).toMatch(/Noted: “Cannot log in to the portal”/);
    // Only the newest message's choices are live: the type, asked again after the note.
    await page.locator('[role="log"] .choice[data-choice="incident"]:not([disabled])').click();
    await expect.poll(shown).toMatch(/Attach a screenshot/);
    await pasteScreenshot(page);
    await w.preview.waitFor();
    await w.textbox.fill('It says "session expired" right after I sign in.');
    await w.textbox.press('Enter');
    await expect.poll(shown).toMatch(/Please check your request/);
    expect(await w.messages.last().textContent()).toMatch(/Subject: Cannot log in to the portal\s*Description: Cannot log in to the portal/);
    await expect.poll(() => page.locator('[role="log"] img').count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const number = await submitIntake(page);
    await saveScreenshot(page, 'e2e-webchat-request-created');

    const request = await g.app.store.getRequest(number);
    expect(request).toMatchObject({ channel: 'webchat', type: 'incident', subject: 'Cannot log in to the portal' });
    // The first message is the description too; the screenshot's caption is added to it.
    expect(request!.description).toBe('Cannot log in to the portal\n\nIt says "session expired" right after I sign in.');
    expect(request!.attachments).toHaveLength(1);
    expect(request!.attachments[0]!.mimeType).toBe('image/png');

    // A reload shows the conversation as stored: all of it but the greeting shown on opening, which never was.
    const stored = (p: typeof page) => p.locator('[role="log"] .msg:not([data-id="0"]) .bubble').allTextContents();
    const before = await stored(page);
    expect(before[0]).toBe('Cannot log in to the portal');
    await page.reload();
    await ui(page).launcher.click();
    await expect.poll(() => ui(page).messages.locator('.bubble').allTextContents(), { timeout: 10_000 }).toEqual(before);
    await context.close();
  });

  it('can be used with the keyboard alone', async () => {
    const context = await g.browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    const page = await context.newPage();
    await page.goto(site.origin);
    const w = ui(page);
    await w.launcher.waitFor();
    await page.keyboard.press('Tab');
    expect(await focusedInWidget(page)).toContain('launcher');
    await page.keyboard.press('Enter');
    await expect.poll(() => focusedInWidget(page)).toContain('textarea');
    // The greeting's type buttons are there before anything is typed.
    await w.choice('Consultation').first().waitFor();
    // Tab from the text box back into the log until a type is focused (past the language switch, the last button), then Enter.
    const onType = (focused: string) => focused.includes('choice') && !focused.includes('lang');
    for (let i = 0; i < 12 && !onType(await focusedInWidget(page)); i++) await page.keyboard.press('Shift+Tab');
    expect(onType(await focusedInWidget(page))).toBe(true);
    const focused = await page.evaluate(() => {
      const w = globalThis as unknown as PageGlobals & { document: { querySelector(s: string): { shadowRoot: { activeElement: { textContent: string } | null } } | null } };
      return w.document.querySelector("#relaydesk-widget")?.shadowRoot?.activeElement?.textContent ?? "";
    });
    await page.keyboard.press('Enter');
    // A type chosen before any problem was written: the bot asks for the subject.
    await expect.poll(async () => (await w.messages.allTextContents()).join(' '), { timeout: 10_000 }).toMatch(/short subject/i);
    expect(focused.length).toBeGreaterThan(0);
    await page.keyboard.press('Escape');
    await expect.poll(() => focusedInWidget(page)).toContain('launcher');
    await context.close();
  });
});

/**
 * The built widget in real Chromium against the fake web chat server: what
 * reaches the server and what the visitor sees across reloads, lost
 * connections, lost acks, refusals and screenshot uploads.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { haveChromium, saveScreenshot } from '../e2e/support/browser.js';
import { makePng } from './png.js';
import { openHost, shownTexts, startHarness, ui, visitorOf, type Harness, type PageGlobals } from './widget-harness.js';

describe.skipIf(!haveChromium())('web chat widget delivery in Chromium (needs /usr/bin/chromium)', () => {
  let h: Harness;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());
  afterEach(async () => {
    h.fake.clearFaults();
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  async function openChat(query: Record<string, string> = {}, prepare?: (context: BrowserContext) => Promise<void>): Promise<{ page: Page; context: BrowserContext }> {
    const opened = await openHost(h, query, {}, prepare);
    contexts.push(opened.context);
    await ui(opened.page).launcher.click();
    await opened.page.locator('.msg.bot .choice').first().waitFor();
    return opened;
  }

  async function send(page: Page, text: string): Promise<void> {
    await ui(page).textbox.fill(text);
    await ui(page).textbox.press('Enter');
  }

  const customerTexts = (v: { messages: { from: string; text: string | null }[] }) => v.messages.filter((m) => m.from === 'customer').map((m) => m.text);
  const outboxOf = (page: Page) =>
    page.evaluate((key) => JSON.parse((globalThis as unknown as PageGlobals).localStorage.getItem(key) ?? '[]') as { text?: string }[], `relaydesk:outbox:${h.fake.url}`);

  it('keeps the conversation over a reload, each message once', async () => {
    const { page } = await openChat();
    await send(page, 'one');
    await send(page, 'two');
    await page.locator('.msg.customer.sent').nth(1).waitFor();
    const v = await visitorOf(h, page);
    await page.reload();
    await ui(page).panel.waitFor(); // it was open: it stays open
    await page.locator('.msg.customer').nth(1).waitFor();
    expect(await shownTexts(page)).toEqual(v.messages.map((m) => m.text));
    const ids = await page.locator('[role="log"] .msg').evaluateAll((els) => els.map((el) => el.getAttribute('data-id')));
    expect(ids).toEqual(v.messages.map((m) => m.id));
    expect(h.fake.handshakes.at(-1)).toMatchObject({ token: v.token, locale: 'en' });
    expect(h.fake.handshakes.at(-1)?.lastSeenId).toBeUndefined();
  });

  it('shows the newest 50 messages and loads earlier ones on request', async () => {
    const { page } = await openChat();
    const v = await visitorOf(h, page);
    for (let i = 1; i <= 60; i++) h.fake.agentSays(v.id, `note ${i}`);
    await page.getByText('note 60', { exact: true }).waitFor();
    await page.reload();
    await page.getByText('note 60', { exact: true }).waitFor();
    expect(await ui(page).messages.count()).toBe(50);
    await page.getByRole('button', { name: 'Show earlier messages' }).click();
    await page.getByText('Hello! How can we help?').waitFor();
    expect(await shownTexts(page)).toEqual(v.messages.map((m) => m.text));
    expect(await page.getByRole('button', { name: 'Show earlier messages' }).isHidden()).toBe(true);
  });

  it('queues messages while offline (shown pending, kept over a reload) and sends them once, in order', async () => {
    // The visitor's network to the gateway, which the test cuts and restores.
    let blocked = false;
    const { page } = await openChat({}, async (context) => {
      await context.routeWebSocket(/\/socket\.io\//, (ws) => (blocked ? ws.close() : ws.connectToServer()));
      await context.route(/\/socket\.io\//, (route) => (blocked ? route.abort() : route.continue()));
    });
    const v = await visitorOf(h, page);
    blocked = true;
    h.fake.dropConnections();
    await ui(page).status.waitFor();
    await send(page, 'first while offline');
    await send(page, 'second while offline');
    expect(await page.locator('.msg.customer.pending').allTextContents()).toEqual([expect.stringContaining('first while offline'), expect.stringContaining('second while offline')]);
    expect((await outboxOf(page)).map((m) => m.text)).toEqual(['first while offline', 'second while offline']);

    await page.reload();
    await page.locator('.msg.customer.pending').nth(1).waitFor();
    expect(await shownTexts(page)).toEqual(['first while offline', 'second while offline']);
    blocked = false;
    await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      g.dispatchEvent(new g.Event('online')); // what the browser says when the network is back
    });
    await page.locator('.msg.customer.sent').nth(1).waitFor();
    expect(customerTexts(v)).toEqual(['first while offline', 'second while offline']);
    expect(h.fake.received.filter((m) => m.text?.includes('while offline')).map((m) => m.text)).toEqual(['first while offline', 'second while offline']);
    expect(await shownTexts(page)).toEqual(v.messages.map((m) => m.text));
    expect(await outboxOf(page)).toEqual([]);
    await ui(page).status.waitFor({ state: 'hidden' });
  });

  it('reconnects after the gateway restarts, presenting lastSeenId, and sends what was typed meanwhile', async () => {
    const { page } = await openChat();
    await send(page, 'before');
    await page.locator('.msg.customer.sent').waitFor();
    const v = await visitorOf(h, page);
    const seen = h.fake.handshakes.length;
    await h.fake.stop();
    await ui(page).status.filter({ hasText: /Reconnecting|Offline/ }).waitFor();
    await send(page, 'during');
    h.fake.agentSays(v.id, 'agent reply while the visitor was away');
    await h.fake.start();
    await page.locator('.msg.customer.sent').nth(1).waitFor({ timeout: 12_000 });
    await page.getByText('agent reply while the visitor was away').waitFor();
    expect(h.fake.handshakes[seen]?.lastSeenId).toBe(v.messages.find((m) => m.text === 'before')?.id);
    expect(customerTexts(v)).toEqual(['before', 'during']);
    // The agent's reply came while the message waited, so it shows above it.
    expect((await shownTexts(page)).slice(-2)).toEqual(['agent reply while the visitor was away', 'during']);
  });

  it('resends a message whose ack was lost, and it is stored and shown once', async () => {
    const { page } = await openChat();
    const v = await visitorOf(h, page);
    h.fake.faults.drop = 'before-store';
    await send(page, 'lost on the way');
    await page.locator('.msg.customer.sent').waitFor({ timeout: 12_000 });
    h.fake.faults.drop = 'after-store';
    await send(page, 'stored, ack lost');
    await page.locator('.msg.customer.sent').nth(1).waitFor({ timeout: 12_000 });
    expect(customerTexts(v)).toEqual(['lost on the way', 'stored, ack lost']);
    expect(h.fake.received.filter((m) => m.text === 'lost on the way')).toHaveLength(2);
    expect(await page.locator('.msg.customer').count()).toBe(2);
    expect(await shownTexts(page)).toEqual(v.messages.map((m) => m.text));
  });

  it('shows a rejected message with the error, and retries after rate_limited', async () => {
    const { page } = await openChat();
    const v = await visitorOf(h, page);
    h.fake.faults.reject.push({ code: 'rate_limited', message: 'Too many messages.', retryAfterMs: 300 });
    await send(page, 'slow down');
    await page.locator('.msg.customer.sent').waitFor();
    h.fake.faults.reject.push({ code: 'invalid_message', message: 'The message is not valid.' });
    await send(page, 'bad one');
    await page.locator('.msg.customer.failed .error').waitFor();
    expect(await page.locator('.msg.customer.failed .error').textContent()).toBe('Not sent: This message cannot be sent.');
    expect(h.fake.received.filter((m) => m.text === 'slow down')).toHaveLength(2);
    expect(customerTexts(v)).toEqual(['slow down']);
  });

  it('pastes a screenshot: preview, upload with progress, message with attachmentId', async () => {
    const { page } = await openChat();
    const w = ui(page);
    h.fake.faults.uploadDelayMs = 500;
    const png = makePng(400, 300).toString('base64');
    await w.textbox.fill('The invoice page is blank');
    await page.evaluate((b64) => {
      const g = globalThis as unknown as PageGlobals;
      const bytes = Uint8Array.from(g.atob(b64), (c) => c.charCodeAt(0));
      const data = new g.DataTransfer();
      data.items.add(new g.File([bytes], 'image.png', { type: 'image/png' }));
      const box = g.document.querySelector('#relaydesk-widget')?.shadowRoot?.querySelector('textarea');
      box?.dispatchEvent(new g.ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
    }, png);
    await w.preview.locator('img').waitFor();
    expect(await w.preview.locator('button').getAttribute('aria-label')).toBe('Remove attachment');
    await w.textbox.press('Enter');
    const progress = w.preview.locator('progress');
    await progress.waitFor();
    expect(Number(await progress.getAttribute('value'))).toBeGreaterThan(0);
    await page.locator('.msg.customer.sent').waitFor();
    await w.preview.waitFor({ state: 'hidden' });
    const v = await visitorOf(h, page);
    const sent = h.fake.received.at(-1);
    expect(sent).toMatchObject({ text: 'The invoice page is blank', attachmentId: expect.stringMatching(/^att-/) });
    expect(v.messages.at(-1)?.attachments?.[0]?.id).toBe(sent?.attachmentId);
    const link = page.locator('.msg.customer a.shot');
    expect(await link.getAttribute('target')).toBe('_blank');
    expect(await link.getAttribute('href')).toBe(`${h.fake.url}/webchat/attachments/${sent?.attachmentId}?exp=9999999999&sig=fake`);
    await expect.poll(() => link.locator('img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(400);
    await saveScreenshot(page, 'widget-attachment');
  });

  it('attaches by file picker and by drag and drop, and shows the server refusing a file', async () => {
    const { page } = await openChat();
    const w = ui(page);
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.locator('[role="dialog"] .attach').click()]);
    await chooser.setFiles({ name: 'shot.png', mimeType: 'image/png', buffer: makePng(40, 30) });
    await w.preview.locator('img').waitFor();
    await w.preview.locator('button').click();
    await w.preview.waitFor({ state: 'hidden' });

    await page.evaluate((b64) => {
      const g = globalThis as unknown as PageGlobals;
      const data = new g.DataTransfer();
      data.items.add(new g.File([Uint8Array.from(g.atob(b64), (c) => c.charCodeAt(0))], 'dropped.png', { type: 'image/png' }));
      const panel = g.document.querySelector('#relaydesk-widget')?.shadowRoot?.querySelector('[role="dialog"]');
      panel?.dispatchEvent(new g.DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    }, makePng(40, 30).toString('base64'));
    await w.preview.getByText('dropped.png').waitFor();
    h.fake.faults.uploadError = { status: 415, code: 'unsupported_media_type', message: 'Only PNG, JPEG, WebP and GIF images are accepted.' };
    await w.textbox.press('Enter');
    // The widget shows its own text for the code, in the visitor's language.
    await page.getByText('Only images (PNG, JPEG, WebP, GIF) can be attached.').waitFor();
    // A file the server will never take is dropped (widget-looks.browser.test.ts has every refusal).
    expect(await w.preview.isHidden()).toBe(true);
  });

  it('forgets a refused token and starts afresh; waits out a rate-limited handshake', async () => {
    const opened = await openHost(h, {});
    contexts.push(opened.context);
    const { page } = opened;
    await page.evaluate((key) => (globalThis as unknown as PageGlobals).localStorage.setItem(key, JSON.stringify('forged-token')), `relaydesk:token:${h.fake.url}`);
    h.fake.faults.refuse.push({ code: 'rate_limited', message: 'Slow down.', retryAfterMs: 400 });
    const seen = h.fake.handshakes.length;
    await page.reload(); // a returning visitor (it has a token) connects at once
    await expect.poll(() => h.fake.handshakes.slice(seen).map((a) => a.token ?? null), { timeout: 5000 }).toEqual(['forged-token', 'forged-token', null]);
    const v = await visitorOf(h, page);
    expect(v.token).not.toBe('forged-token');
    await ui(page).badge.filter({ hasText: '1' }).waitFor(); // the new visitor's greeting, unread
  });
});

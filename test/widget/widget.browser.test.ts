/**
 * The built widget in real Chromium, embedded by a page on another origin and
 * talking to the fake web chat server: rendering, style isolation, keyboard
 * use, choices, the public API, languages and screenshots.
 * (Delivery — reloads, offline queue, acks, uploads — is in widget-delivery.browser.test.ts.)
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { haveChromium, saveScreenshot } from '../e2e/support/browser.js';
import { focusedInWidget, openHost, shownTexts, startHarness, ui, visitorOf, type Harness, type PageGlobals } from './widget-harness.js';

describe.skipIf(!haveChromium())('web chat widget in Chromium (needs /usr/bin/chromium)', () => {
  let h: Harness;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  async function open(query: Record<string, string> = {}, options = {}): Promise<Page> {
    const { context, page } = await openHost(h, query, options);
    contexts.push(context);
    return page;
  }

  async function openChat(query: Record<string, string> = {}): Promise<Page> {
    const page = await open(query);
    await ui(page).launcher.click();
    await page.locator('.msg.bot .choice').first().waitFor();
    return page;
  }

  it('keeps host page styles and widget styles apart', async () => {
    const page = await openChat({ accent: '#0b5fff' });
    const style = (sel: string, prop: string) => page.locator(sel).first().evaluate((el, p) => el.ownerDocument.defaultView!.getComputedStyle(el).getPropertyValue(p), prop);
    // The page's `button { background: red }` and `* { font-size: 40px }` do not reach the widget.
    expect(await style('.launcher', 'background-color')).toBe('rgb(11, 95, 255)');
    expect(await style('.launcher', 'border-top-width')).toBe('0px');
    expect(await style('.choice', 'font-size')).toBe('14px');
    expect(await style('[role="dialog"] textarea', 'font-size')).toBe('14px');
    expect(await style('[role="dialog"] h2', 'font-size')).toBe('16px');
    // The widget's rules do not reach the page: same computed styles as the page without it.
    const hostStyles = (p: Page) =>
      p.evaluate(() => {
        const w = globalThis as unknown as PageGlobals & { getComputedStyle(el: unknown): Record<string, string> };
        return ['body', 'h1', '#host-p', '#host-btn'].map((sel) => {
          const cs = w.getComputedStyle(w.document.querySelector(sel));
          return [cs.fontSize, cs.fontFamily, cs.backgroundColor, cs.color, cs.boxSizing, cs.margin, cs.outlineStyle].join('|');
        });
      });
    const plain = await open({ widget: '0' });
    expect(await hostStyles(page)).toEqual(await hostStyles(plain));
    expect((await hostStyles(page))[3]).toContain('rgb(255, 0, 0)');
  });

  it('works with the keyboard alone: Tab to the launcher, Enter opens, Esc closes', async () => {
    const page = await open();
    const w = ui(page);
    await page.keyboard.press('Tab'); // the host page's button
    await page.keyboard.press('Tab');
    expect(await focusedInWidget(page)).toBe('button launcher');
    expect(await w.launcher.getAttribute('aria-expanded')).toBe('false');
    expect(await w.launcher.getAttribute('aria-controls')).toBe(await w.panel.getAttribute('id'));
    await page.keyboard.press('Enter');
    await w.panel.waitFor();
    expect(await w.launcher.getAttribute('aria-expanded')).toBe('true');
    expect(await focusedInWidget(page)).toBe('textarea');
    expect(await w.panel.getAttribute('aria-label')).toBe('Support');
    expect(await page.locator('[role="log"]').getAttribute('aria-live')).toBe('polite');
    await page.keyboard.press('Escape');
    await w.panel.waitFor({ state: 'hidden' });
    expect(await focusedInWidget(page)).toBe('button launcher');
    await page.keyboard.press('Space');
    await w.panel.waitFor();
    expect(await focusedInWidget(page)).toBe('textarea');
  });

  it('answers choices by click and by Tab+Enter; only the newest message keeps them', async () => {
    const page = await openChat();
    const w = ui(page);
    await w.choice('Report a problem').click();
    await page.getByText('Please describe the problem').waitFor();
    expect(await w.choice('Ask a question').isDisabled()).toBe(true);
    expect(await shownTexts(page)).toEqual(['Hello! How can we help?', 'Report a problem', 'Please describe the problem. You can attach a screenshot.']);

    const page2 = await openChat();
    await ui(page2).choice('Ask a question').click();
    await ui(page2).choice('Signing in').waitFor();
    expect(await focusedInWidget(page2)).toBe('textarea');
    await page2.keyboard.press('Shift+Tab'); // attach button
    await page2.keyboard.press('Shift+Tab'); // the newest message's last choice
    expect(await focusedInWidget(page2)).toBe('button choice');
    await page2.keyboard.press('Enter');
    await page2.getByText('an agent will help you with Signing in').waitFor();
    const v = await visitorOf(h, page2);
    expect(v.messages.filter((m) => m.from === 'customer').map((m) => m.text)).toEqual(['Ask a question', 'Signing in']);
  });

  it('sends with Enter, makes a new line with Shift+Enter, and shows HH:MM times', async () => {
    const page = await openChat();
    const w = ui(page);
    await w.textbox.type('Hello');
    await page.keyboard.press('Shift+Enter');
    await w.textbox.type('world');
    await page.keyboard.press('Enter');
    await page.locator('.msg.customer.sent').waitFor();
    expect(await w.textbox.inputValue()).toBe('');
    const v = await visitorOf(h, page);
    expect(v.messages.at(-1)).toMatchObject({ from: 'customer', text: 'Hello\nworld' });
    expect(await page.locator('.msg.customer time').textContent()).toMatch(/^\d\d:\d\d$/);
    const at = new Date(v.messages.at(-1)!.at);
    expect(await page.locator('.msg.customer time').textContent()).toBe(`${String(at.getHours()).padStart(2, '0')}:${String(at.getMinutes()).padStart(2, '0')}`);
  });

  it('shows the agent typing, labels agent messages, and counts unread ones while closed', async () => {
    const page = await openChat();
    const w = ui(page);
    const v = await visitorOf(h, page);
    h.fake.agentTyping(v.id, true);
    await w.typing.waitFor();
    expect(await w.typing.textContent()).toBe('Agent is typing…');
    h.fake.agentSays(v.id, 'Hi, I am Olga.');
    await w.typing.waitFor({ state: 'hidden' });
    expect(await page.locator('.msg.agent .who').textContent()).toBe('Agent');
    await page.keyboard.press('Escape');
    h.fake.agentSays(v.id, 'Are you still there?');
    h.fake.agentSays(v.id, 'Please check the invoice.');
    await w.badge.filter({ hasText: '2' }).waitFor();
    expect(await w.launcher.getAttribute('aria-label')).toBe('Open support chat (2 unread)');
    await w.launcher.click();
    await w.badge.waitFor({ state: 'hidden' });
    // A reload while closed does not count what was read.
    await page.keyboard.press('Escape');
    await page.reload();
    await page.locator('[role="log"] .msg', { hasText: 'invoice' }).waitFor({ state: 'attached' });
    expect(await w.badge.isHidden()).toBe(true);
    h.fake.agentSays(v.id, 'One more thing.');
    await w.badge.filter({ hasText: '1' }).waitFor();
  });

  it('offers RelayDesk.open/close/on and replays calls queued before the script loaded', async () => {
    const page = await open({ stub: '1' });
    const w = ui(page);
    await w.panel.waitFor(); // RelayDesk.q.push(['open']) ran on load
    await ui(page).choice('Report a problem').waitFor();
    await page.evaluate(() => {
      const g = globalThis as unknown as PageGlobals;
      g.received = [];
      g.stop = g.RelayDesk.on('message', (m) => g.received.push(m));
      g.RelayDesk.close();
    });
    await w.panel.waitFor({ state: 'hidden' });
    const v = await visitorOf(h, page);
    h.fake.agentSays(v.id, 'first');
    await expect.poll(() => page.evaluate(() => (globalThis as unknown as PageGlobals).received.map((m) => m.text))).toEqual(['first']);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).stop?.());
    h.fake.agentSays(v.id, 'second');
    await w.badge.filter({ hasText: '2' }).waitFor();
    expect(await page.evaluate(() => (globalThis as unknown as PageGlobals).received.length)).toBe(1);
    await page.evaluate(() => (globalThis as unknown as PageGlobals).RelayDesk.open());
    await w.panel.waitFor();
  });

  it('runs on the demo page, whose "Chat with support" button calls the queued API', async () => {
    const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
    contexts.push(context);
    const page = await context.newPage();
    await page.route(/\/widget\.js$/, async (route) => {
      await new Promise((r) => setTimeout(r, 300)); // the visitor clicks before the async script has run
      await route.continue();
    });
    await page.goto(`${h.fake.url}/`);
    await page.getByRole('button', { name: 'Chat with support' }).click();
    await ui(page).panel.waitFor();
    expect(await page.locator('[role="dialog"] h2').textContent()).toBe('Acme support');
    await page.locator('.msg.bot .choice').first().waitFor();
    await saveScreenshot(page, 'widget-demo-page');
  });

  it('identifies a logged-in user, keeps the identity over a reload, and forgets it on logout', async () => {
    const page = await openChat();
    const identify = (hash: string) =>
      page.evaluate((hash) => (globalThis as unknown as PageGlobals).RelayDesk.identify({ externalId: 'user-42', name: 'Ann', hash }), hash);
    const seen = h.fake.handshakes.length;
    await identify('forged');
    await expect.poll(() => h.fake.handshakes.slice(seen).map((a) => a.identity?.externalId ?? null)).toEqual(['user-42', null]);

    await identify(h.fake.identityHash('user-42'));
    await expect.poll(() => h.fake.visitor('id-user-42')).toBeTruthy();
    h.fake.agentSays('id-user-42', 'Hello Ann');
    await page.getByText('Hello Ann').waitFor();
    const count = h.fake.handshakes.length;
    await page.reload();
    await page.getByText('Hello Ann').waitFor();
    expect(h.fake.handshakes.slice(count).map((a) => a.identity?.externalId)).toEqual(['user-42']);
    expect(h.fake.handshakes.at(-1)?.token).toBe(h.fake.visitor('id-user-42')?.token);

    await page.evaluate(() => (globalThis as unknown as PageGlobals).RelayDesk.logout());
    await page.getByText('Hello Ann').waitFor({ state: 'detached' });
    const stored = () =>
      page.evaluate((base) => {
        const g = globalThis as unknown as PageGlobals;
        return [g.localStorage.getItem(`relaydesk:token:${base}`), g.sessionStorage.getItem(`relaydesk:identity:${base}`)];
      }, h.fake.url);
    // The panel is open, so the widget starts over as a new anonymous visitor.
    await expect.poll(async () => (await stored())[0]).not.toBeNull();
    const [token, identity] = await stored();
    expect(identity).toBeNull();
    expect(token).not.toContain(h.fake.visitor('id-user-42')?.token);
    expect(h.fake.handshakes.at(-1)?.identity).toBeUndefined();
  });

  it('speaks Russian from data-locale or navigator.language, English otherwise', async () => {
    const ru = await openChat({ locale: 'ru' });
    expect(await ui(ru).launcher.getAttribute('aria-label')).toBe('Закрыть чат');
    expect(await ui(ru).textbox.getAttribute('placeholder')).toBe('Напишите сообщение…');
    expect(await ui(ru).panel.getAttribute('aria-label')).toBe('Поддержка');
    await ui(ru).choice('Сообщить о проблеме').waitFor();
    expect(h.fake.handshakes.at(-1)?.locale).toBe('ru');

    const byBrowser = await open({}, { locale: 'ru-RU' });
    expect(await ui(byBrowser).launcher.getAttribute('aria-label')).toBe('Открыть чат поддержки');
    const en = await open({}, { locale: 'de-DE' });
    expect(await ui(en).launcher.getAttribute('aria-label')).toBe('Open support chat');
  });

  it('takes the title, accent and side from data attributes; screenshots on desktop and phone', async () => {
    const page = await openChat({ title: 'Acme Help', accent: '#0a7f5a', position: 'left' });
    const w = ui(page);
    expect(await page.locator('[role="dialog"] h2').textContent()).toBe('Acme Help');
    const box = await w.launcher.boundingBox();
    expect(box!.x).toBeLessThan(100);
    await w.choice('Report a problem').click();
    await page.getByText('Please describe the problem').waitFor();
    h.fake.agentSays((await visitorOf(h, page)).id, 'Hello, this is Olga from Acme. How can I help?');
    await page.getByText('this is Olga').waitFor();
    await saveScreenshot(page, 'widget-desktop');

    const phone = await open({}, { viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
    await ui(phone).launcher.click();
    await ui(phone).choice('Report a problem').waitFor();
    expect(await ui(phone).panel.boundingBox()).toEqual({ x: 0, y: 0, width: 375, height: 667 });
    await saveScreenshot(phone, 'widget-phone');
  });
});

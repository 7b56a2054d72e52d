/**
 * Issue 11 in Chromium against a real gateway (embedded back end), Russian
 * pages as most visitors see them:
 * - item 3: the language is a button on the greeting (and wherever the web
 *   offers New request / My requests), and it switches the language; a command
 *   typed on the web is answered with the buttons, never with "send /help";
 * - item 5: text typed at the screenshot step is kept, added to the
 *   description, and the bot says so; the summary shows it;
 * - item 4: a "Спасибо!" after the request was closed gets the bot's answer
 *   with the reopen / new request buttons in the widget, and shows live in the
 *   console (an agent signed in) on the request, which stays closed.
 * Screenshots: test/artifacts/widget-e2e-{menu,screenshot-step,after-close}-*.png
 * and console-after-close-follow-up.png.
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ENV, AgentClient } from '../console/console-client.js';
import { buildWidget, saveWidgetShot, ui } from '../widget/widget-harness.js';
import { haveChromium, saveScreenshot, serveStatic, type StaticSite } from './support/browser.js';
import { signIn } from './support/console.js';
import { buildBundles, startBrowserGateway, type BrowserGateway } from './support/gateway.js';

const DESKTOP = { viewport: { width: 1366, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };
const TYPES = ['incident', 'mass_incident', 'consultation', 'development_request'];

/** test/artifacts/widget-e2e-NAME.png: the chat panel (see saveWidgetShot). */
const shot = (page: Page, name: string) => saveWidgetShot(page, `widget-e2e-${name}`);

describe.skipIf(!haveChromium())('the web chat menu, the screenshot step and the follow-up after closing, against the real gateway', () => {
  let g: BrowserGateway;
  let site: StaticSite;
  let widgetFile: string;
  let agent: AgentClient;

  beforeAll(async () => {
    buildBundles();
    widgetFile = buildWidget();
    g = await startBrowserGateway({ env: { OUTBOX_POLL_INTERVAL: '100ms', ...ADMIN_ENV } });
    site = await serveStatic({
      '/': `<!doctype html><html lang="ru"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Acme</title></head><body><h1>Acme</h1>
<script src="${g.url}/widget.js" async data-title="Поддержка Acme" data-locale="ru"></script></body></html>`,
    });
    agent = await AgentClient.login(g.url);
  });
  afterAll(async () => {
    await site?.close();
    await g?.close();
    if (widgetFile) rmSync(dirname(widgetFile), { recursive: true, force: true });
  });

  async function visitorPage(options: BrowserContextOptions): Promise<Page> {
    const context = await g.browser.newContext({ locale: 'ru-RU', reducedMotion: 'reduce', ...options });
    context.setDefaultTimeout(10_000);
    await context.route(`${g.url}/widget.js`, (route) => route.fulfill({ path: widgetFile, contentType: 'application/javascript; charset=utf-8' }));
    const page = await context.newPage();
    page.on('pageerror', (err) => g.pageErrors.push(err.message));
    await page.goto(site.origin);
    await ui(page).launcher.click();
    await page.locator('[role="log"]:not([aria-busy="true"])').waitFor({ state: 'attached' });
    return page;
  }

  /** Bot and agent messages shown so far. */
  const incoming = (page: Page) => page.locator('[role="log"] .msg:is(.bot, .agent)');
  /** The enabled choice with this id (older messages' choices are disabled). */
  const choice = (page: Page, id: string) => page.locator(`[role="log"] .choice[data-choice="${id}"]:not([disabled])`);
  /** Ids of the enabled choices: the newest message's. */
  const liveChoices = (page: Page) =>
    page.locator('[role="log"] .choice:not([disabled])').evaluateAll((els) => els.map((el) => (el as unknown as { dataset: { choice: string } }).dataset.choice));

  /** Runs `act`, then waits for a new bot or agent message matching `pattern`; returns its text. */
  async function expectReply(page: Page, act: () => Promise<unknown>, pattern: RegExp): Promise<string> {
    const before = await incoming(page).count();
    await act();
    let text = '';
    await expect
      .poll(async () => {
        text = (await incoming(page).locator('.bubble').allTextContents()).slice(before).find((t) => pattern.test(t)) ?? '';
        return text !== '';
      }, { timeout: 15_000 })
      .toBe(true);
    return text;
  }

  const say = (page: Page, text: string, pattern: RegExp) =>
    expectReply(page, async () => {
      await ui(page).textbox.fill(text);
      await ui(page).textbox.press('Enter');
    }, pattern);

  /** Whether the element is drawn inside the chat panel's visible area. */
  async function inPanel(page: Page, id: string): Promise<boolean> {
    const box = await choice(page, id).boundingBox();
    const panel = await page.locator('[role="dialog"] .scroll').boundingBox();
    if (!box || !panel) return false;
    return box.y >= panel.y && box.y + box.height <= panel.y + panel.height + 1 && box.x >= panel.x && box.x + box.width <= panel.x + panel.width + 1;
  }

  for (const [device, options] of [
    ['desktop', DESKTOP],
    ['phone', PHONE],
  ] as const) {
    it(`offers the language as a button on the greeting, switches to it, and answers a typed command with buttons (${device})`, { timeout: 90_000 }, async () => {
      const page = await visitorPage(options);
      const step = (name: string) => shot(page, `menu-${device}-${name}`);
      await choice(page, 'menu:lang:en').waitFor();
      expect(await liveChoices(page)).toEqual([...TYPES, 'menu:lang:en']);
      expect(await choice(page, 'menu:lang:en').textContent()).toBe('English');
      expect(await choice(page, 'menu:lang:en').isVisible()).toBe(true);
      expect(await inPanel(page, 'menu:lang:en')).toBe(true);
      await step('01-greeting-language');

      const switched = await expectReply(page, () => choice(page, 'menu:lang:en').click(), /Done, I'll speak English/);
      expect(switched).toContain('Choose the request type');
      await choice(page, 'incident').waitFor();
      expect(await choice(page, 'incident').textContent()).toBe('Incident');
      expect(await liveChoices(page)).toEqual([...TYPES, 'menu:lang:ru']);
      await step('02-switched-to-english');

      // A command typed on a web page: the buttons, never another command to type; the type question stays.
      const unknown = await say(page, '/x', /I don't know the command \/x/);
      expect(unknown).toMatch(/done with the buttons\.\s*Choose the request type/);
      expect(unknown).not.toMatch(/\/help|\/new/);
      await choice(page, 'menu:new').waitFor();
      expect(await liveChoices(page)).toEqual([...TYPES, 'menu:new', 'menu:status', 'menu:lang:ru']);
      await step('03-command-typed');

      // And back to Russian from that menu.
      await expectReply(page, () => choice(page, 'menu:lang:ru').click(), /по-русски/);
      await choice(page, 'incident').waitFor();
      expect(await choice(page, 'incident').textContent()).toBe('Инцидент');
      expect(g.pageErrors).toEqual([]);
      await page.context().close();
    });
  }

  it('keeps text typed at the screenshot step, says so, and shows it in the summary (phone)', { timeout: 90_000 }, async () => {
    const page = await visitorPage(PHONE);
    const step = (name: string) => shot(page, `screenshot-step-phone-${name}`);
    await expectReply(page, () => choice(page, 'incident').click(), /тему/);
    await say(page, 'Не выгружается счёт в PDF', /Опишите/);
    await say(page, 'При нажатии «Скачать PDF» ничего не происходит, файл не появляется.', /скриншот/);
    const extra = 'Ошибка только после обновления до версии 5.2';
    const kept = await say(page, extra, /Добавил к описанию/);
    expect(kept).toContain(`Добавил к описанию: «${extra}».`);
    // Still the screenshot step: it can be skipped.
    await choice(page, 'skip').waitFor();
    await step('01-text-kept');

    const summary = await expectReply(page, () => choice(page, 'skip').click(), /Проверьте заявку/);
    expect(summary).toMatch(new RegExp(`Описание: При нажатии «Скачать PDF» ничего не происходит, файл не появляется\\.\\s*${extra.replace(/\./g, '\\.')}`));
    await choice(page, 'confirm').waitFor();
    await step('02-summary');
    const created = await expectReply(page, () => choice(page, 'confirm').click(), /SR-\d+/);
    const number = /SR-\d+/.exec(created)![0];
    const request = (await agent.get(`/api/requests/${number}`)).body as { description: string };
    expect(request.description).toBe(`При нажатии «Скачать PDF» ничего не происходит, файл не появляется.\n\n${extra}`);
    expect(g.pageErrors).toEqual([]);
    await page.context().close();
  });

  it('answers a "Спасибо!" after closing with reopen / new request, and the console shows it live on the closed request', { timeout: 120_000 }, async () => {
    const page = await visitorPage(DESKTOP);
    await expectReply(page, () => choice(page, 'incident').click(), /тему/);
    await say(page, 'Не печатает принтер', /Опишите/);
    await say(page, 'Принтер на третьем этаже не печатает с утра, перезагрузка не помогла.', /скриншот/);
    await expectReply(page, () => choice(page, 'skip').click(), /Проверьте заявку/);
    const created = await expectReply(page, () => choice(page, 'confirm').click(), /SR-\d+/);
    const number = /SR-\d+/.exec(created)![0];

    // An agent has the request open in the console.
    const consolePage = await g.open();
    await signIn(consolePage, g.url);
    await consolePage.goto(`${g.url}/console/requests/${number}`);
    const badge = consolePage.locator('.request-head [data-testid="status-badge"]');
    await badge.waitFor();

    await expectReply(page, async () => expect((await agent.post(`/api/requests/${number}/status`, { status: 'closed' })).status).toBe(200), new RegExp(`Заявка ${number} закрыта`));
    await expect.poll(() => badge.getAttribute('data-status')).toBe('closed');

    const answer = await say(page, 'Спасибо!', /Ваше сообщение добавлено к ней/);
    expect(answer).toContain(`Заявка ${number} закрыта`);
    expect(answer).toMatch(/откройте заявку снова или создайте новую/);
    await choice(page, 'reopen').waitFor();
    expect(await liveChoices(page)).toEqual(['reopen', 'menu:new', 'menu:lang:en']);
    expect(await choice(page, 'reopen').textContent()).toBe('Открыть заявку снова');
    expect(await choice(page, 'menu:new').textContent()).toBe('Новая заявка');
    await shot(page, 'after-close-desktop-01-thanks');

    // Live in the console, without a reload: filed under the request, which stays closed.
    const thanks = consolePage.locator('[data-testid="message"][data-author="customer"]', { hasText: 'Спасибо!' });
    await thanks.waitFor();
    await thanks.scrollIntoViewIfNeeded();
    expect(await badge.getAttribute('data-status')).toBe('closed');
    await saveScreenshot(consolePage, 'console-after-close-follow-up');
    const request = (await agent.get(`/api/requests/${number}`)).body as { status: string; messages: Array<{ text: string | null }> };
    expect(request.status).toBe('closed');
    expect(request.messages.map((m) => m.text)).toContain('Спасибо!');
    expect(g.pageErrors).toEqual([]);
    await page.context().close();
  });
});

/**
 * The customer's first minute (issue 11) in Chromium against a real gateway
 * (embedded back end), on a desktop and on a phone:
 * - a whole intake in the widget (greeting with the types on opening, type,
 *   subject, description, skipped screenshot, summary, submit, request number),
 *   then an agent's reply, a clarification and a solution through the console
 *   API. Every bot and agent message must show its first line in the panel at
 *   the moment it arrives;
 * - the problem written first, kept for the request, and the menu buttons;
 * - the pre-chat step (`data-prechat="true"`): name, contact, then the types.
 * A screenshot of the widget at every step goes to test/artifacts/widget-e2e-*.png.
 *
 * The page gets widget.js built from widget/src for this run (the gateway's
 * widget/dist is built only when missing, and could be older than the source).
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ENV, AgentClient } from '../console/console-client.js';
import { arrivals, dashesAtLineStart, watchArrivals } from '../widget/widget-geometry.js';
import { buildWidget, saveWidgetShot, ui } from '../widget/widget-harness.js';
import { haveChromium, serveStatic, type StaticSite } from './support/browser.js';
import { startBrowserGateway, type BrowserGateway } from './support/gateway.js';

type Locale = 'en' | 'ru';

const WORDS: Record<Locale, { problem: string; kept: string; subject: string; description: string; subjectPrompt: RegExp; descriptionPrompt: RegExp; answer: string }> = {
  en: {
    problem: 'Hello, the invoice PDF export fails',
    kept: 'The invoice PDF export fails',
    subject: 'Invoices page stays blank',
    description: 'Since this morning the invoices page shows nothing after it loads, in Firefox and in Chrome alike.',
    subjectPrompt: /subject/i,
    descriptionPrompt: /describe/i,
    answer: 'It happens for every invoice, including the ones from last year.',
  },
  ru: {
    problem: 'Здравствуйте, не выгружается счёт в PDF',
    kept: 'Не выгружается счёт в PDF',
    subject: 'Не открывается страница счетов',
    description: 'С утра страница счетов после загрузки остаётся пустой — и в Firefox, и в Chrome.',
    subjectPrompt: /тем[уа]/i,
    descriptionPrompt: /опишите/i,
    answer: 'Так со всеми счетами, в том числе с прошлогодними.',
  },
};

/** Several lines, so that each agent message is far taller than the old 80 px margin. */
const paragraph = (lead: string) =>
  `${lead}\n1. Sign out and sign in again.\n2. Clear the browser's cache for our site.\n3. Open the invoices page in a private window.\n4. If it is still blank, send us the time it happened.\nThank you for your patience while we look into it.`;

const DESKTOP = { viewport: { width: 1366, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** test/artifacts/widget-e2e-NAME.png: the chat panel (see saveWidgetShot). */
const shot = (page: Page, name: string) => saveWidgetShot(page, `widget-e2e-${name}`);

describe.skipIf(!haveChromium())("the customer's first minute in the widget, against the real gateway", () => {
  let g: BrowserGateway;
  let site: StaticSite;
  let widgetFile: string;
  let agent: AgentClient;

  beforeAll(async () => {
    widgetFile = buildWidget();
    g = await startBrowserGateway({ env: { OUTBOX_POLL_INTERVAL: '100ms', ...ADMIN_ENV } });
    site = await serveStatic({
      '/': (url) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Acme</title></head><body><h1>Acme shop</h1>
<script src="${g.url}/widget.js" async data-title="Acme support" data-locale="${url.searchParams.get('locale') ?? 'en'}"${url.searchParams.has('prechat') ? ' data-prechat="true"' : ''}></script></body></html>`,
    });
    agent = await AgentClient.login(g.url);
  });
  afterAll(async () => {
    await site?.close();
    await g?.close();
    if (widgetFile) rmSync(dirname(widgetFile), { recursive: true, force: true });
  });

  async function visitorPage(locale: Locale, options: BrowserContextOptions, query = ''): Promise<Page> {
    const context = await g.browser.newContext({ locale: locale === 'ru' ? 'ru-RU' : 'en-GB', reducedMotion: 'reduce', ...options });
    context.setDefaultTimeout(10_000);
    await context.route(`${g.url}/widget.js`, (route) => route.fulfill({ path: widgetFile, contentType: 'application/javascript; charset=utf-8' }));
    const page = await context.newPage();
    page.on('pageerror', (err) => g.pageErrors.push(err.message));
    await page.goto(`${site.origin}/?locale=${locale}${query}`);
    await ui(page).launcher.waitFor();
    return page;
  }

  /** Bot and agent messages shown so far. */
  const incoming = (page: Page) => page.locator('[role="log"] .msg:is(.bot, .agent)');
  /** The enabled choice with this id (older messages' choices are disabled). */
  const choice = (page: Page, id: string) => page.locator(`[role="log"] .choice[data-choice="${id}"]:not([disabled])`);

  /** Runs `act`, then waits for a new bot or agent message matching `pattern` (any new one without). */
  async function expectReply(page: Page, act: () => Promise<unknown>, pattern?: RegExp): Promise<string> {
    const before = await incoming(page).count();
    await act();
    let text = '';
    await expect
      .poll(async () => {
        const texts = (await incoming(page).locator('.bubble').allTextContents()).slice(before);
        text = texts.find((t) => !pattern || pattern.test(t)) ?? '';
        return text !== '';
      }, { timeout: 15_000 })
      .toBe(true);
    return text;
  }

  async function say(page: Page, text: string, pattern?: RegExp): Promise<string> {
    return expectReply(page, async () => {
      await ui(page).textbox.fill(text);
      await ui(page).textbox.press('Enter');
    }, pattern);
  }

  for (const [device, locale, options] of [
    ['desktop', 'en', DESKTOP],
    ['phone', 'ru', PHONE],
  ] as const) {
    it(`shows every bot and agent message as it arrives, through a whole intake and the agent's answers (${device}, ${locale})`, { timeout: 120_000 }, async () => {
      const words = WORDS[locale];
      const page = await visitorPage(locale, options);
      const step = (name: string) => shot(page, `intake-${device}-${name}`);
      await watchArrivals(page);
      await ui(page).launcher.click();
      // The conversation is loaded once the log is no longer busy; a gateway that greets on open has shown the types.
      await page.locator('[role="log"]:not([aria-busy="true"])').waitFor({ state: 'attached' });
      await page.locator('.root[data-status="online"]').waitFor({ state: 'attached' });
      // The greeting and the types, before the visitor did anything.
      await choice(page, 'incident').waitFor();
      expect(await incoming(page).count()).toBe(1);
      await step('01-greeting');

      await expectReply(page, () => choice(page, 'incident').click(), words.subjectPrompt);
      await step('02-type');
      await say(page, words.subject, words.descriptionPrompt);
      await step('03-subject');
      await say(page, words.description);
      await choice(page, 'skip').waitFor();
      await step('04-description');
      await expectReply(page, () => choice(page, 'skip').click());
      await choice(page, 'confirm').waitFor();
      await step('05-skip-screenshot-summary');
      const created = await expectReply(page, () => choice(page, 'confirm').click(), /SR-\d+/);
      const number = /SR-\d+/.exec(created)![0];
      await step('06-request-number');

      const post = (path: string, body: object, status: number) => async () => expect((await agent.post(`/api/requests/${number}${path}`, body)).status).toBe(status);
      await expectReply(page, post('/messages', { text: paragraph(`Hello! We are looking at ${number}. Meanwhile, please try this:`) }, 201), /We are looking/);
      await step('07-agent-reply');
      await expectReply(page, post('/status', { status: 'awaiting_customer', comment: paragraph('Which invoices does it happen with? Please also check the following:') }, 200), /Which invoices/);
      await step('08-clarification');
      await say(page, words.answer);
      await step('09-clarification-answered');
      await expectReply(page, post('/status', { status: 'solution_provided', comment: paragraph('We fixed the invoices page. If it is still blank:') }, 200), /We fixed/);
      await choice(page, 'solved').waitFor();
      expect(await choice(page, 'not_solved').count()).toBe(1);
      await step('10-solution');
      if (device === 'desktop') {
        await expectReply(page, () => choice(page, 'solved').click());
        await step('11-solved');
      } else {
        await expectReply(page, () => choice(page, 'not_solved').click());
        await step('11-not-solved');
        await expectReply(page, post('/status', { status: 'closed' }, 200), new RegExp(number));
        await step('12-closed');
      }

      const seen = await arrivals(page);
      expect(seen.filter((a) => a.from === 'agent')).toHaveLength(1);
      expect(seen.length).toBeGreaterThanOrEqual(10);
      expect(seen.filter((a) => !a.visible)).toEqual([]);
      expect(await dashesAtLineStart(page)).toEqual([]);
      expect(g.pageErrors).toEqual([]);
      await page.context().close();
    });
  }

  for (const [device, locale, options] of [
    ['desktop', 'en', DESKTOP],
    ['phone', 'ru', PHONE],
  ] as const) {
    it(`keeps the problem written first for the request, and offers menu buttons, not commands (${device}, ${locale})`, { timeout: 60_000 }, async () => {
      const words = WORDS[locale];
      const page = await visitorPage(locale, options);
      const step = (name: string) => shot(page, `problem-first-${device}-${name}`);
      await watchArrivals(page);
      await ui(page).launcher.click();
      await choice(page, 'incident').waitFor();
      // The visitor ignores the buttons and writes the problem: it is kept, and the type is asked again.
      const noted = await say(page, words.problem);
      expect(noted).toContain(words.problem.replace(/^\S+,\s*/, ''));
      await choice(page, 'incident').waitFor();
      await step('01-problem-noted');
      // Subject and description are known: the next question is the screenshot.
      await expectReply(page, () => choice(page, 'incident').click());
      await choice(page, 'skip').waitFor();
      await step('02-type');
      await expectReply(page, () => choice(page, 'skip').click());
      await choice(page, 'confirm').waitFor();
      const summary = (await incoming(page).last().locator('.bubble').textContent()) ?? '';
      expect(summary).toContain(words.kept);
      await step('03-summary');
      const created = await expectReply(page, () => choice(page, 'confirm').click(), /SR-\d+/);
      const number = /SR-\d+/.exec(created)![0];
      // The web chat offers buttons where Telegram names /new and /status.
      expect(created).not.toMatch(/\/new|\/status/);
      await choice(page, 'menu:status').waitFor();
      expect(await choice(page, 'menu:new').count()).toBe(1);
      await step('04-request-number');
      const status = await expectReply(page, () => choice(page, 'menu:status').click(), new RegExp(number));
      expect(status).toContain(words.kept);
      await step('05-my-requests');
      const request = (await agent.get(`/api/requests/${number}`)).body as { subject: string; description: string };
      expect(request).toMatchObject({ subject: words.kept });
      expect(request.description.toLowerCase()).toBe(words.kept.toLowerCase());

      expect((await arrivals(page)).filter((a) => !a.visible)).toEqual([]);
      expect(await dashesAtLineStart(page)).toEqual([]);
      expect(g.pageErrors).toEqual([]);
      await page.context().close();
    });

    it(`asks a new visitor's name and contact first with data-prechat="true" (${device}, ${locale})`, { timeout: 60_000 }, async () => {
      const page = await visitorPage(locale, options, '&prechat=1');
      const step = (name: string) => shot(page, `prechat-${device}-${name}`);
      await watchArrivals(page);
      await ui(page).launcher.click();
      await page.locator('[role="log"]:not([aria-busy="true"])').waitFor({ state: 'attached' });
      // The opening asks the name; its only button is the language.
      await expect.poll(() => incoming(page).count()).toBe(1);
      expect(await incoming(page).first().textContent()).toMatch(locale === 'ru' ? /зовут|обращаться|имя/i : /name/i);
      expect(await page.locator('[role="log"] .choice').evaluateAll((els) => els.map((el) => (el as unknown as { dataset: { choice: string } }).dataset.choice))).toEqual([
        locale === 'ru' ? 'menu:lang:en' : 'menu:lang:ru',
      ]);
      await step('01-name');
      await say(page, locale === 'ru' ? 'Ольга' : 'Olga', locale === 'ru' ? /e-mail|телефон/i : /e-mail|phone/i);
      await step('02-contact');
      await say(page, locale === 'ru' ? 'завтра' : 'tomorrow', locale === 'ru' ? /не похоже|например/i : /doesn't look like|for example/i);
      await step('03-contact-invalid');
      await say(page, 'olga@example.com');
      await choice(page, 'incident').waitFor();
      await step('04-types');
      await expectReply(page, () => choice(page, 'incident').click(), WORDS[locale].subjectPrompt);
      expect((await arrivals(page)).filter((a) => !a.visible)).toEqual([]);
      expect(g.pageErrors).toEqual([]);
      await page.context().close();
    });
  }
});

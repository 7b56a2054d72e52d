/**
 * The customer's first minute (issue 11), widget side, in Chromium against the
 * fake web chat server: the greeting shown on open, the pre-chat handshake
 * flag, agents' names, and new messages kept in view (or announced by a
 * "new message" button while the visitor reads earlier ones).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { haveChromium, saveScreenshot } from '../e2e/support/browser.js';
import { arrivals, watchArrivals } from './widget-geometry.js';
import { openHost, shownTexts, startHarness, ui, visitorOf, type Harness } from './widget-harness.js';

const DESKTOP = { viewport: { width: 1366, height: 800 } };
const PHONE = { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true };

/** A message several times taller than the widget's old 80 px "at the end" margin. */
const TALL = Array.from({ length: 14 }, (_, i) => `Line ${i + 1} of a long answer from support.`).join('\n');

describe.skipIf(!haveChromium())('the first minute in the widget (needs /usr/bin/chromium)', () => {
  let h: Harness;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h?.close());
  afterEach(async () => {
    h.fake.greeting = 'stored';
    h.fake.clearFaults();
    await Promise.all(contexts.splice(0).map((c) => c.close()));
  });

  async function open(query: Record<string, string> = {}, options: BrowserContextOptions = {}): Promise<Page> {
    const { context, page } = await openHost(h, query, options);
    contexts.push(context);
    return page;
  }

  /** Drops the connection and waits until the widget is back online; returns the new handshake. */
  async function reconnect(page: Page) {
    const seen = h.fake.handshakes.length;
    h.fake.dropConnections();
    await expect.poll(() => h.fake.handshakes.length, { timeout: 12_000 }).toBeGreaterThan(seen);
    await page.locator('.root[data-status="online"]').waitFor({ state: 'attached' });
    return h.fake.handshakes.slice(seen);
  }

  it('shows the greeting with the four request types as soon as the chat opens; id 0 is never presented as lastSeenId', async () => {
    h.fake.greeting = 'on-open';
    const page = await open({ locale: 'ru' });
    const w = ui(page);
    await w.launcher.click();
    // Nothing was sent: the greeting and its buttons come with the history.
    await page.locator('.msg.bot[data-id="0"]').waitFor();
    expect(await page.locator('[role="log"] .choice:not([disabled])').allTextContents()).toEqual(['Инцидент', 'Массовый инцидент', 'Консультация', 'Запрос на доработку']);
    expect(h.fake.received).toHaveLength(0);
    await saveScreenshot(page, 'widget-greeting-on-open');

    // A reconnect before anything is stored presents no lastSeenId, and the greeting stays once.
    expect((await reconnect(page)).map((a) => a.lastSeenId ?? null)).toEqual([null]);
    expect(await page.locator('.msg[data-id="0"]').count()).toBe(1);

    // Its choices work like any other. The first message is stored (the greeting with it) but neither
    // its echo nor its ack arrive, so the widget reconnects without a lastSeenId and gets the stored
    // history, whose greeting replaces id 0.
    h.fake.faults.drop = 'after-store-unseen';
    const before = h.fake.handshakes.length;
    await w.choice('Консультация').click();
    await expect.poll(() => h.fake.handshakes.length, { timeout: 12_000 }).toBeGreaterThan(before);
    await page.locator('.msg.customer.sent').waitFor();
    const v = await visitorOf(h, page);
    expect(h.fake.received.at(-1)).toMatchObject({ choiceId: 'consultation', text: 'Консультация' });
    expect(h.fake.handshakes.slice(before).map((a) => a.lastSeenId ?? null)).toEqual([null]);
    const shownIds = () => page.locator('[role="log"] .msg').evaluateAll((els) => els.map((el) => el.getAttribute('data-id')));
    await expect.poll(shownIds).toEqual(v.messages.map((m) => m.id));
    expect(await shownTexts(page)).toEqual(v.messages.map((m) => m.text));

    // With something stored, a reconnect presents the newest stored id.
    expect((await reconnect(page)).map((a) => a.lastSeenId)).toEqual([v.messages.at(-1)!.id]);
    await page.reload();
    await page.locator('.msg.customer').waitFor();
    expect(await shownIds()).toEqual(v.messages.map((m) => m.id));
  });

  it('sends auth.prechat when the script tag has data-prechat="true", and not otherwise', async () => {
    for (const [attr, expected] of [['true', true], ['false', undefined], [null, undefined]] as const) {
      const page = await open(attr === null ? {} : { prechat: attr });
      const seen = h.fake.handshakes.length;
      await ui(page).launcher.click();
      await page.locator('.msg.bot').first().waitFor();
      expect(h.fake.handshakes.slice(seen).map((a) => a.prechat)).toEqual([expected]);
    }
  });

  it("labels an agent's message with the agent's name when the server gives one", async () => {
    for (const [locale, generic] of [['en', 'Agent'], ['ru', 'Оператор']] as const) {
      const page = await open({ locale });
      await ui(page).launcher.click();
      await page.locator('.msg.bot').first().waitFor();
      const v = await visitorOf(h, page);
      h.fake.agentSays(v.id, 'Hello, I am looking at it.', 'Olga Petrova');
      h.fake.agentSays(v.id, 'A colleague without a name.');
      await page.getByText('A colleague without a name.').waitFor();
      expect(await page.locator('.msg.agent .who').allTextContents()).toEqual(['Olga Petrova', generic]);
      if (locale === 'ru') await saveScreenshot(page, 'widget-agent-name');
    }
  });

  for (const [device, options, locale, pill] of [
    ['desktop', DESKTOP, 'en', 'New message ↓'],
    ['phone', PHONE, 'ru', 'Новое сообщение ↓'],
  ] as const) {
    it(`keeps each new message's first line in view, or offers "${pill}" while the visitor reads history (${device})`, async () => {
      const page = await open({ locale }, options);
      const w = ui(page);
      await w.launcher.click();
      await page.locator('.msg.bot .choice').first().waitFor();
      const v = await visitorOf(h, page);
      await watchArrivals(page);
      for (let i = 1; i <= 3; i++) {
        h.fake.agentSays(v.id, `${i}. ${TALL}`);
        await page.locator('.msg.agent').nth(i - 1).waitFor();
      }
      h.fake.botSays(v.id, { text: `${TALL}\nPlease check your request.`, choices: [{ id: 'confirm', label: 'Submit' }, { id: 'edit', label: 'Edit' }, { id: 'cancel', label: 'Cancel' }] });
      await page.locator('.msg.bot .choice[data-choice="confirm"]').waitFor();
      expect((await arrivals(page)).map((a) => [a.text.slice(0, 12), a.visible])).toEqual([
        ['1. Line 1 of', true],
        ['2. Line 1 of', true],
        ['3. Line 1 of', true],
        ['Line 1 of a ', true],
      ]);
      await saveScreenshot(page, `widget-tall-message-${device}`);

      // The visitor scrolls up to read: a new message does not move the view, the button says so.
      const scrollTop = () => w.scroller.evaluate((el) => el.scrollTop);
      const bottom = await scrollTop();
      await w.scroller.hover();
      await page.mouse.wheel(0, -600);
      await expect.poll(scrollTop).toBeLessThan(bottom - 300);
      const top = await scrollTop();
      h.fake.agentSays(v.id, `While you were reading. ${TALL}`);
      await w.pill.waitFor();
      expect(await w.pill.textContent()).toBe(pill);
      const last = (await arrivals(page)).at(-1)!;
      expect([last.text.slice(0, 10), last.visible, last.scrollTop]).toEqual(['While you ', false, top]);
      await saveScreenshot(page, `widget-new-message-pill-${device}`);
      await w.pill.click();
      await w.pill.waitFor({ state: 'hidden' });
      const reading = page.locator('.msg.agent', { hasText: 'While you were reading' }).locator('.bubble');
      const [bubble, view] = await Promise.all([reading.boundingBox(), w.scroller.boundingBox()]);
      expect(bubble!.y).toBeGreaterThanOrEqual(view!.y);
      expect(bubble!.y + 20).toBeLessThanOrEqual(view!.y + view!.height);

      // Back at the newest message, the next one is followed again.
      h.fake.agentSays(v.id, `After the button. ${TALL}`);
      await page.getByText('After the button.', { exact: false }).waitFor();
      expect((await arrivals(page)).at(-1)).toMatchObject({ visible: true });
      expect(await w.pill.isHidden()).toBe(true);
    });
  }
});

/**
 * Issue 11, drafts, in a real Chromium against a real gateway: agents see
 * the intakes in progress live (what the customer has given so far, the step
 * the bot waits on, the conversation), and one takes an intake over: the
 * request is made from it, assigned to them and opened, and the customer is
 * told an agent joined. An intake that ended meanwhile is said to have ended.
 */
import type { Route } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, saveScreenshot } from './support/browser.js';
import { signInInEnglish, startDesk, type Desk } from './support/desk.js';

describe.skipIf(!haveChromium())('the Drafts page', () => {
  let desk: Desk;
  let gateway: string;

  beforeAll(async () => {
    desk = await startDesk();
    gateway = desk.url;
  });
  afterAll(() => desk?.close());

  /** A customer of the test channel answers the bot, one step at a time, each answered. */
  const step = async (who: string, content: Parameters<Desk['channel']['say']>[1]) => {
    const before = desk.channel.textsTo(who).length;
    await desk.channel.say(who, content);
    await desk.channel.waitFor(who, before + 1);
  };

  it('shows intakes in progress live, and takes one over into a request assigned to the agent', async () => {
    const page = await desk.g.open();
    await signInInEnglish(page, gateway);
    await page.getByTestId('nav-drafts').click();
    await expect.poll(() => page.url()).toBe(`${gateway}/console/drafts`);
    await page.getByTestId('drafts-empty').waitFor();
    expect(await page.title()).toMatch(/Drafts · RelayDesk$/);

    await step('draft-1', { text: 'Hello', displayName: 'Irina' });
    await step('draft-1', { choiceId: 'incident' });
    const card = page.locator('[data-testid="draft"]').filter({ hasText: 'Irina' });
    await expect.poll(() => card.getByTestId('draft-step').getAttribute('data-step')).toBe('subject');
    expect(await card.getByTestId('draft-type').textContent()).toBe('Incident');
    expect(await card.getByTestId('draft-subject').textContent()).toBe('not given yet');

    await step('draft-1', { text: 'VPN drops every hour' });
    await expect.poll(() => card.getByTestId('draft-step').textContent()).toBe('the description');
    expect(await card.getByTestId('draft-subject').textContent()).toBe('VPN drops every hour');
    const conversation = card.getByTestId('draft-conversation');
    expect(await conversation.textContent()).toContain('VPN drops every hour');
    // The customer's button press reads as the button they pressed, not an empty bubble.
    expect(await conversation.getByTestId('pressed').allTextContents()).toEqual(['Инцидент']);
    // Scrolled to where the intake stands: the bot's latest question in view.
    const unseen = () => conversation.evaluate((el) => {
      const box = el as unknown as { scrollHeight: number; scrollTop: number; clientHeight: number };
      return box.scrollHeight - box.scrollTop - box.clientHeight;
    });
    await expect.poll(async () => (await unseen()) <= 1).toBe(true);
    await saveScreenshot(page, 'console-drafts-live');
    await page.getByTestId('language-switch').selectOption('ru');
    await expect.poll(() => card.getByTestId('draft-step').textContent()).toBe('описание');
    await page.getByTestId('language-switch').selectOption('en');

    // Taken over: the request opens, assigned to the agent, and the customer hears of it.
    const told = desk.channel.textsTo('draft-1').length;
    await card.getByTestId('draft-take-over').click();
    await page.getByTestId('request-view').waitFor();
    const number = (await page.getByTestId('request-number').textContent()) ?? '';
    expect(number).toMatch(/^SR-\d+$/);
    expect(page.url()).toBe(`${gateway}/console/requests/${number}`);
    expect(await page.getByTestId('request-subject').textContent()).toBe('VPN drops every hour');
    await expect.poll(() => page.getByTestId('request-assignee').textContent()).toBe('Admin');
    await desk.channel.waitFor('draft-1', told + 1);

    await page.getByTestId('nav-drafts').click();
    await page.getByTestId('drafts-empty').waitFor();
    expect(desk.g.pageErrors).toEqual([]);
  });

  it('says so when the intake ended before the take-over', async () => {
    const page = await desk.g.open();
    await signInInEnglish(page, gateway);
    await step('draft-2', { text: 'Hello', displayName: 'Semyon' });
    await page.goto(`${gateway}/console/drafts`);
    const card = page.locator('[data-testid="draft"]').filter({ hasText: 'Semyon' });
    await card.waitFor();

    // The list does not learn of the end in time: its loads are held back until the take-over was refused.
    const held: Route[] = [];
    await page.route('**/api/drafts', (route) => {
      held.push(route);
    });
    await step('draft-2', { text: '/cancel' });
    await expect.poll(() => held.length).toBeGreaterThan(0);
    await card.getByTestId('draft-take-over').click();
    await expect.poll(() => page.getByTestId('notice').locator('span').allTextContents()).toContain('This intake ended meanwhile.');
    await card.waitFor({ state: 'detached' });
    for (const route of held) await route.continue();
    await page.unroute('**/api/drafts');
    await page.getByTestId('drafts-empty').waitFor();
    expect(desk.g.pageErrors).toEqual([]);
  });
});

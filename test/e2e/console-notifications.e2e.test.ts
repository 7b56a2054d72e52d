/**
 * Issue 11, notifications, in a real Chromium against a real gateway: the
 * console asks for the browser's permission only from its button (the browser
 * context grants it), then shows a notification for a new request and for a
 * customer's message in a request assigned to the agent, never for the
 * agent's own replies nor for a request open in a visible tab; clicking one
 * opens the request. A sound, chosen per browser, plays for the same.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickNotification, notesPlayed, permissionRequests, setHidden, shown, watchAlerts } from './support/alerts.js';
import { haveChromium, saveScreenshot } from './support/browser.js';
import { fileTestRequest, rowOf, signInInEnglish, startDesk, type Desk } from './support/desk.js';

describe.skipIf(!haveChromium())('the console’s notifications', () => {
  let desk: Desk;
  let gateway: string;

  beforeAll(async () => {
    desk = await startDesk();
    gateway = desk.url;
  });
  afterAll(() => desk?.close());

  /** A signed-in admin whose page records notifications and sounds. */
  async function watchedConsole(): Promise<Page> {
    const page = await desk.g.open();
    await watchAlerts(page);
    await signInInEnglish(page, gateway);
    return page;
  }
  const titles = async (page: Page) => (await shown(page)).map((n) => n.title);
  const bodiesOf = async (page: Page, number: string) => (await shown(page)).filter((n) => n.tag === `relaydesk:${number}`).map((n) => n.body);
  const say = (who: string, text: string) => desk.channel.say(who, { text });

  it('asks for the permission from its button only, then tells of new requests and of customer messages in the agent’s requests', async () => {
    const page = await watchedConsole();
    await page.getByTestId('whoami').click();
    await page.getByTestId('account-page').waitFor();
    const permission = page.getByTestId('notify-permission');
    expect(await permission.getAttribute('data-permission')).toBe('default');
    expect(await permissionRequests(page)).toBe(0);

    await page.context().grantPermissions(['notifications'], { origin: gateway });
    await page.getByTestId('notify-ask').click();
    await expect.poll(() => permission.getAttribute('data-permission')).toBe('granted');
    expect(await permissionRequests(page)).toBe(1);
    expect(await page.getByTestId('notify-show').isChecked()).toBe(true);
    await saveScreenshot(page, 'console-notifications');

    // A new request: told, with its subject and customer.
    await page.getByTestId('nav-requests').click();
    const mine = await fileTestRequest(desk.channel, 'alert-mine', { subject: 'Mail is down', displayName: 'Olga' });
    await expect.poll(() => titles(page)).toContain(`New request ${mine}`);
    expect((await shown(page)).find((n) => n.title === `New request ${mine}`)?.body).toBe('Mail is down\nOlga');

    // Assigned to the agent: a customer message is told, the agent's own reply is not.
    expect((await desk.admin.post(`/api/requests/${mine}/assign`, { agentId: desk.admin.agentId })).status).toBe(200);
    await say('alert-mine', 'Still nothing in the inbox.');
    await expect.poll(() => bodiesOf(page, mine)).toContain('Olga: Still nothing in the inbox.');
    expect((await shown(page)).find((n) => n.body === 'Olga: Still nothing in the inbox.')?.title).toBe(`New message in ${mine}`);
    expect((await desk.admin.post(`/api/requests/${mine}/messages`, { text: 'We are on it.' })).status).toBe(201);

    // Not assigned to the agent: a message there is not told.
    const theirs = await fileTestRequest(desk.channel, 'alert-theirs', { subject: 'Printer jam', displayName: 'Pavel' });
    await expect.poll(() => titles(page)).toContain(`New request ${theirs}`);
    const unread = Number(await rowOf(page, theirs).getAttribute('data-unread'));
    await say('alert-theirs', 'Paper everywhere.');
    await expect.poll(() => rowOf(page, theirs).getAttribute('data-unread')).toBe(String(unread + 1));

    // Open in a visible tab: the agent reads it there, no notification; hidden, told again.
    await rowOf(page, mine).click();
    await page.getByTestId('request-view').waitFor();
    await say('alert-mine', 'Seen while open.');
    await expect.poll(() => page.getByTestId('message').last().textContent()).toContain('Seen while open.');
    await setHidden(page, true);
    await say('alert-mine', 'Told while hidden.');
    await expect.poll(() => bodiesOf(page, mine)).toContain('Olga: Told while hidden.');
    await setHidden(page, false);
    // Events of one customer arrive in order: by now every earlier one was handled.
    expect(await bodiesOf(page, mine)).toEqual(['Mail is down\nOlga', 'Olga: Still nothing in the inbox.', 'Olga: Told while hidden.']);
    expect(await bodiesOf(page, theirs)).toEqual(['Printer jam\nPavel']);
    expect((await shown(page)).every((n) => !n.body.includes('We are on it.'))).toBe(true);

    // Clicking a notification opens its request.
    const index = (await shown(page)).findIndex((n) => n.title === `New request ${theirs}`);
    await clickNotification(page, index);
    await expect.poll(() => page.url()).toBe(`${gateway}/console/requests/${theirs}`);
    await page.locator(`[data-testid="request-view"][data-number="${theirs}"]`).waitFor();
    expect(await notesPlayed(page)).toBe(0);
    expect(desk.g.pageErrors).toEqual([]);
  });

  it('plays a sound when the agent chose it in this browser, and stays quiet otherwise', async () => {
    const page = await watchedConsole();
    await page.context().grantPermissions(['notifications'], { origin: gateway });
    await page.goto(`${gateway}/console/account`);
    const sound = page.getByTestId('notify-sound');
    await sound.waitFor();
    expect(await sound.isChecked()).toBe(false);
    await sound.check();
    // The sample played on ticking it.
    await expect.poll(() => notesPlayed(page)).toBeGreaterThan(0);

    // Kept in this browser: after a reload still on, and nothing asked on load.
    await page.reload();
    await expect.poll(() => sound.isChecked()).toBe(true);
    expect(await permissionRequests(page)).toBe(0);
    expect(await page.getByTestId('notify-permission').getAttribute('data-permission')).toBe('granted');
    expect(await notesPlayed(page)).toBe(0);
    const first = await fileTestRequest(desk.channel, 'sound-1', { subject: 'Chime' });
    await expect.poll(() => titles(page)).toContain(`New request ${first}`);
    await expect.poll(() => notesPlayed(page)).toBeGreaterThan(0);

    // Sound off: the next request is told without it; notifications off: by the chime alone.
    await sound.uncheck();
    const played = await notesPlayed(page);
    const second = await fileTestRequest(desk.channel, 'sound-2', { subject: 'Quiet' });
    await expect.poll(() => titles(page)).toContain(`New request ${second}`);
    expect(await notesPlayed(page)).toBe(played);
    await page.getByTestId('notify-show').uncheck();
    await sound.check();
    const withSound = await notesPlayed(page);
    const third = await fileTestRequest(desk.channel, 'sound-3', { subject: 'Only the chime' });
    await expect.poll(() => notesPlayed(page)).toBeGreaterThan(withSound);
    expect(await titles(page)).not.toContain(`New request ${third}`);

    // In Russian too.
    await page.getByTestId('language-switch').selectOption('ru');
    await expect.poll(() => page.getByTestId('notify-sound').locator('xpath=..').textContent()).toBe('Подавать звуковой сигнал');
    await page.getByTestId('notify-show').check();
    const fourth = await fileTestRequest(desk.channel, 'sound-4', { subject: 'По-русски' });
    await expect.poll(() => titles(page)).toContain(`Новое обращение ${fourth}`);
    await page.getByTestId('language-switch').selectOption('en');
    expect(desk.g.pageErrors).toEqual([]);
  });
});

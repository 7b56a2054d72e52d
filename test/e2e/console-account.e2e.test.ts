/**
 * Issue 11, "My account" and presence, in a real Chromium against a real
 * gateway: an agent changes their password (a wrong current one is refused,
 * their other consoles are signed out), has the console in each browser's
 * language until they choose one, which their account then keeps (it wins
 * over the browser's in any browser they sign in on), and says whether they
 * are online or away, which other agents see live in the assignee menu,
 * offline once their last console closes.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient } from '../console/console-client.js';
import { haveChromium, saveScreenshot } from './support/browser.js';
import { signIn } from './support/console.js';
import { fileTestRequest, signInInEnglish, startDesk, type Desk } from './support/desk.js';

describe.skipIf(!haveChromium())('My account and presence', () => {
  let desk: Desk;
  let gateway: string;

  beforeAll(async () => {
    desk = await startDesk();
    gateway = desk.url;
  });
  afterAll(() => desk?.close());

  const openAccount = async (page: Page) => {
    await page.getByTestId('whoami').click();
    await page.getByTestId('account-page').waitFor();
  };

  it('changes the password after checking the current one, and signs the agent’s other consoles out', async () => {
    const nina = await desk.addAgent('Nina');
    // Tall enough for the whole page in its screenshot.
    const here = await desk.g.open({ width: 1280, height: 1000 });
    const there = await desk.g.open();
    await signInInEnglish(here, gateway, nina);
    await signInInEnglish(there, gateway, nina);
    await openAccount(here);
    const error = here.getByTestId('password-error');

    await here.getByTestId('password-current').fill('not-my-password');
    await here.getByTestId('password-new').fill('nina-new-password-2');
    await here.getByTestId('password-again').fill('nina-new-password-2');
    await here.getByTestId('password-submit').click();
    await expect.poll(() => error.textContent()).toBe('The current password is wrong.');
    await saveScreenshot(here, 'console-account');
    await here.getByTestId('password-current').fill(nina.password);
    await here.getByTestId('password-again').fill('nina-new-password-3');
    await here.getByTestId('password-submit').click();
    await expect.poll(() => error.textContent()).toBe('The two new passwords differ.');
    await here.getByTestId('password-again').fill('nina-new-password-2');
    await here.getByTestId('password-submit').click();
    await expect.poll(() => here.getByTestId('notice').locator('span').allTextContents()).toContain('Password changed. Your other sessions were signed out.');
    expect(await here.getByTestId('password-current').inputValue()).toBe('');

    // The other console is signed out; this one goes on.
    await there.getByTestId('login-form').waitFor();
    await here.reload();
    await here.getByTestId('account-page').waitFor();
    await expect(AgentClient.login(gateway, { email: nina.email, password: nina.password })).rejects.toThrow(/401/);
    await signIn(there, gateway, { email: nina.email, password: 'nina-new-password-2' });
    expect(desk.g.pageErrors).toEqual([]);
  });

  it('follows each browser’s language until the agent chooses one, then the account’s in every browser', async () => {
    const olga = await desk.addAgent('Olga');
    const olgaApi = await AgentClient.login(gateway, olga);
    const accountLocale = async () => (await olgaApi.get('/api/auth/me')).body.agent.locale as string | null;
    const navText = (page: Page) => page.getByTestId('nav-requests').textContent();

    // Never chosen: an English browser gets English, a Russian one Russian, and the account stays without.
    const first = await desk.g.open();
    await signIn(first, gateway, olga);
    await expect.poll(() => navText(first)).toBe('Requests');
    const russian = await desk.g.browser.newContext({ locale: 'ru-RU', reducedMotion: 'reduce' });
    const ru = await russian.newPage();
    await signIn(ru, gateway, olga);
    await expect.poll(() => navText(ru)).toBe('Обращения');
    expect(await accountLocale()).toBeNull();

    // Chosen on My account: kept with the account.
    await openAccount(first);
    expect(await first.getByTestId('account-locale-hint').textContent()).toMatch(/^Not chosen yet: the console follows each browser’s language/);
    await first.getByTestId('account-locale').selectOption('ru');
    await expect.poll(() => navText(first)).toBe('Обращения');
    await expect.poll(accountLocale).toBe('ru');
    await expect.poll(() => first.getByTestId('account-locale-hint').textContent()).toMatch(/^Хранится в вашем профиле/);

    // Another English browser: the account's Russian wins, from the sign-in on.
    const second = await desk.g.open();
    await signIn(second, gateway, olga);
    await expect.poll(() => navText(second)).toBe('Обращения');
    expect(await second.getByTestId('language-switch').inputValue()).toBe('ru');
    // Switched from the top bar: kept with the account too, and the Russian browser follows the account.
    await second.getByTestId('language-switch').selectOption('en');
    await expect.poll(accountLocale).toBe('en');
    await ru.reload();
    await expect.poll(() => navText(ru)).toBe('Requests');
    await russian.close();
    expect(desk.g.pageErrors).toEqual([]);
  });

  it('lets an agent say they are away, which the others see live in the assignee menu, and offline once they leave', async () => {
    const pavel = await desk.addAgent('Pavel');
    const number = await fileTestRequest(desk.channel, 'presence', { subject: 'Who is here?' });
    const admin = await desk.g.open();
    await signInInEnglish(admin, gateway);
    await admin.goto(`${gateway}/console/requests/${number}`);
    const option = admin.locator(`[data-testid="assignee-option"][data-agent="${pavel.id}"]`);
    const menu = admin.getByTestId('request-assignee');
    // Pavel has no console open yet.
    await menu.click();
    await expect.poll(() => option.getAttribute('data-presence')).toBe('offline');
    await admin.keyboard.press('Escape');

    const page = await desk.g.open();
    await signInInEnglish(page, gateway, pavel);
    const mine = page.locator('.account-link [data-presence]');
    await expect.poll(() => mine.getAttribute('data-presence')).toBe('online');
    await menu.click();
    await expect.poll(() => option.getAttribute('data-presence')).toBe('online');

    await openAccount(page);
    await page.getByTestId('presence-away').check();
    await expect.poll(() => mine.getAttribute('data-presence')).toBe('away');
    // Live, while the menu is open.
    await expect.poll(() => option.getAttribute('data-presence')).toBe('away');
    expect(await option.getAttribute('aria-label')).toBe('Pavel, Away');
    await saveScreenshot(admin, 'console-account-presence-menu');
    await admin.keyboard.press('Escape');

    // Kept: after a reload still away.
    await page.reload();
    await expect.poll(() => page.getByTestId('presence-away').isChecked()).toBe(true);
    await page.getByTestId('presence-online').check();
    await menu.click();
    await expect.poll(() => option.getAttribute('data-presence')).toBe('online');
    await admin.keyboard.press('Escape');

    // The last console closes: offline.
    await page.close();
    await menu.click();
    await expect.poll(() => option.getAttribute('data-presence')).toBe('offline');
    expect(desk.g.pageErrors).toEqual([]);
  });
});

/**
 * Issue 11, "the agent's first day", in the console, in a real browser against
 * a real gateway: the request list drops a request live once it leaves the
 * filter; screenshots show whole; the buttons the bot offered read as a
 * record; the assignee filter is labelled; the clarification dialog says
 * "клиенту" once; the customer's language, e-mail and phone show (linked and
 * copyable); the Channels page says which channels the gateway runs (Telegram
 * not configured, rather than "works on its own"); admins switch the desk's
 * settings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveChromium, saveScreenshot } from './support/browser.js';
import { fileTestRequest, listedNumbers, rowOf, signInInEnglish, startDesk, type Desk } from './support/desk.js';
import { colourName, coloursAt, stripesPng } from './support/pixels.js';

describe.skipIf(!haveChromium())('the console on an agent’s first day', () => {
  let desk: Desk;
  let gateway: string;
  const open = (viewport?: { width: number; height: number }) => desk.g.open(viewport);

  beforeAll(async () => {
    desk = await startDesk();
    gateway = desk.url;
  });
  afterAll(() => desk?.close());

  it('drops a request from the list live once it no longer matches the filter', async () => {
    const page = await open();
    await signInInEnglish(page, gateway);
    const a = await fileTestRequest(desk.channel, 'list-a', { subject: 'Closes while listed' });
    const b = await fileTestRequest(desk.channel, 'list-b', { subject: 'Assigned, then not' });
    await rowOf(page, a).waitFor();
    await rowOf(page, b).waitFor();

    // The "Open" tab: closed elsewhere (here through the API), the row goes without a reload.
    expect((await desk.admin.post(`/api/requests/${a}/status`, { status: 'closed' })).status).toBe(200);
    await rowOf(page, a).waitFor({ state: 'detached' });
    expect(await listedNumbers(page)).toContain(b);

    // Waiting for the customer: the row goes on the "Open" tab, comes on the "Awaiting customer" one.
    await page.getByTestId('filter-status-awaiting_customer').click();
    await expect.poll(() => listedNumbers(page)).not.toContain(b);
    expect((await desk.admin.post(`/api/requests/${b}/status`, { status: 'awaiting_customer', comment: 'Which printer?' })).status).toBe(200);
    await rowOf(page, b).waitFor();
    await desk.channel.say('list-b', { text: 'The one on the 3rd floor.' });
    await rowOf(page, b).waitFor({ state: 'detached' });

    // Assigned to me: listed under "Me"; unassigned, gone.
    await page.getByTestId('filter-status-all').click();
    await page.getByTestId('filter-assignee').selectOption('me');
    await expect.poll(() => listedNumbers(page)).not.toContain(b);
    expect((await desk.admin.post(`/api/requests/${b}/assign`, { agentId: desk.admin.agentId })).status).toBe(200);
    await rowOf(page, b).waitFor();
    expect((await desk.admin.post(`/api/requests/${b}/assign`, { agentId: null })).status).toBe(200);
    await rowOf(page, b).waitFor({ state: 'detached' });
    expect(desk.g.pageErrors).toEqual([]);
  });

  it('shows a screenshot whole in its thumbnail, and the buttons the bot offered as a record', async () => {
    const page = await open();
    // Wide, with a red and a blue edge: a cropped thumbnail shows only the green middle.
    const wide = await stripesPng(page, 600, 100, ['#ff0000', '#00a000', '#0000ff']);
    const number = await fileTestRequest(desk.channel, 'shots', { subject: 'Wide screenshot', screenshot: wide });
    await signInInEnglish(page, gateway);
    await page.goto(`${gateway}/console/requests/${number}`);
    const thumb = page.locator('.description [data-testid="attachment-thumb"] img');
    await expect.poll(() => thumb.evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(600);
    const [left, middle, right] = (await coloursAt(thumb, [[0.03, 0.5], [0.5, 0.5], [0.97, 0.5]])).map(colourName);
    expect({ left, middle, right }).toEqual({ left: 'red', middle: 'green', right: 'blue' });

    // The intake's choices: said to be what was offered, drawn as plain text rather than as buttons.
    const offered = page.getByTestId('choices').first();
    await offered.waitFor();
    expect(await offered.getByTestId('choices-label').textContent()).toBe('Buttons offered:');
    expect(await offered.getByTestId('choices-label').isVisible()).toBe(true);
    const chip = await offered.locator('li').first().evaluate((li) => {
      const s = (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(li);
      return { border: s.borderTopStyle, cursor: s.cursor, background: s.backgroundColor };
    });
    expect(chip).toEqual({ border: 'none', cursor: 'auto', background: 'rgba(0, 0, 0, 0)' });
    await offered.scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'console-request-thumbnail-choices');
    expect(desk.g.pageErrors).toEqual([]);
  });

  it('labels the assignee filter, and asks a clarification naming the customer once, in Russian', async () => {
    const page = await open();
    const number = await fileTestRequest(desk.channel, 'words', { subject: 'Labels' });
    await signInInEnglish(page, gateway);
    const labelOf = (testId: string) =>
      page.getByTestId(testId).evaluate((el) => {
        const labels = [...((el as unknown as { labels: Iterable<{ textContent: string; offsetWidth: number }> }).labels ?? [])];
        return labels.filter((l) => l.offsetWidth > 0).map((l) => l.textContent.trim());
      });
    expect(await labelOf('filter-assignee')).toEqual(['Assignee']);
    expect(await labelOf('filter-type')).toEqual(['Type']);
    expect(await labelOf('filter-channel')).toEqual(['Channel']);

    await page.getByTestId('language-switch').selectOption('ru');
    await expect.poll(() => labelOf('filter-assignee')).toEqual(['Исполнитель']);
    await page.goto(`${gateway}/console/requests/${number}`);
    await page.getByTestId('action-clarify').click();
    const dialog = page.getByTestId('prompt-awaiting_customer');
    await dialog.waitFor();
    const said = (await dialog.textContent()) ?? '';
    expect(said.match(/клиенту/g)?.length ?? 0).toBe(1);
    expect(await dialog.locator('label').textContent()).toBe('Вопрос (его получит клиент)');
    await saveScreenshot(page, 'console-clarify-ru');
    await page.keyboard.press('Escape');
    await page.getByTestId('language-switch').selectOption('en');
    await page.getByTestId('action-clarify').click();
    expect(await page.getByTestId('prompt-awaiting_customer').locator('label').textContent()).toBe('Question (the customer gets it)');
    expect(desk.g.pageErrors).toEqual([]);
  });

  it('shows the customer’s language, e-mail and phone, linked and copyable, and the contact in the list', async () => {
    const page = await open();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: gateway });
    const withContacts = await fileTestRequest(desk.channel, 'contacts', { subject: 'Call me back', displayName: 'Maria Petrova', locale: 'en' });
    const without = await fileTestRequest(desk.channel, 'no-contacts', { subject: 'No contacts', displayName: 'Ivan', locale: 'ru' });
    await desk.g.app.db.prisma.customer.updateMany({ where: { externalId: 'contacts' }, data: { email: 'maria@example.com', phone: '+79001234567' } });
    await signInInEnglish(page, gateway);

    await page.goto(`${gateway}/console/requests/${withContacts}`);
    const email = page.getByTestId('customer-email');
    const phone = page.getByTestId('customer-phone');
    await email.waitFor();
    expect(await page.getByTestId('customer-locale').textContent()).toBe('English');
    expect({ text: await email.textContent(), href: await email.getAttribute('href') }).toEqual({ text: 'maria@example.com', href: 'mailto:maria@example.com' });
    expect({ text: await phone.textContent(), href: await phone.getAttribute('href') }).toEqual({ text: '+79001234567', href: 'tel:+79001234567' });
    const clipboard = () => page.evaluate(() => (globalThis as unknown as { navigator: { clipboard: { readText(): Promise<string> } } }).navigator.clipboard.readText());
    await page.getByTestId('copy-email').click();
    await expect.poll(clipboard).toBe('maria@example.com');
    await expect.poll(() => page.getByTestId('notice').locator('span').allTextContents()).toContain('Copied: maria@example.com');
    await page.getByTestId('copy-phone').click();
    await expect.poll(clipboard).toBe('+79001234567');
    expect(await page.getByTestId('copy-email').getAttribute('aria-label')).toBe('Copy the e-mail');
    expect(await rowOf(page, withContacts).getByTestId('row-contact').textContent()).toBe('maria@example.com');
    await saveScreenshot(page, 'console-customer-contacts');

    await page.goto(`${gateway}/console/requests/${without}`);
    await expect.poll(() => page.getByTestId('customer-locale').textContent()).toBe('Russian');
    expect(await page.getByTestId('customer-email').count()).toBe(0);
    expect(await rowOf(page, without).getByTestId('row-contact').count()).toBe(0);
    await page.getByTestId('language-switch').selectOption('ru');
    await expect.poll(() => page.getByTestId('customer-locale').textContent()).toBe('русский');
    expect(desk.g.pageErrors).toEqual([]);
  });

  it('says on the Channels page which channels this gateway runs: Telegram not configured, and nothing claimed of it', async () => {
    const page = await open();
    await signInInEnglish(page, gateway);
    await page.getByTestId('nav-channels').click();
    const card = (name: string) => page.locator(`[data-testid="channel-setup"][data-channel="${name}"]`);
    await card('telegram').waitFor();
    const facts = (name: string) =>
      Promise.all([card(name).getAttribute('data-configured'), card(name).getByTestId('channel-setup-state').textContent(), card(name).getByTestId('channel-setup-hint').textContent()]);
    expect(await facts('webchat')).toEqual(['true', 'On', 'The chat widget on your site talks to this gateway. It has no connection of its own to watch.']);
    expect(await facts('telegram')).toEqual([
      'false',
      'Not configured',
      'No bot token is set. To answer customers on Telegram, set TELEGRAM_BOT_TOKEN (from @BotFather) and restart the gateway.',
    ]);
    expect((await facts('whatsapp')).slice(0, 2)).toEqual(['false', 'Not configured']);
    const said = (await page.getByTestId('channels-page').textContent()) ?? '';
    expect(said).not.toMatch(/on its own|by themselves|Telegram run/);
    expect(await page.getByTestId('channels-empty').count()).toBe(0);
    await saveScreenshot(page, 'console-channels-telegram-off');
    await page.getByTestId('language-switch').selectOption('ru');
    await expect.poll(() => card('telegram').getByTestId('channel-setup-state').textContent()).toBe('Не настроен');
    expect(await page.getByTestId('channels-page').textContent()).not.toMatch(/работают сами/);
    await page.getByTestId('language-switch').selectOption('en');

    // A gateway that runs Telegram (its list, as such a gateway answers it): said to be on, with no state claimed.
    await page.route('**/api/channels', async (route) => {
      const real = await route.fetch();
      const body = (await real.json()) as { configured: string[] };
      await route.fulfill({ response: real, json: { ...body, configured: [...body.configured, 'telegram'] } });
    });
    await page.getByTestId('channels-refresh').click();
    await expect.poll(() => card('telegram').getAttribute('data-configured')).toBe('true');
    expect(await facts('telegram')).toEqual([
      'true',
      'On',
      'The bot token is set (TELEGRAM_BOT_TOKEN). Telegram reports no connection state to this page: if the bot stays silent, the gateway’s log says why.',
    ]);
    await page.unroute('**/api/channels');
    expect(desk.g.pageErrors).toEqual([]);
  });

  it('lets an admin switch the desk’s settings, each explained, and keeps agents out', async () => {
    const page = await open();
    await signInInEnglish(page, gateway);
    await page.getByTestId('nav-settings').click();
    await expect.poll(() => page.url()).toBe(`${gateway}/console/settings`);
    const prechat = page.getByTestId('setting-prechat');
    const names = page.getByTestId('setting-agentNameInReplies');
    await expect.poll(() => prechat.isEnabled()).toBe(true);
    expect(await prechat.isChecked()).toBe(false);
    expect(await names.isChecked()).toBe(true);
    expect(await page.getByTestId('setting-prechat-hint').textContent()).toBe(
      'Before a new web chat visitor’s first request, the bot asks their name and an e-mail or phone (unless the site signed them in).',
    );
    expect(await page.getByTestId('setting-agentNameInReplies-hint').textContent()).toBe('Customers see the name of the agent who wrote each reply.');
    expect(await page.title()).toMatch(/^(\(\d+\) )?Settings · RelayDesk$/);

    await prechat.check();
    await expect.poll(async () => (await desk.admin.get('/api/settings')).body).toEqual({ prechat: true, agentNameInReplies: true });
    await names.uncheck();
    await expect.poll(async () => (await desk.admin.get('/api/settings')).body).toEqual({ prechat: true, agentNameInReplies: false });
    await expect.poll(() => page.getByTestId('notice').locator('span').allTextContents()).toContain('Settings saved.');
    await saveScreenshot(page, 'console-settings');
    await page.reload();
    await expect.poll(() => prechat.isChecked()).toBe(true);
    expect(await names.isChecked()).toBe(false);
    await page.getByTestId('language-switch').selectOption('ru');
    await expect.poll(() => page.getByTestId('setting-agentNameInReplies-hint').textContent()).toBe('Клиенты видят имя агента, написавшего каждый ответ.');
    await page.getByTestId('language-switch').selectOption('en');
    await prechat.uncheck();
    await names.check();
    await expect.poll(async () => (await desk.admin.get('/api/settings')).body).toEqual({ prechat: false, agentNameInReplies: true });

    const agent = await desk.addAgent('Nina');
    const other = await open();
    await signInInEnglish(other, gateway, agent);
    expect(await other.getByTestId('nav-settings').count()).toBe(0);
    await other.goto(`${gateway}/console/settings`);
    await other.getByTestId('request-list').waitFor({ state: 'attached' });
    expect(await other.getByTestId('settings-page').count()).toBe(0);
    expect(desk.g.pageErrors).toEqual([]);
  });
});

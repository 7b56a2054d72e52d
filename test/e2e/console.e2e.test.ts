/**
 * The agent console in a real browser against a real gateway (embedded
 * database): an agent signs in at /console while a web chat visitor, in
 * another browser context on the demo page, files a request with a screenshot
 * and a subject that carries markup. The request appears live; the agent reads
 * it (markup shown as text, nothing executed), opens the screenshot, replies
 * with text and with images, proposes a solution; the visitor confirms it and
 * the console shows it closed.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, ADMIN_ENV } from '../console/console-client.js';
import { haveChromium, saveScreenshot } from './support/browser.js';
import { naturalWidth, signIn } from './support/console.js';
import { buildBundles, startBrowserGateway, type BrowserGateway } from './support/gateway.js';
import { fileRequestInWidget } from './support/widget.js';
import { ui, type PageGlobals } from '../widget/widget-harness.js';

const png = await readFile(new URL('../fixtures/screenshot.png', import.meta.url));
const disguised = await readFile(new URL('../fixtures/script-disguised.png', import.meta.url));
/** UPLOAD_MAX_BYTES of the gateway under test, so that a too large image is quick to make. */
const UPLOAD_MAX = 1024 * 1024;
const XSS_SUBJECT = 'Login fails <img src=x onerror="window.__xss=1">';

/** Console locators, by the data-testid hooks the console keeps stable for tests. */
function consoleUi(page: Page) {
  const id = (testId: string) => page.getByTestId(testId);
  return {
    id,
    row: (number: string) => page.locator(`[data-testid="request-row"][data-number="${number}"]`),
    view: id('request-view'),
    headerStatus: page.locator('.request-head [data-testid="status-badge"]'),
    messages: (author: string) => page.locator(`[data-testid="message"][data-author="${author}"]`),
  };
}

/** data-testid of the focused element, and whether it shows a focus outline. */
function focused(page: Page): Promise<{ testId: string | null; outline: string }> {
  return page.evaluate(() => {
    const g = globalThis as unknown as {
      document: { activeElement: { getAttribute(n: string): string | null } | null };
      getComputedStyle(e: unknown): { outlineStyle: string };
    };
    const el = g.document.activeElement;
    return { testId: el?.getAttribute('data-testid') ?? null, outline: el ? g.getComputedStyle(el).outlineStyle : 'none' };
  });
}

/** data-number of the focused element (a request row), else null. */
function focusedNumber(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const g = globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } };
    return g.document.activeElement?.getAttribute('data-number') ?? null;
  });
}

/**
 * Pastes a file into the console's reply box as a paste from the clipboard
 * does, or drops it there. Without `bytes`, a PNG signature padded with zeros
 * to `size` bytes.
 */
async function pasteIntoReply(page: Page, file: { name: string; type: string; bytes?: number[]; size?: number; drop?: boolean }): Promise<void> {
  await page.evaluate((f) => {
    const w = globalThis as unknown as PageGlobals;
    const data = f.bytes ? new Uint8Array(f.bytes) : new Uint8Array(f.size ?? 0);
    if (!f.bytes) data.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const transfer = new w.DataTransfer();
    transfer.items.add(new w.File([data], f.name, { type: f.type }));
    const box = w.document.querySelector('[data-testid="reply-input"]')!;
    const init = { bubbles: true, cancelable: true };
    box.dispatchEvent(f.drop ? new w.DragEvent('drop', { ...init, dataTransfer: transfer }) : new w.ClipboardEvent('paste', { ...init, clipboardData: transfer }));
  }, file);
}

/** Presses Tab until the element with this data-testid has focus. */
async function tabTo(page: Page, testId: string, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if ((await focused(page)).testId === testId) return;
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${testId}`);
}

describe.skipIf(!haveChromium())('agent console in a browser, against the real gateway', () => {
  let g: BrowserGateway;
  let gateway: string;
  let pageErrors: string[];
  const open = (viewport?: { width: number; height: number }) => g.open(viewport);
  /** A visitor on the demo page, in a browser context of their own, files a request through the bot. */
  const visitorFiles = async (subject: string) => {
    const visitor = await open({ width: 1280, height: 800 });
    await visitor.goto(`${gateway}/`);
    const number = await fileRequestInWidget(visitor, { subject, description: 'Since the update the login page says "session expired".\nEvery time, in every browser.' });
    return { visitor, number };
  };

  beforeAll(async () => {
    buildBundles({ widget: true });
    g = await startBrowserGateway({ env: { OUTBOX_POLL_INTERVAL: '100ms', ...ADMIN_ENV, UPLOAD_MAX_BYTES: String(UPLOAD_MAX) } });
    ({ url: gateway, pageErrors } = g);
  });
  afterAll(() => g?.close());

  it('tells wrong credentials apart and keeps the chosen language', async () => {
    const page = await open();
    await page.goto(`${gateway}/console`);
    await page.getByTestId('login-email').fill(ADMIN.email);
    await page.getByTestId('login-password').fill('not-the-password');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toBe('Wrong email or password.');
    await page.getByTestId('language-switch').selectOption('ru');
    await expect.poll(() => page.getByTestId('login-submit').textContent()).toBe('Войти');
    await page.reload();
    await expect.poll(() => page.getByTestId('login-submit').textContent()).toBe('Войти');
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { lang: string } } }).document.documentElement.lang)).toBe('ru');
    expect(pageErrors).toEqual([]);
  });

  it('follows a web chat request from intake to closed, live', async () => {
    const agent = await open();
    const c = consoleUi(agent);
    await signIn(agent, gateway);

    const { visitor, number } = await visitorFiles(XSS_SUBJECT);

    // Live: no reload, the socket's request_created puts it on top, unread.
    await c.row(number).waitFor();
    expect(await c.id('request-row').first().getAttribute('data-number')).toBe(number);
    expect(Number(await c.row(number).getAttribute('data-unread'))).toBeGreaterThan(0);
    await saveScreenshot(agent, 'console-list');

    await c.row(number).click();
    await expect.poll(() => agent.url()).toBe(`${gateway}/console/requests/${number}`);
    await c.view.waitFor();
    expect(await c.id('request-subject').textContent()).toBe(XSS_SUBJECT);
    expect(await c.row(number).textContent()).toContain(XSS_SUBJECT);
    expect(await agent.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();
    expect(await agent.locator('img[src="x"]').count()).toBe(0);
    await expect.poll(() => c.row(number).getAttribute('data-unread')).toBe('0');
    expect(await c.id('request-description').textContent()).toContain('\nEvery time');
    expect(await c.messages('customer').count()).toBeGreaterThan(0);
    expect(await c.messages('bot').count()).toBeGreaterThan(0);

    // The screenshot, full size, loaded with the session cookie; Escape closes it.
    await c.id('attachment-thumb').first().click();
    await c.id('lightbox-image').waitFor();
    await expect.poll(() => c.id('lightbox-image').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(4);
    await agent.keyboard.press('Escape');
    await c.id('lightbox').waitFor({ state: 'detached' });

    // The visitor typing shows in the console.
    const w = ui(visitor);
    await w.textbox.pressSequentially('I am wai');
    await expect.poll(() => c.id('customer-typing').getAttribute('data-typing')).toBe('true');
    await w.textbox.fill('');
    await expect.poll(() => c.id('customer-typing').getAttribute('data-typing'), { timeout: 10_000 }).toBe('false');

    // A two-line reply: Shift+Enter breaks the line, Enter sends; the agent's typing reaches the widget first.
    await c.id('reply-input').click();
    await agent.keyboard.type('We are looking into it.');
    await expect.poll(() => w.typing.isVisible()).toBe(true);
    await agent.keyboard.press('Shift+Enter');
    await agent.keyboard.type('Please keep this chat open.');
    await agent.keyboard.press('Enter');
    const reply = c.messages('agent').last();
    await expect.poll(() => reply.textContent()).toContain('We are looking into it.\nPlease keep this chat open.');
    await expect.poll(() => reply.getByTestId('delivery').getAttribute('data-state'), { timeout: 10_000 }).toBe('sent');
    expect(await c.id('reply-input').inputValue()).toBe('');
    const shown = async () => (await w.messages.allTextContents()).join('\n');
    await expect.poll(shown, { timeout: 10_000 }).toContain('Please keep this chat open.');

    // Images: chosen with the button, pasted or dropped, each uploaded at once; what the server refuses is said and taken off.
    const chooser = agent.waitForEvent('filechooser');
    await c.id('reply-attach').click();
    expect((await chooser).isMultiple()).toBe(true);
    expect(await c.id('reply-file').getAttribute('accept')).toBe('image/png,image/jpeg,image/webp,image/gif');
    await (await chooser).setFiles([
      { name: 'fix.png', mimeType: 'image/png', buffer: png },
      { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not an image') },
    ]);
    await expect.poll(() => c.id('attach-error').textContent()).toBe('“notes.txt” was not attached: only PNG, JPEG, WebP or GIF images can be sent.');
    await expect.poll(() => c.id('pending-image').getAttribute('data-state')).toBe('ready');
    await pasteIntoReply(agent, { name: 'evil.png', type: 'image/png', bytes: [...disguised] });
    await expect.poll(() => c.id('attach-error').textContent()).toBe('“evil.png” was not attached: only PNG, JPEG, WebP or GIF images can be sent.');
    await pasteIntoReply(agent, { name: 'huge.png', type: 'image/png', size: UPLOAD_MAX + 10_000 });
    await expect.poll(() => c.id('attach-error').textContent()).toBe('“huge.png” was not attached: it is too large (at most 1 MB).');
    await pasteIntoReply(agent, { name: 'dropped.png', type: 'image/png', bytes: [...png], drop: true });
    await expect.poll(() => c.id('pending-image').evaluateAll((li) => li.map((x) => (x as unknown as { dataset: { state: string } }).dataset.state))).toEqual(['ready', 'ready']);
    expect(await c.id('attach-error').count()).toBe(0);
    expect(await c.id('reply-internal').isDisabled()).toBe(true);
    await saveScreenshot(agent, 'console-reply-images');
    await c.id('pending-remove').last().click();
    expect(await c.id('pending-image').count()).toBe(1);
    // No text: an image alone is a reply. It shows like a customer's, and reaches the visitor.
    const shotsBefore = await visitor.locator('[role="log"] .shot img').count();
    await c.id('reply-send').click();
    const withImage = c.messages('agent').last().getByTestId('attachment-thumb');
    await withImage.waitFor();
    expect(await c.id('pending-images').count()).toBe(0);
    await withImage.click();
    await expect.poll(() => naturalWidth(c.id('lightbox-image'))).toBe(4);
    await agent.keyboard.press('Escape');
    await c.id('lightbox').waitFor({ state: 'detached' });
    await expect.poll(() => visitor.locator('[role="log"] .shot img').count(), { timeout: 10_000 }).toBe(shotsBefore + 1);
    await expect.poll(() => naturalWidth(visitor.locator('[role="log"] .shot img').last())).toBe(4);

    // An internal note: yellow, labelled, never sent to the visitor.
    await c.id('reply-internal').check();
    expect(await c.id('reply-attach').isDisabled()).toBe(true);
    await pasteIntoReply(agent, { name: 'note.png', type: 'image/png', bytes: [...png] });
    await expect.poll(() => c.id('attach-error').textContent()).toBe('Internal notes take text only: images go with replies.');
    expect(await c.id('pending-images').count()).toBe(0);
    await c.id('reply-input').fill('Probably the SSO certificate again.');
    await c.id('reply-send').click();
    await expect.poll(() => agent.locator('[data-testid="message"][data-internal="true"]').textContent()).toContain('SSO certificate');
    await c.id('reply-internal').uncheck();

    // The first reply took the new request in progress; moves the status graph does not allow are disabled.
    await expect.poll(() => c.headerStatus.getAttribute('data-status')).toBe('in_progress');
    expect(await c.id('action-reopen').count()).toBe(0);
    expect(await c.id('action-start').isDisabled()).toBe(true);
    expect(await c.id('action-clarify').isEnabled()).toBe(true);
    await c.id('action-assign-me').click();
    await expect.poll(() => c.id('request-assignee').textContent()).toBe('Admin');
    // The button is gone with its focus: the focus goes to the assignee menu rather than to nowhere.
    await expect.poll(async () => (await focused(agent)).testId).toBe('request-assignee');
    await saveScreenshot(agent, 'console-request');

    await c.id('action-solve').click();
    await c.id('prompt-input').fill('Clear the browser cache, then sign in again.');
    await c.id('prompt-submit').click();
    await expect.poll(() => c.headerStatus.getAttribute('data-status')).toBe('solution_provided');
    expect(await c.id('action-solve').isDisabled()).toBe(true);
    expect(await c.id('action-clarify').isDisabled()).toBe(true);
    expect(await c.id('action-reopen').isEnabled()).toBe(true);

    // The visitor confirms; the console follows without a reload.
    await w.choice('Solved').filter({ hasText: /^Solved$/ }).last().click();
    await expect.poll(() => c.headerStatus.getAttribute('data-status'), { timeout: 10_000 }).toBe('closed');
    // Closed, it leaves the list of open requests at once (issue 11); the request stays open beside it.
    await c.row(number).waitFor({ state: 'detached' });
    expect(await c.id('action-close').isDisabled()).toBe(true);
    expect(await c.id('action-reopen').isEnabled()).toBe(true);
    expect(await agent.locator('[data-testid="status-change"][data-to="closed"]').count()).toBe(1);
    expect(await agent.evaluate(() => (globalThis as unknown as { __xss?: number }).__xss)).toBeUndefined();

    // A tablet: one pane at a time, a back link to the list.
    await agent.setViewportSize({ width: 768, height: 1024 });
    expect(await agent.locator('.list-pane').isVisible()).toBe(false);
    expect(await c.id('back').isVisible()).toBe(true);
    await saveScreenshot(agent, 'console-tablet');
    await c.id('back').click();
    await expect.poll(() => agent.locator('.list-pane').isVisible()).toBe(true);
    expect(await c.view.count()).toBe(0);
    await agent.goBack();
    await c.view.waitFor();
    expect(pageErrors).toEqual([]);
  }, 120_000);

  it('can be worked with the keyboard alone', async () => {
    const { visitor, number } = await visitorFiles('Printer on fire');

    const page = await open();
    const c = consoleUi(page);
    await page.goto(`${gateway}/console`);
    await tabTo(page, 'login-email');
    await page.keyboard.type(ADMIN.email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(ADMIN.password);
    await page.keyboard.press('Enter');
    await c.row(number).waitFor();

    // Rows are links with a visible focus, one of them in the Tab order; the arrows (and j / k) move between them, Enter opens one.
    await tabTo(page, 'filter-status-all');
    await page.keyboard.press('Enter');
    await expect.poll(() => c.id('request-row').count()).toBeGreaterThan(1);
    const numbers = await c.id('request-row').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { number: string } }).dataset.number));
    expect(numbers[0]).toBe(number);
    await tabTo(page, 'request-row');
    expect(await focused(page)).toEqual({ testId: 'request-row', outline: 'solid' });
    expect(await focusedNumber(page)).toBe(numbers[0]);
    await page.keyboard.press('ArrowDown');
    expect(await focusedNumber(page)).toBe(numbers[1]);
    await page.keyboard.press('k');
    expect(await focusedNumber(page)).toBe(numbers[0]);
    await page.keyboard.press('ArrowUp');
    expect(await focusedNumber(page)).toBe(numbers[0]);
    await page.keyboard.press('End');
    expect(await focusedNumber(page)).toBe(numbers.at(-1));
    await page.keyboard.press('Home');
    await page.keyboard.press('j');
    expect(await focusedNumber(page)).toBe(numbers[1]);
    // Tab leaves the list in one step, Shift+Tab comes back to the row last focused.
    await page.keyboard.press('Tab');
    expect((await focused(page)).testId).not.toBe('request-row');
    await page.keyboard.press('Shift+Tab');
    expect(await focusedNumber(page)).toBe(numbers[1]);
    await page.keyboard.press('k');
    await page.keyboard.press('Enter');
    await c.view.waitFor();
    expect(page.url()).toBe(`${gateway}/console/requests/${number}`);

    await tabTo(page, 'reply-input');
    await page.keyboard.type('Hello from the keyboard');
    await page.keyboard.press('Enter');
    await expect.poll(() => c.messages('agent').last().textContent()).toContain('Hello from the keyboard');

    // A dialog takes the focus, keeps Tab inside, and gives the focus back on Escape.
    await tabTo(page, 'canned-open');
    await page.keyboard.press('Enter');
    await c.id('canned-dialog').waitFor();
    for (let i = 0; i < 12; i++) {
      await page.keyboard.press('Tab');
      expect(await page.evaluate(() => (globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document.activeElement?.closest('dialog') != null)).toBe(true);
    }
    await page.keyboard.press('Escape');
    await c.id('canned-dialog').waitFor({ state: 'detached' });
    expect((await focused(page)).testId).toBe('canned-open');

    await tabTo(page, 'action-clarify');
    await page.keyboard.press('Enter');
    await expect.poll(async () => (await focused(page)).testId).toBe('prompt-input');
    await page.keyboard.type('Which printer model is it?');
    await tabTo(page, 'prompt-submit', 4);
    await page.keyboard.press('Enter');
    await expect.poll(() => c.headerStatus.getAttribute('data-status')).toBe('awaiting_customer');
    await expect.poll(async () => (await ui(visitor).messages.allTextContents()).join('\n'), { timeout: 10_000 }).toContain('Which printer model is it?');

    // Deep links: a request by its address, and one that does not exist.
    await page.goto(`${gateway}/console/requests/${number}`);
    await expect.poll(() => c.id('request-subject').textContent()).toBe('Printer on fire');
    await page.goto(`${gateway}/console/requests/SR-999999`);
    await expect.poll(() => c.id('request-failure').textContent()).toBe('There is no such request.');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('filters, searches, counts unread messages live and keeps canned responses', async () => {
    const { visitor, number } = await visitorFiles('Invoice totals are wrong');

    const page = await open();
    const c = consoleUi(page);
    await signIn(page, gateway);
    await c.row(number).waitFor();
    const numbers = () => c.id('request-row').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { number: string } }).dataset.number));

    await c.id('filter-status-closed').click();
    await expect.poll(numbers).not.toContain(number);
    await c.id('filter-status-all').click();
    await c.id('search-input').fill('invoice totals');
    await expect.poll(numbers).toEqual([number]);
    await c.id('search-input').fill('');
    await c.id('filter-assignee').selectOption('me');
    await expect.poll(numbers).not.toContain(number);
    await c.id('filter-assignee').selectOption('');
    await c.row(number).waitFor();

    // A customer message on a request that is not open counts as unread at once.
    const before = Number(await c.row(number).getAttribute('data-unread'));
    await ui(visitor).textbox.fill('Any news? The totals are still wrong.');
    await ui(visitor).textbox.press('Enter');
    await expect.poll(() => c.row(number).getAttribute('data-unread')).toBe(String(before + 1));
    // The preview is the newest message: the bot's acknowledgement of it.
    await expect.poll(() => c.row(number).locator('.row-preview').textContent()).toContain(`Your message was added to request ${number}`);
    await c.row(number).click();
    await expect.poll(() => c.row(number).getAttribute('data-unread')).toBe('0');
    await expect.poll(() => page.title()).not.toMatch(/^\(/);

    // Canned responses: saved from the reply being written, inserted, deleted.
    await c.id('reply-input').fill('Thanks, we are checking the totals.');
    await c.id('canned-open').click();
    await c.id('canned-title').fill('Checking totals');
    expect(await c.id('canned-text').inputValue()).toBe('Thanks, we are checking the totals.');
    await c.id('canned-save').click();
    const item = c.id('canned-item').filter({ hasText: 'Checking totals' });
    await item.waitFor();
    await page.keyboard.press('Escape');
    await c.id('reply-input').fill('Hello! ');
    await c.id('canned-open').click();
    await item.getByTestId('canned-insert').click();
    await c.id('canned-dialog').waitFor({ state: 'detached' });
    expect(await c.id('reply-input').inputValue()).toBe('Hello! Thanks, we are checking the totals.');
    await c.id('canned-open').click();
    await item.getByTestId('canned-delete').click();
    await item.getByTestId('canned-confirm-delete').click();
    await item.waitFor({ state: 'detached' });
    await page.keyboard.press('Escape');
    const res = await page.request.get(`${gateway}/api/canned-responses`);
    expect((await res.json()).cannedResponses).toEqual([]);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('lets an admin add an agent, assign them a request, and see them in the filters; the socket says who is signed in', async () => {
    const admin = await open();
    await signIn(admin, gateway);

    // `ready` on connecting is the truth about the agent: an outdated session (here, doctored) is corrected.
    let doctored = 0;
    await admin.route('**/api/auth/me', async (route) => {
      const res = await route.fetch();
      const session = await res.json();
      doctored++;
      await route.fulfill({ response: res, json: { ...session, agent: { ...session.agent, name: 'Stale Name', role: 'agent' } } });
    });
    await admin.reload();
    await expect.poll(() => admin.getByTestId('whoami').textContent()).toBe('Admin');
    await admin.getByTestId('nav-agents').waitFor();
    expect(doctored).toBe(1);
    await admin.unroute('**/api/auth/me');

    await admin.getByTestId('nav-agents').click();
    await admin.getByTestId('agents-table').waitFor();
    await admin.getByTestId('agent-add-name').fill('Bob Agent');
    await admin.getByTestId('agent-add-email').fill('bob@example.com');
    await admin.getByTestId('agent-add-password').fill('bob-password-1');
    await admin.getByTestId('agent-add-submit').click();
    const bob = admin.locator('[data-testid="agent-row"][data-email="bob@example.com"]');
    await bob.waitFor();
    expect(await bob.getByTestId('agent-role').inputValue()).toBe('agent');

    const page = await open();
    await signIn(page, gateway, { email: 'bob@example.com', password: 'bob-password-1' });
    expect(await page.getByTestId('nav-agents').count()).toBe(0);
    await page.goto(`${gateway}/console/agents`);
    await page.getByTestId('request-list').waitFor({ state: 'attached' });
    expect(await page.getByTestId('agents-table').count()).toBe(0);

    // Any active agent can be assigned, from a menu worked with the keyboard: the arrows move, Escape keeps, Enter assigns.
    const c = consoleUi(admin);
    await c.id('nav-requests').click();
    await c.id('filter-status-all').click();
    const first = c.id('request-row').first();
    const number = (await first.getAttribute('data-number'))!;
    await first.click();
    await c.view.waitFor();
    const menuButton = c.id('request-assignee');
    await menuButton.focus();
    await admin.keyboard.press('Enter');
    await expect.poll(() => c.id('assignee-option').allTextContents()).toEqual(['Unassigned', 'Admin (you)', 'Bob Agent']);
    expect(await menuButton.getAttribute('aria-expanded')).toBe('true');
    expect((await focused(admin)).testId).toBe('assignee-option');
    await saveScreenshot(admin, 'console-assignee-menu');
    await admin.keyboard.press('Escape');
    await c.id('assignee-menu').waitFor({ state: 'detached' });
    expect((await focused(admin)).testId).toBe('request-assignee');
    const assignedBefore = await menuButton.textContent();
    await admin.keyboard.press('ArrowDown');
    await admin.keyboard.press('End');
    await admin.keyboard.press('Enter');
    await expect.poll(() => menuButton.textContent()).toBe('Bob Agent');
    expect(assignedBefore).not.toBe('Bob Agent');
    await expect.poll(async () => (await focused(admin)).testId).toBe('request-assignee');
    // Bob is told, and sees it live in his "Me" list; the admin filters the list by Bob.
    await expect.poll(() => page.getByTestId('notice').locator('span').allTextContents()).toContain(`Admin assigned ${number} to you.`);
    await page.getByTestId('filter-status-all').click();
    await page.getByTestId('filter-assignee').selectOption('me');
    await expect.poll(() => page.getByTestId('request-row').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { number: string } }).dataset.number))).toEqual([number]);
    await c.id('filter-assignee').selectOption({ label: 'Bob Agent' });
    await expect.poll(() => c.id('request-row').count()).toBe(1);
    expect(await c.row(number).count()).toBe(1);

    // Renamed, then deactivated: Bob's open console goes back to the login screen.
    await c.id('nav-agents').click();
    await bob.getByTestId('agent-rename').click();
    expect(await c.id('prompt-input').inputValue()).toBe('Bob Agent');
    await c.id('prompt-input').fill('Robert Agent');
    await c.id('prompt-submit').click();
    await expect.poll(() => bob.locator('td').first().textContent()).toContain('Robert Agent');
    await bob.getByTestId('agent-toggle-active').click();
    await expect.poll(() => bob.getByTestId('agent-toggle-active').textContent()).toBe('Activate');
    await page.getByTestId('login-form').waitFor({ timeout: 10_000 });
    expect(pageErrors).toEqual([]);
  }, 60_000);
  // Last: the limiter counts failures per client address too, so no sign-in from here works after it.
  it('says when sign-ins are rate-limited', async () => {
    const page = await open();
    await page.goto(`${gateway}/console`);
    for (let i = 0; i < 12; i++) {
      const res = await page.request.post(`${gateway}/api/auth/login`, { data: { email: 'nobody@example.com', password: 'wrong-password' } });
      if (res.status() === 429) break;
    }
    await page.getByTestId('login-email').fill('nobody@example.com');
    await page.getByTestId('login-password').fill('wrong-password');
    await page.getByTestId('login-submit').click();
    await expect.poll(() => page.getByTestId('login-error').textContent()).toMatch(/^Too many attempts\. Try again in \d+ min\.$/);
  });
});

/**
 * The console's Channels page in a real browser against a real gateway whose
 * WhatsApp channel runs on the fake whatsapp-web.js (test/fakes/whatsapp): an
 * admin sees WhatsApp waiting for a scan with a QR code drawn as an image,
 * each new code replacing the last; the phone scans it and the page shows the
 * channel ready, live; a broken link shows red with its reason and heals by
 * itself; the phone unlinks the device and the page says so (once, in a
 * toast) and shows a new code. Agents who are not admins see none of it.
 */
import QRCode from 'qrcode';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { webchatChannel } from '../../src/channels/webchat/index.js';
import { whatsappChannelWith } from '../../src/channels/whatsapp/index.js';
import { ADMIN, ADMIN_ENV, AgentClient } from '../console/console-client.js';
import { FakeWhatsApp } from '../fakes/whatsapp/fake-whatsapp.js';
import { haveChromium, saveScreenshot } from './support/browser.js';
import { naturalWidth, signIn } from './support/console.js';
import { buildBundles, startBrowserGateway, type BrowserGateway } from './support/gateway.js';

const AGENT = { email: 'agent@example.com', password: 'agent-password-1', name: 'Olga' };
/** How often the fake replaces an unscanned code (WhatsApp: about 20 s), short so that a replacement shows within the test. */
const QR_INTERVAL_MS = 1500;

/** Browser globals the page-side helpers touch (the test is compiled without the DOM library). */
interface Doc {
  querySelector(s: string): { getAttribute(n: string): string | null } | null;
}
interface Win {
  document: Doc;
  MutationObserver: new (fn: (records: Array<{ target: { getAttribute(n: string): string | null } }>) => void) => {
    observe(target: unknown, options: Record<string, unknown>): void;
  };
  __states?: string[];
  fetch: typeof fetch;
}

/** The SVG inside the QR image's data: URL. */
function svgOf(src: string | null): string {
  const prefix = 'data:image/svg+xml;base64,';
  if (!src?.startsWith(prefix)) throw new Error(`not an SVG data URL: ${String(src).slice(0, 60)}`);
  return Buffer.from(src.slice(prefix.length), 'base64').toString('utf8');
}

async function waitUntil(condition: () => Promise<boolean>, message: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(message);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** data-testid of the focused element. */
const focusedTestId = (page: Page) =>
  page.evaluate(() => (globalThis as unknown as { document: { activeElement: { getAttribute(n: string): string | null } | null } }).document.activeElement?.getAttribute('data-testid') ?? null);

describe.skipIf(!haveChromium())('the Channels page, against a gateway with WhatsApp on the fake client', () => {
  let g: BrowserGateway;
  let gateway: string;
  let fake: FakeWhatsApp;
  let pageErrors: string[];
  let cleanup: () => Promise<void>;
  // The QR code is a data: image under the console's strict CSP: a block would be a bug (open() collects it in pageErrors).
  const open = (viewport?: { width: number; height: number }) => g.open(viewport);

  /** The WhatsApp channel's status as an admin reads it from the API. */
  async function whatsappState(admin: AgentClient): Promise<string | undefined> {
    const res = await admin.get('/api/channels');
    return (res.body.channels as Array<{ channel: string; state: string }>).find((c) => c.channel === 'whatsapp')?.state;
  }

  beforeAll(async () => {
    // The gateway prints each pairing code in the terminal as block art: not in the test output.
    const write = process.stdout.write.bind(process.stdout);
    const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(((chunk: unknown, ...rest: never[]) =>
      typeof chunk === 'string' && chunk.includes('▄▄▄▄▄▄▄') ? true : write(chunk as string, ...rest)) as typeof process.stdout.write);
    buildBundles();
    fake = new FakeWhatsApp({ qrIntervalMs: QR_INTERVAL_MS });
    cleanup = async () => {
      await g?.close();
      await fake.shutdown();
      quiet.mockRestore();
    };
    g = await startBrowserGateway({ channels: [webchatChannel, whatsappChannelWith(fake.driver)], env: { ...ADMIN_ENV, WHATSAPP_ENABLED: 'true' } });
    ({ url: gateway, pageErrors } = g);
    const admin = await AgentClient.login(gateway);
    const added = await admin.post('/api/agents', { email: AGENT.email, name: AGENT.name, password: AGENT.password, role: 'agent' });
    expect(added.status).toBe(201);
    // Signed in once WhatsApp shows its first code: the state on loading gets no toast, only the top bar says it.
    await waitUntil(async () => (await whatsappState(admin)) === 'waiting_for_scan', 'WhatsApp never waited for a scan');
  });
  afterAll(() => cleanup?.());

  it('shows an admin the QR code to scan, then the channel ready, a broken link and a logout, live', async () => {
    const page = await open();
    const id = (testId: string) => page.getByTestId(testId);
    const card = page.locator('[data-testid="channel-card"][data-channel="whatsapp"]');
    const qr = card.getByTestId('channel-qr');
    await signIn(page, gateway, ADMIN);

    // The top bar says WhatsApp needs a scan and links to the Channels page, among the admins' pages.
    await expect.poll(() => id('channel-alert').getAttribute('data-state')).toBe('waiting_for_scan');
    expect(await id('channel-alert').textContent()).toContain('WhatsApp: waiting for a QR scan');
    expect(await page.locator('nav [data-testid^="nav-"]').evaluateAll((links) => links.map((a) => (a as unknown as { dataset: { testid: string } }).dataset.testid))).toEqual([
      'nav-requests',
      'nav-incidents',
      'nav-drafts',
      'nav-agents',
      'nav-channels',
      'nav-settings',
    ]);
    await id('channel-alert').click();
    await expect.poll(() => page.url()).toBe(`${gateway}/console/channels`);
    expect(await id('nav-channels').getAttribute('aria-current')).toBe('page');
    expect(await page.title()).toBe('Channels · RelayDesk');

    // Waiting for a scan: amber, the steps to follow, and the code as an image (never markup in the page).
    expect(await card.getAttribute('data-state')).toBe('waiting_for_scan');
    expect(await card.getByTestId('channel-state').textContent()).toBe('Waiting for a QR scan');
    expect(await card.getByTestId('scan-steps').textContent()).toBe('Open WhatsApp on the phone → Settings → Linked devices → Link a device, and scan this code.');
    expect(await card.getByTestId('channel-since').textContent()).toMatch(/now|sec|min/);
    expect(await qr.getAttribute('alt')).toBe('QR code to link WhatsApp to RelayDesk');
    expect(await page.locator('.channels-page svg path[d^="M0 0"]').count()).toBe(0);
    await expect.poll(() => naturalWidth(qr)).toBeGreaterThan(0);
    const box = await qr.boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(260);
    expect(box!.height).toBeCloseTo(box!.width, 0);
    // It is the code the client shows now: a new one replaces it without a reload.
    const client = () => fake.clients.at(-1)!;
    const shows = async () => svgOf(await qr.getAttribute('src')) === (await QRCode.toString(client().currentQr ?? '', { type: 'svg', margin: 2 }));
    await expect.poll(shows).toBe(true);
    const first = await qr.getAttribute('src');
    await expect.poll(() => qr.getAttribute('src'), { timeout: QR_INTERVAL_MS * 4 }).not.toBe(first);
    await expect.poll(shows).toBe(true);
    const shown = new Set([first, await qr.getAttribute('src')]);
    expect(await page.locator('[data-testid="channel-qr"]').count()).toBe(1);
    await saveScreenshot(page, 'console-channels-qr');

    // The page records each state it shows, to see the short-lived ones too.
    await page.evaluate(() => {
      const w = globalThis as unknown as Win;
      w.__states = [];
      const el = w.document.querySelector('[data-testid="channel-card"][data-channel="whatsapp"]');
      new w.MutationObserver((records) => {
        for (const r of records) w.__states!.push(r.target.getAttribute('data-state') ?? '');
      }).observe(el, { attributes: true, attributeFilter: ['data-state'] });
    });
    const states = () => page.evaluate(() => (globalThis as unknown as Win).__states ?? []);

    // The phone scans it: ready, green, no code, nothing in the top bar.
    await fake.scanNextQr();
    await expect.poll(() => card.getAttribute('data-state')).toBe('ready');
    expect(await card.getByTestId('channel-state').textContent()).toBe('Connected');
    expect(await qr.count()).toBe(0);
    expect(await id('channel-alert').count()).toBe(0);
    expect(await id('notice').count()).toBe(0);
    await saveScreenshot(page, 'console-channels-ready');

    // The link breaks: red, the reason with when it reconnects, the top bar says so; then ready again by itself.
    fake.disconnect('CONFLICT');
    await expect.poll(() => card.getAttribute('data-state')).toBe('disconnected');
    expect(await card.getByTestId('channel-reason').textContent()).toBe('CONFLICT; reconnecting in 2 s');
    expect(await id('channel-alert').getAttribute('data-state')).toBe('disconnected');
    await expect.poll(() => card.getAttribute('data-state'), { timeout: 10_000 }).toBe('ready');
    expect(await id('channel-alert').count()).toBe(0);
    expect(await id('notice').count()).toBe(0);

    // The phone unlinks the device: logged out (one toast says so), then a new code to scan.
    fake.logoutFromPhone();
    await expect.poll(() => card.getAttribute('data-state')).toBe('waiting_for_scan');
    await qr.waitFor();
    expect(shown.has(await qr.getAttribute('src'))).toBe(false);
    await expect.poll(shows).toBe(true);
    const seen = await states();
    expect(seen.indexOf('logged_out')).toBeGreaterThan(seen.indexOf('disconnected'));
    expect(seen.lastIndexOf('waiting_for_scan')).toBeGreaterThan(seen.lastIndexOf('logged_out'));
    await expect.poll(() => id('notice').allTextContents()).toEqual(['WhatsApp was unlinked from the phone: scan the new QR code on the Channels page.×']);
    expect(await id('channel-alert').getAttribute('data-state')).toBe('waiting_for_scan');
    // New codes keep coming: no second toast for them.
    const current = await qr.getAttribute('src');
    await expect.poll(() => qr.getAttribute('src'), { timeout: QR_INTERVAL_MS * 4 }).not.toBe(current);
    expect(await id('notice').count()).toBe(1);

    // Keyboard: from the requests, Tab reaches the top bar's link, Enter opens the page; the Refresh button works.
    await id('nav-requests').click();
    await expect.poll(() => page.url()).toBe(`${gateway}/console`);
    await page.locator('body').focus();
    for (let i = 0; i < 10 && (await focusedTestId(page)) !== 'channel-alert'; i++) await page.keyboard.press('Tab');
    expect(await focusedTestId(page)).toBe('channel-alert');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.url()).toBe(`${gateway}/console/channels`);
    await id('channels-refresh').focus();
    await page.keyboard.press('Enter');
    await qr.waitFor();

    // Russian, and a tablet: the code stays big enough, the top bar shows the channel's name.
    await id('language-switch').selectOption('ru');
    await expect.poll(() => card.getByTestId('channel-state').textContent()).toBe('Ждёт сканирования QR-кода');
    expect(await card.getByTestId('scan-steps').textContent()).toBe(
      'Откройте WhatsApp на телефоне → Настройки → Связанные устройства → Привязка устройства и отсканируйте этот код.',
    );
    expect(await qr.getAttribute('alt')).toBe('QR-код для привязки WhatsApp к RelayDesk');
    await page.setViewportSize({ width: 768, height: 1024 });
    expect((await qr.boundingBox())!.width).toBeGreaterThanOrEqual(260);
    expect(await id('channel-alert').locator('.alert-short').isVisible()).toBe(true);
    expect(await id('channel-alert').locator('.alert-short').textContent()).toBe('WhatsApp');
    const overflow = await page.evaluate(() => {
      const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
      return d.scrollWidth - d.clientWidth;
    });
    expect(overflow).toBe(0);
    await saveScreenshot(page, 'console-channels-tablet');
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('shows agents who are not admins neither the page nor the alert, and the API refuses them', async () => {
    const page = await open();
    await signIn(page, gateway, AGENT);
    expect(await page.getByTestId('nav-agents').count()).toBe(0);
    expect(await page.getByTestId('nav-channels').count()).toBe(0);
    // WhatsApp still waits for a scan: admins would see it in the top bar.
    const admin = await AgentClient.login(gateway);
    expect(await whatsappState(admin)).toBe('waiting_for_scan');
    expect(await page.getByTestId('channel-alert').count()).toBe(0);

    await page.goto(`${gateway}/console/channels`);
    await page.getByTestId('whoami').waitFor();
    await page.locator('.list-pane').waitFor();
    expect(await page.getByTestId('channels-page').count()).toBe(0);
    const status = await page.evaluate(async () => (await (globalThis as unknown as Win).fetch('/api/channels', { credentials: 'same-origin' })).status);
    expect(status).toBe(403);
    const agent = await AgentClient.login(gateway, AGENT);
    expect((await agent.get('/api/channels')).status).toBe(403);
    expect(pageErrors).toEqual([]);
  }, 30_000);
});

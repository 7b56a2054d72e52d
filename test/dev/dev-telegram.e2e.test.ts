/**
 * `npm run dev:telegram`: the fake Bot API and its chat page, with a whole
 * gateway (the real Telegram channel, telegraf long polling) pointed at it the
 * way the README says, and the page driven in Chromium as a developer would:
 * a greeting, a button press, a photo from the file picker, the request
 * created, and an agent's reply with an image. Then the command itself, as a
 * process: its banner, both servers, and Ctrl+C.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { telegramChannel } from '../../src/channels/telegram/index.js';
import { parseDevTelegramArgs } from '../../scripts/dev-telegram/cli.js';
import { startDevTelegram, type DevTelegram } from '../../scripts/dev-telegram/dev-telegram.server.js';
import { ADMIN_ENV, AgentClient, baseOf } from '../console/console-client.js';
import { haveChromium, launchChromium, saveScreenshot } from '../e2e/support/browser.js';
import { freePort, startTestApp } from '../support/app.js';
import { embeddedBackend, type BackendEnv } from '../support/backends.js';
import { makePng } from '../widget/png.js';

/** The customer's screenshot, and the image an agent answers with. */
const screenshot = makePng(480, 300, 1);
const agentImage = makePng(360, 240, 7);

describe.skipIf(!haveChromium())('dev:telegram: chatting with the gateway as a Telegram customer, in a browser', () => {
  let dev: DevTelegram;
  let env: BackendEnv;
  let app: App;
  let browser: Browser;

  beforeAll(async () => {
    dev = await startDevTelegram({ apiPort: 0, pagePort: 0 });
    env = await embeddedBackend.setup();
    app = await startTestApp({
      ...env,
      channels: [telegramChannel],
      env: { ...ADMIN_ENV, TELEGRAM_BOT_TOKEN: dev.token, TELEGRAM_API_ROOT: dev.apiUrl, OUTBOX_POLL_INTERVAL: '100ms' },
    });
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await dev?.stop();
    await env?.cleanup();
  });

  /** Waits until the bot has sent more than `before` messages; returns the last one. */
  async function botAnswers(page: Page, before: number) {
    const bot = page.locator('.message.bot');
    await expect.poll(() => bot.count()).toBeGreaterThan(before);
    return bot.last();
  }
  const botCount = (page: Page) => page.locator('.message.bot').count();
  async function say(page: Page, text: string) {
    const before = await botCount(page);
    await page.locator('#text').fill(text);
    await page.locator('#text').press('Enter');
    return botAnswers(page, before);
  }

  it('files a request by typing, pressing buttons and picking a photo; shows an agent\'s image reply', async () => {
    const page = await browser.newPage({ viewport: { width: 900, height: 1000 } });
    await page.goto(dev.pageUrl);
    await expect.poll(() => page.locator('#bot-name').textContent()).toContain('@relaydesk_test_bot');

    await say(page, 'Hello');
    const incident = page.locator('button[data-callback="incident"]');
    let before = await botCount(page);
    await incident.click();
    await botAnswers(page, before);
    // The press was answered and its keyboard taken off, as in Telegram.
    await expect.poll(() => incident.count()).toBe(0);
    expect(dev.fake.callbackAnswers.length).toBeGreaterThan(0);

    await say(page, 'Printer prints blank pages');
    await say(page, 'Since the update the office printer prints only blank pages.');
    before = await botCount(page);
    await page.locator('#photo').setInputFiles({ name: 'printer.png', mimeType: 'image/png', buffer: screenshot });
    await page.locator('.message.customer img').first().waitFor();
    await botAnswers(page, before);
    const confirm = page.locator('button[data-callback="confirm"]');
    before = await botCount(page);
    await confirm.click();
    const created = await botAnswers(page, before);
    await expect.poll(() => created.textContent()).toMatch(/SR-\d+/);
    const number = /SR-\d+/.exec((await created.textContent()) ?? '')![0];

    const request = await app.store.getRequest(number);
    expect(request).toMatchObject({ channel: 'telegram', subject: 'Printer prints blank pages', customer: { displayName: 'Alice Example' } });
    expect(Buffer.compare(await app.attachments.read(request!.attachments[0]!), screenshot)).toBe(0);

    const agent = await AgentClient.login(baseOf(app));
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(agentImage)]), 'tray.png');
    const upload = await fetch(`${baseOf(app)}/api/requests/${number}/attachments`, { method: 'POST', body: form, headers: { authorization: `Bearer ${agent.session.token}` } });
    const uploaded = (await upload.json()) as { id: string };
    before = await botCount(page);
    expect((await agent.post(`/api/requests/${number}/messages`, { text: 'Try the second tray, like this', attachmentIds: [uploaded.id] })).status).toBe(201);
    const reply = await botAnswers(page, before);
    // Shown as a photo, loaded at its own size.
    await expect.poll(() => reply.locator('img').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth)).toBe(360);
    expect(await reply.textContent()).toContain('Try the second tray, like this');
    // The image shown is the one the agent sent, served back by the page.
    const shown = await page.request.get(new URL((await reply.locator('img').getAttribute('src'))!, dev.pageUrl).href);
    expect(Buffer.compare(await shown.body(), agentImage)).toBe(0);

    await saveScreenshot(page, 'dev-telegram-chat');
    await page.close();
  });
});

describe('npm run dev:telegram, the command', () => {
  it('listens on fixed ports unless told otherwise, so the gateway\'s TELEGRAM_API_ROOT stays the same', () => {
    expect(parseDevTelegramArgs([])).toEqual({ apiPort: 8081, pagePort: 8082, language: 'ru' });
    expect(parseDevTelegramArgs(['--port', '9001', '--page-port', '9002', '--language', 'en'])).toEqual({ apiPort: 9001, pagePort: 9002, language: 'en' });
    expect(() => parseDevTelegramArgs(['--port', 'eighty'])).toThrow('--port must be a port number, got "eighty"');
    expect(parseDevTelegramArgs(['--token', '123456789:AAH-my-own-dev-token_0123456'])).toMatchObject({ token: '123456789:AAH-my-own-dev-token_0123456' });
    expect(() => parseDevTelegramArgs(['--token', 'secret'])).toThrow('--token: TELEGRAM_BOT_TOKEN must look like 123456789:ABC…');
  });

  it('prints how to point the gateway at it, serves the Bot API and the page on the ports given, and stops on Ctrl+C', async () => {
    const [apiPort, pagePort] = [await freePort(), await freePort()];
    const main = fileURLToPath(new URL('../../scripts/dev-telegram/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', String(apiPort), '--page-port', String(pagePort)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        if (out.includes('Ctrl+C')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`exited with ${code} before its banner: ${out}`)));
    });
    try {
      expect(out).toContain(`TELEGRAM_API_ROOT=http://127.0.0.1:${apiPort} npm start`);
      const token = /TELEGRAM_BOT_TOKEN=(\S+)/.exec(out)![1];
      const me = (await (await fetch(`http://127.0.0.1:${apiPort}/bot${token}/getMe`)).json()) as { ok: boolean; result: { is_bot: boolean } };
      expect(me).toMatchObject({ ok: true, result: { is_bot: true } });
      const page = await fetch(`http://127.0.0.1:${pagePort}/`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('chat.js');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  }, 60_000);
});

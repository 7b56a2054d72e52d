/**
 * The widget never reads message text as HTML. In Chromium, against a real
 * gateway (embedded back end), a visitor files a request whose subject and
 * description carry markup, which the bot echoes in its confirmation summary,
 * and an agent answers through the API with markup of their own. Nothing of it
 * runs or becomes an element; every character shows as typed.
 *
 * The page gets widget.js built from widget/src for this run (the gateway's
 * widget/dist is built only when missing, and could be older than the source).
 */
import { rmSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_ENV, AgentClient } from '../console/console-client.js';
import { buildWidget, shownTexts, ui } from '../widget/widget-harness.js';
import { haveChromium, saveScreenshot, serveStatic, type StaticSite } from './support/browser.js';
import { startBrowserGateway, type BrowserGateway } from './support/gateway.js';
import { intakeUpToReview, submitIntake } from './support/widget.js';

/** Each payload, were it parsed as HTML, would set `window.__xss` to its name. */
const SUBJECT = `Login fails <img src=x onerror="window.__xss='subject'">`;
const DESCRIPTION = `Error <script>window.__xss='description'</script> & <b>bold</b> <svg onload="window.__xss='svg'"></svg> since Monday`;
const AGENT_REPLY = `Try <img src=x onerror="window.__xss='agent'"> <a href="javascript:window.__xss='link'">this link</a> <iframe srcdoc="<script>parent.__xss='iframe'</script>"></iframe>`;

interface XssGlobals {
  __xss?: string;
}

/** Elements inside the conversation that only markup could have made (Playwright's CSS looks into the shadow root). */
const INJECTED = '[role="log"] .bubble :is(script, b, svg, iframe, a[href^="javascript"], img[src="x"])';

describe.skipIf(!haveChromium())('web chat shows markup as text, against the real gateway', () => {
  let g: BrowserGateway;
  let site: StaticSite;
  let widgetFile: string;

  beforeAll(async () => {
    widgetFile = buildWidget();
    g = await startBrowserGateway({ env: { OUTBOX_POLL_INTERVAL: '100ms', ...ADMIN_ENV } });
    site = await serveStatic({
      '/': `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Acme</title></head><body><h1>Acme shop</h1>
<script src="${g.url}/widget.js" async data-title="Acme support" data-locale="en"></script></body></html>`,
    });
  });
  afterAll(async () => {
    await site?.close();
    await g?.close();
    if (widgetFile) rmSync(dirname(widgetFile), { recursive: true, force: true });
  });

  async function visitorPage(): Promise<Page> {
    const page = await g.open({ width: 1280, height: 900 });
    await page.context().route(`${g.url}/widget.js`, (route) => route.fulfill({ path: widgetFile, contentType: 'application/javascript; charset=utf-8' }));
    await page.goto(site.origin);
    return page;
  }

  const xss = (page: Page) => page.evaluate(() => (globalThis as unknown as XssGlobals).__xss ?? null);

  it('echoes a subject and description with markup in the summary, and shows an agent reply with markup, all as text', async () => {
    const page = await visitorPage();

    await intakeUpToReview(page, { subject: SUBJECT, description: DESCRIPTION });
    expect(await xss(page)).toBeNull();
    expect(await page.locator(INJECTED).count()).toBe(0);
    const summary = (await shownTexts(page)).find((t) => t.startsWith('Please check your request'));
    expect(summary).toContain(`Subject: ${SUBJECT}\n`);
    expect(summary).toContain(`Description: ${DESCRIPTION}\n`);
    // The visitor's own messages are shown as typed, too.
    expect(await shownTexts(page)).toEqual(expect.arrayContaining([SUBJECT, DESCRIPTION]));
    await page.locator('[role="log"] .bubble', { hasText: 'Please check your request' }).scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'e2e-webchat-markup-summary');
    const number = await submitIntake(page);

    const agent = await AgentClient.login(g.url);
    const reply = await agent.post(`/api/requests/${number}/messages`, { text: AGENT_REPLY });
    expect(reply.status).toBe(201);
    const agentBubble = page.locator('[role="log"] .msg.agent .bubble');
    await agentBubble.waitFor();
    expect(await xss(page)).toBeNull();
    expect(await page.locator(INJECTED).count()).toBe(0);
    expect(await agentBubble.textContent()).toBe(AGENT_REPLY);

    await page.locator('[role="log"] .msg.agent').scrollIntoViewIfNeeded();
    await saveScreenshot(page, 'e2e-webchat-markup-agent-reply');
    // Each bubble holds its text and nothing else but the screenshot's link and the
    // widget's own no-wrap spans around request and phone numbers (plain text inside).
    const children = await page.locator('[role="log"] .bubble > *').evaluateAll((els) =>
      els.map((el) => ({ tag: (el as unknown as { tagName: string }).tagName, nb: (el as unknown as { className: string }).className === 'nb', kids: (el as unknown as { childElementCount: number }).childElementCount })),
    );
    expect(children.filter((c) => c.tag !== 'A' && !(c.tag === 'SPAN' && c.nb && c.kids === 0))).toEqual([]);
    expect(g.pageErrors).toEqual([]);

    // A reload renders the same history from the server the same way.
    await page.reload();
    await ui(page).launcher.click();
    await expect.poll(() => shownTexts(page)).toContain(AGENT_REPLY);
    expect(await xss(page)).toBeNull();
    expect(await page.locator(INJECTED).count()).toBe(0);
    expect(await shownTexts(page)).toEqual(expect.arrayContaining([SUBJECT, DESCRIPTION, AGENT_REPLY]));
  });
});

/**
 * Shared set-up of the widget browser tests: the bundle built from source, the
 * fake web chat server (the "gateway"), a host site on another origin that
 * embeds it, and small page helpers.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { artifactsDir, launchChromium, serveStatic, type StaticSite } from '../e2e/support/browser.js';
import { FakeWebchatServer, type ServerMessage, type Visitor } from './fake-webchat-server.js';

export const IDENTITY_SECRET = 'test-identity-secret';

const root = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Saves test/artifacts/NAME.png: the open chat panel as the visitor sees it (on
 * a phone, the whole screen), with the pointer away from its buttons. A busy
 * machine may take a while to paint, hence the long timeout.
 */
export async function saveWidgetShot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.mouse.move(0, 0);
  await page.locator('[role="dialog"]').screenshot({ path, timeout: 30_000 });
  return path;
}

/** Builds widget.js from widget/src into a temporary file (CI runs `npm test` without a prior build). */
export function buildWidget(): string {
  const outfile = join(mkdtempSync(join(tmpdir(), 'relaydesk-widget-')), 'widget.js');
  execFileSync(process.execPath, [join(root, 'widget/build.mjs'), '--outfile', outfile], { stdio: 'pipe' });
  return outfile;
}

/**
 * A customer's page on its own origin. Query parameters choose the embedding:
 * locale, position, title, accent, prechat (data attributes), `stub` (queue an open()
 * before the script loads), `widget=0` (the same page without the widget).
 */
function hostPage(gateway: string, url: URL): string {
  const q = url.searchParams;
  const attrs = ['title', 'locale', 'position', 'accent', 'prechat']
    .filter((k) => q.has(k))
    .map((k) => ` data-${k}="${q.get(k)}"`)
    .join('');
  const stub = q.has('stub') ? `<script>window.RelayDesk = window.RelayDesk || { q: [] }; RelayDesk.q.push(['open']);</script>` : '';
  const widget = q.get('widget') === '0' ? '' : `<script src="${gateway}/widget.js" async${attrs}></script>`;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Host</title><style>button{background:red;border:3px solid green} *{font-size:40px} body{margin:20px;font-family:serif}</style></head>
<body><h1>Host page</h1><p id="host-p">Hello from the host.</p><button id="host-btn">Host button</button>${stub}${widget}</body></html>`;
}

export interface Harness {
  browser: Browser;
  fake: FakeWebchatServer;
  site: StaticSite;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const fake = new FakeWebchatServer({ widgetFile: buildWidget(), demoFile: join(root, 'widget/demo.html'), identitySecret: IDENTITY_SECRET });
  await fake.start();
  const site = await serveStatic({ '/': (url) => hostPage(fake.url, url) });
  const browser = await launchChromium();
  return {
    browser,
    fake,
    site,
    close: async () => {
      await browser.close();
      await site.close();
      await fake.stop();
    },
  };
}

/** Page-side globals used by code passed to page.evaluate (the root tsconfig has no DOM lib). */
export interface PageGlobals {
  RelayDesk: {
    open(): void;
    close(): void;
    identify(identity: object): void;
    logout(): void;
    on(event: 'message', fn: (m: ServerMessage) => void): () => void;
  };
  document: { querySelector(selector: string): PageNode | null; activeElement: PageNode | null };
  localStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  sessionStorage: { getItem(key: string): string | null };
  DataTransfer: new () => { items: { add(file: unknown): void } };
  File: new (bits: unknown[], name: string, options: { type: string }) => unknown;
  ClipboardEvent: new (type: string, init: object) => unknown;
  DragEvent: new (type: string, init: object) => unknown;
  Event: new (type: string) => unknown;
  dispatchEvent(event: unknown): boolean;
  atob(data: string): string;
  received: ServerMessage[];
  stop?: () => void;
}

export interface PageNode {
  shadowRoot: { activeElement: PageNode | null; querySelector(selector: string): PageNode | null } | null;
  tagName: string;
  className: string;
  textContent: string | null;
  dispatchEvent(event: unknown): boolean;
}

export interface Opened {
  context: BrowserContext;
  page: Page;
}

/**
 * A fresh browser profile (its own storage) on the host page with the widget.
 * `prepare` runs before the page loads (routes must be in place before the
 * widget's socket.io takes its WebSocket constructor).
 */
export async function openHost(h: Harness, query: Record<string, string> = {}, options: BrowserContextOptions = {}, prepare?: (context: BrowserContext) => Promise<void>): Promise<Opened> {
  // Reduced motion: the panel appears without its slide-in, so boxes and screenshots are final at once.
  const context = await h.browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'en-GB', reducedMotion: 'reduce', ...options });
  context.setDefaultTimeout(8000);
  await prepare?.(context);
  const page = await context.newPage();
  page.on('pageerror', (err) => console.error('page error:', err));
  await page.goto(`${h.site.origin}/?${new URLSearchParams(query)}`);
  if (query.widget !== '0') await page.locator('.launcher').waitFor();
  return { context, page };
}

/** Locators of the widget's parts (Playwright's CSS engine looks into open shadow roots). */
export function ui(page: Page) {
  return {
    launcher: page.locator('.launcher'),
    badge: page.locator('.launcher .badge'),
    panel: page.locator('[role="dialog"]'),
    textbox: page.locator('[role="dialog"] textarea'),
    status: page.locator('[role="dialog"] .status'),
    messages: page.locator('[role="log"] .msg'),
    /** Choices labelled exactly `label` ('Incident' is not 'Mass incident'), oldest first. */
    choice: (label: string) => page.locator('[role="log"] .choice', { hasText: new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`) }),
    typing: page.locator('[role="dialog"] .typing'),
    preview: page.locator('[role="dialog"] .preview'),
    /** The "new message ↓" button shown while the visitor reads earlier messages. */
    pill: page.locator('[role="dialog"] .pill'),
    scroller: page.locator('[role="dialog"] .scroll'),
  };
}

/** Class names of the focused element inside the widget ('' when focus is elsewhere). */
export function focusedInWidget(page: Page): Promise<string> {
  return page.evaluate(() => {
    const w = globalThis as unknown as PageGlobals;
    const el = w.document.querySelector('#relaydesk-widget')?.shadowRoot?.activeElement;
    return el ? `${el.tagName.toLowerCase()} ${el.className}`.trim() : '';
  });
}

/** The fake server's visitor behind the page's stored token. */
export async function visitorOf(h: Harness, page: Page): Promise<Visitor> {
  const token = await page.evaluate((key) => (globalThis as unknown as PageGlobals).localStorage.getItem(key), `relaydesk:token:${h.fake.url}`);
  const v = token ? h.fake.visitorByToken(JSON.parse(token) as string) : undefined;
  if (!v) throw new Error('the page has no visitor yet');
  return v;
}

/** Texts of the shown messages, in order. */
export function shownTexts(page: Page): Promise<string[]> {
  return ui(page).messages.locator('.bubble').allTextContents();
}

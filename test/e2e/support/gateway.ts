/**
 * A file's browser tests against a real gateway: the gateway (embedded back
 * end, a DATA_DIR of its own), one Chromium, and pages that collect what goes
 * wrong in them.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { App } from '../../../src/app.js';
import { baseOf, makeTempDir, startTestApp, type TestAppOptions } from '../../support/app.js';
import { launchChromium } from './browser.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/**
 * The gateway serves console/dist and widget/dist; CI runs `npm test` on a
 * fresh checkout. Always builds the console; the widget too if asked and not
 * built yet.
 */
export function buildBundles(opts: { widget?: boolean } = {}): void {
  execFileSync(process.execPath, ['console/build.mjs'], { cwd: root, stdio: 'pipe' });
  if (opts.widget && !existsSync(`${root}widget/dist/widget.js`)) execFileSync(process.execPath, ['widget/build.mjs'], { cwd: root, stdio: 'pipe' });
}

export interface BrowserGateway {
  app: App;
  /** The gateway's origin, e.g. `http://127.0.0.1:41234`. */
  url: string;
  browser: Browser;
  /** What went wrong in pages from `open`: uncaught errors and Content Security Policy violations. */
  pageErrors: string[];
  /**
   * A page in a browser context of its own (en-GB, reduced motion, 10 s for
   * every wait) whose errors go to `pageErrors`.
   */
  open(viewport?: { width: number; height: number }): Promise<Page>;
  /** Closes the pages' contexts, the browser and the gateway, and removes its DATA_DIR. */
  close(): Promise<void>;
}

/** Starts a gateway (`opts` as startTestApp takes them, without the DATA_DIR) and launches Chromium. */
export async function startBrowserGateway(opts: Omit<TestAppOptions, 'dataDir'> = {}): Promise<BrowserGateway> {
  const tmp = await makeTempDir();
  let app: App | undefined;
  let browser: Browser;
  try {
    app = await startTestApp({ ...opts, dataDir: tmp.dir });
    browser = await launchChromium();
  } catch (err) {
    await app?.stop();
    await tmp.remove();
    throw err;
  }
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  return {
    app,
    url: baseOf(app),
    browser,
    pageErrors,
    async open(viewport = { width: 1366, height: 768 }) {
      const context = await browser.newContext({ viewport, locale: 'en-GB', reducedMotion: 'reduce' });
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      // Pages run under strict policies: anything one blocks (an inline style, a data: image) is a bug. Chromium
      // logs most violations to the console; the event also reports those inside the widget's shadow root.
      await context.addInitScript({
        content:
          "document.addEventListener('securitypolicyviolation', (e) => console.error('Content Security Policy violation: ' + e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline code') + ' in ' + e.documentURI));",
      });
      const page = await context.newPage();
      page.on('pageerror', (err) => pageErrors.push(err.message));
      page.on('console', (msg) => {
        if (msg.type() === 'error' && /Content Security Policy/i.test(msg.text())) pageErrors.push(msg.text());
      });
      return page;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await app.stop();
      await tmp.remove();
    },
  };
}

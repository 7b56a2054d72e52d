/**
 * Real Chromium for browser tests: Debian's /usr/bin/chromium driven by
 * playwright-core (never a browser downloaded by Playwright).
 *
 * Without the binary the suites are skipped with a visible reason, unless
 * RELAYDESK_REQUIRE_SERVICES=1 (set by .ci/run): then a missing browser fails.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a quiet, offline, sandbox-less headless run (we are root in a container). */
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

/** Where screenshots go (gitignored). */
export const artifactsDir = fileURLToPath(new URL('../../artifacts/', import.meta.url));

/** true when browser tests should run; throws when they must run but cannot. */
export function haveChromium(): boolean {
  if (existsSync(chromiumPath)) return true;
  if (process.env.RELAYDESK_REQUIRE_SERVICES === '1') {
    throw new Error(`${chromiumPath} is missing but RELAYDESK_REQUIRE_SERVICES=1: install it with \`apt-get install chromium\``);
  }
  return false;
}

/** One browser, to share across the tests of a file (open a new context per test). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
}

/** Saves a full-viewport PNG as test/artifacts/NAME.png and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true });
  const path = join(artifactsDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** A page body, or a function of the request URL that makes one (null → 404). */
export type StaticPage = string | ((url: URL) => string | null);

export interface StaticSite {
  /** e.g. `http://127.0.0.1:41234` */
  origin: string;
  close(): Promise<void>;
}

function contentType(path: string): string {
  if (path.endsWith('.js')) return 'text/javascript; charset=utf-8';
  if (path.endsWith('.css')) return 'text/css; charset=utf-8';
  return 'text/html; charset=utf-8';
}

/**
 * Serves fixed pages from 127.0.0.1 on a port of its own, so that a host page
 * is another origin than the gateway whose widget it embeds.
 */
export async function serveStatic(pages: Record<string, StaticPage>): Promise<StaticSite> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const page = pages[url.pathname];
    const body = typeof page === 'function' ? page(url) : page;
    if (body === undefined || body === null) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': contentType(url.pathname), 'cache-control': 'no-store' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * Web chat visitors for the mass incident browser test: each a browser context
 * of its own on a host page that embeds the widget (built from source), with
 * what the widget shows read as text.
 */
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import { ui } from '../widget/widget-harness.js';

export const DESKTOP = { width: 1366, height: 800 };
export const PHONE = { width: 390, height: 844 };

export interface Visitor {
  name: string;
  page: Page;
  /** Everything the widget shows, one message a line. */
  shown(): Promise<string>;
  /** Waits until the widget shows text matching `pattern`. */
  sees(pattern: RegExp): Promise<void>;
  /** Presses the newest live button labelled exactly `label`. */
  press(label: string): Promise<void>;
}

export interface VisitorSite {
  browser: Browser;
  /** The host page embedding the widget. */
  origin: string;
  /** The gateway, whose widget.js is answered with `widgetFile`. */
  gateway: string;
  widgetFile: string;
  /** Uncaught errors of the visitors' pages. */
  pageErrors: string[];
}

const exactly = (label: string) => new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);

/** Opens the host page for a new visitor (English, phone or desktop); the widget is not opened yet. */
export async function openVisitor(site: VisitorSite, name: string, viewport = DESKTOP): Promise<Visitor> {
  const phone = viewport.width < 600;
  const context = await site.browser.newContext({ viewport, locale: 'en-GB', reducedMotion: 'reduce', ...(phone ? { isMobile: true, hasTouch: true } : {}) });
  context.setDefaultTimeout(10_000);
  await context.route(`${site.gateway}/widget.js`, (route) => route.fulfill({ path: site.widgetFile, contentType: 'application/javascript; charset=utf-8' }));
  const page = await context.newPage();
  page.on('pageerror', (err) => site.pageErrors.push(`${name}: ${err.message}`));
  await page.goto(site.origin);
  await ui(page).launcher.waitFor();
  const shown = async () => (await ui(page).messages.allTextContents()).join('\n');
  return {
    name,
    page,
    shown,
    sees: (pattern) => expect.poll(shown, { timeout: 15_000 }).toMatch(pattern),
    press: (label) => page.locator('[role="log"] .choice:not([disabled])', { hasText: exactly(label) }).last().click(),
  };
}

/**
 * The intake of an incident in the widget (type, subject, description, no
 * screenshot, submit) while no mass incident is open; returns the request's number.
 */
export async function fileInWidget(v: Visitor, subject: string, description: string): Promise<string> {
  const w = ui(v.page);
  await w.launcher.click();
  await v.press('Incident');
  await v.sees(/short subject/);
  await w.textbox.fill(subject);
  await w.textbox.press('Enter');
  await v.sees(/Describe the problem/);
  await w.textbox.fill(description);
  await w.textbox.press('Enter');
  await v.sees(/Attach a screenshot/);
  await v.press('Skip');
  await v.sees(/Please check your request/);
  await v.press('Submit');
  await v.sees(/Request SR-\d+ has been created/);
  return /Request (SR-\d+) has been created/.exec(await v.shown())![1]!;
}

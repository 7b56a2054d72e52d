/**
 * A web chat visitor in the browser: the widget's intake steps, driven by
 * clicks, typing and a pasted screenshot, on a page that embeds the widget.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ui, type PageGlobals } from '../../widget/widget-harness.js';

const png = await readFile(new URL('../../fixtures/screenshot.png', import.meta.url));

/** Pastes test/fixtures/screenshot.png into the widget's text box as `error.png`, as a paste from the clipboard does. */
export async function pasteScreenshot(page: Page): Promise<void> {
  await page.evaluate((bytes) => {
    const w = globalThis as unknown as PageGlobals;
    const file = new w.File([new Uint8Array(bytes)], 'error.png', { type: 'image/png' });
    const data = new w.DataTransfer();
    data.items.add(file);
    const textarea = w.document.querySelector('#relaydesk-widget')!.shadowRoot!.querySelector('textarea')!;
    textarea.dispatchEvent(new w.ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, [...png]);
}

/** Everything the widget shows, one message a line. */
async function shown(page: Page): Promise<string> {
  return (await ui(page).messages.allTextContents()).join('\n');
}

const waitForText = (page: Page, pattern: RegExp) => expect.poll(() => shown(page), { timeout: 10_000 }).toMatch(pattern);

/**
 * Opens the widget and goes through the intake of an incident with a pasted
 * screenshot, up to the summary the visitor is asked to check.
 */
export async function intakeUpToReview(page: Page, request: { subject: string; description: string }): Promise<void> {
  const w = ui(page);
  await w.launcher.click();
  await w.textbox.fill('Hello');
  await w.textbox.press('Enter');
  // The newest offer: the widget may have offered the types on opening already, and again after the greeting.
  await w.choice('Incident').last().click();
  await waitForText(page, /short subject/);
  await w.textbox.fill(request.subject);
  await w.textbox.press('Enter');
  await waitForText(page, /Describe/i);
  await w.textbox.fill(request.description);
  await w.textbox.press('Enter');
  await waitForText(page, /Attach a screenshot/);
  await pasteScreenshot(page);
  await w.preview.waitFor();
  await w.textbox.press('Enter');
  await waitForText(page, /Please check your request/);
}

/** Submits the checked request; returns its number once the widget shows it. */
export async function submitIntake(page: Page): Promise<string> {
  await ui(page).choice('Submit').first().click();
  await waitForText(page, /SR-\d+/);
  return /SR-\d+/.exec(await shown(page))![0];
}

/** The whole intake (intakeUpToReview, then submitIntake); returns the new request's number. */
export async function fileRequestInWidget(page: Page, request: { subject: string; description: string }): Promise<string> {
  await intakeUpToReview(page, request);
  return submitIntake(page);
}

/**
 * The agent console in the browser: signing in, and page-side reads the
 * console tests share.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { ADMIN } from '../../console/console-client.js';

/** Signs `who` in at /console and waits until the console is online. */
export async function signIn(page: Page, gateway: string, who: { email: string; password: string } = ADMIN): Promise<void> {
  await page.goto(`${gateway}/console`);
  await page.getByTestId('login-email').fill(who.email);
  await page.getByTestId('login-password').fill(who.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('whoami').waitFor();
  await expect.poll(() => page.getByTestId('connection-status').getAttribute('data-state')).toBe('online');
}

/** naturalWidth of an <img>: 0 until it loaded (a data: URL the CSP blocked never loads). */
export const naturalWidth = (img: { evaluate<R>(fn: (el: unknown) => R): Promise<R> }) => img.evaluate((el) => (el as { naturalWidth: number }).naturalWidth);

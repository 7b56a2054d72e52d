/**
 * Watching the console's notifications and sounds in a real Chromium. The
 * browser context grants (or not) the notification permission; the page's
 * `Notification` keeps the browser's permission and requestPermission() but
 * records what would be shown instead of showing it, and `AudioContext`
 * counts the notes played. Both are put in place before the console loads.
 * A test can also pretend the tab is hidden.
 */
import type { Page } from 'playwright-core';

/** A notification the console made. */
export interface Shown {
  title: string;
  body: string;
  tag: string;
}

interface AlertGlobals {
  __notifications: Array<Shown & { onclick: ((e: unknown) => void) | null }>;
  __permissionRequests: number;
  __notes: number;
  __hidden: boolean;
  document: { dispatchEvent(e: unknown): void };
  Event: new (type: string) => unknown;
}

const STUBS = `(() => {
  const Real = window.Notification;
  window.__notifications = [];
  window.__permissionRequests = 0;
  window.__notes = 0;
  window.__hidden = false;
  class RecordedNotification {
    static get permission() { return Real.permission; }
    static requestPermission() { window.__permissionRequests++; return Real.requestPermission(); }
    constructor(title, options = {}) {
      this.title = title; this.body = options.body || ''; this.tag = options.tag || ''; this.onclick = null;
      window.__notifications.push(this);
    }
    close() {}
  }
  window.Notification = RecordedNotification;
  const param = () => ({ value: 0, setValueAtTime() {}, linearRampToValueAtTime() {}, exponentialRampToValueAtTime() {} });
  class CountingAudioContext {
    constructor() { this.state = 'running'; this.currentTime = 0; this.destination = {}; }
    resume() { return Promise.resolve(); }
    createOscillator() { return { frequency: param(), connect: (n) => n, start: () => { window.__notes++; }, stop() {} }; }
    createGain() { return { gain: param(), connect: (n) => n }; }
  }
  window.AudioContext = CountingAudioContext;
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (window.__hidden ? 'hidden' : 'visible') });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => window.__hidden });
})();`;

/** Installs the recorders in `page` (before it loads the console). */
export async function watchAlerts(page: Page): Promise<void> {
  await page.addInitScript({ content: STUBS });
}

/** The notifications shown so far on this page load. */
export const shown = (page: Page): Promise<Shown[]> =>
  page.evaluate(() => (globalThis as unknown as AlertGlobals).__notifications.map(({ title, body, tag }) => ({ title, body, tag })));

/** How many times the console asked for the permission on this page load. */
export const permissionRequests = (page: Page): Promise<number> => page.evaluate(() => (globalThis as unknown as AlertGlobals).__permissionRequests);

/** Notes the console's sound played on this page load. */
export const notesPlayed = (page: Page): Promise<number> => page.evaluate(() => (globalThis as unknown as AlertGlobals).__notes);

/** Clicks the `index`th notification shown, as the agent would on their desktop. */
export async function clickNotification(page: Page, index: number): Promise<void> {
  await page.evaluate((i) => {
    const n = (globalThis as unknown as AlertGlobals).__notifications[i];
    if (!n?.onclick) throw new Error(`notification ${i} has no click handler`);
    n.onclick({ type: 'click' });
  }, index);
}

/** Makes the tab look hidden (another tab in front) or visible again. */
export async function setHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate((h) => {
    const w = globalThis as unknown as AlertGlobals;
    w.__hidden = h;
    w.document.dispatchEvent(new w.Event('visibilitychange'));
  }, hidden);
}

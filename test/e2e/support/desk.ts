/**
 * A desk for the console's browser tests: a real gateway with the web chat and
 * an in-memory test channel whose customers file requests in a few calls (no
 * widget to drive), an admin signed in to the API, and the database behind it
 * for facts no route sets yet.
 */
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { webchatChannel } from '../../../src/channels/webchat/index.js';
import type { Locale } from '../../../src/console/console.api.js';
import { ADMIN, ADMIN_ENV, AgentClient } from '../../console/console-client.js';
import { TestChannel } from '../../support/test-channel.js';
import { signIn } from './console.js';
import { buildBundles, startBrowserGateway, type BrowserGateway } from './gateway.js';

export interface Desk {
  g: BrowserGateway;
  /** The gateway's origin. */
  url: string;
  channel: TestChannel;
  admin: AgentClient;
  /** Adds an agent through the API and returns their credentials. */
  addAgent(name: string, role?: 'agent' | 'admin'): Promise<{ id: string; email: string; password: string; name: string }>;
  close(): Promise<void>;
}

export async function startDesk(env: Record<string, string> = {}): Promise<Desk> {
  buildBundles();
  const channel = new TestChannel('test');
  const g = await startBrowserGateway({ channels: [webchatChannel, channel], env: { ...ADMIN_ENV, OUTBOX_POLL_INTERVAL: '100ms', ...env } });
  const admin = await AgentClient.login(g.url);
  return {
    g,
    url: g.url,
    channel,
    admin,
    async addAgent(name, role = 'agent') {
      const who = { email: `${name.toLowerCase().replace(/\W+/g, '.')}@example.com`, password: `${name}-password-1`, name };
      const res = await admin.post('/api/agents', { ...who, role });
      if (res.status !== 201) throw new Error(`adding ${name} failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { ...who, id: res.body.id as string };
    },
    close: () => g.close(),
  };
}

export interface Filing {
  subject?: string;
  description?: string;
  screenshot?: Buffer;
  displayName?: string;
  locale?: Locale;
}

/**
 * Takes a customer of the test channel through the intake, as the bot asks
 * (type, subject, description, screenshot or skip, confirm); returns the new
 * request's number. A customer's first message sets their name and language.
 */
export async function fileTestRequest(channel: TestChannel, who: string, f: Filing = {}): Promise<string> {
  let expected = channel.textsTo(who).length;
  const step = async (content: Parameters<TestChannel['say']>[1]) => {
    await channel.say(who, content);
    expected++;
    await channel.waitFor(who, expected);
  };
  await step(expected === 0 ? { text: 'Hello', displayName: f.displayName ?? who, ...(f.locale ? { locale: f.locale } : {}) } : { text: '/new' });
  await step({ choiceId: 'incident' });
  await step({ text: f.subject ?? 'Printer does not print' });
  await step({ text: f.description ?? 'Since this morning the printer shows error E-42.' });
  await step(f.screenshot ? { file: { data: f.screenshot, fileName: 'shot.png' } } : { choiceId: 'skip' });
  await step({ choiceId: 'confirm' });
  const number = /[A-Z][A-Z0-9]*-\d+/.exec(channel.textsTo(who).at(-1) ?? '')?.[0];
  if (!number) throw new Error(`no request number in ${JSON.stringify(channel.textsTo(who).at(-1))}`);
  return number;
}

/**
 * Signs `who` in and makes sure the console speaks English. The pages are
 * en-GB, so an account that never chose a language gets English as it is; an
 * account an earlier test switched to Russian is switched back (the top bar
 * keeps the choice with the account).
 */
export async function signInInEnglish(page: Page, gateway: string, who: { email: string; password: string } = ADMIN): Promise<void> {
  await signIn(page, gateway, who);
  if ((await page.getByTestId('language-switch').inputValue()) !== 'en') await page.getByTestId('language-switch').selectOption('en');
  await expect.poll(() => page.getByTestId('nav-requests').textContent()).toBe('Requests');
}

/** The numbers of the rows the request list shows, top first. */
export const listedNumbers = (page: Page) =>
  page.getByTestId('request-row').evaluateAll((rows) => rows.map((r) => (r as unknown as { dataset: { number: string } }).dataset.number));

/** A request row by its number. */
export const rowOf = (page: Page, number: string) => page.locator(`[data-testid="request-row"][data-number="${number}"]`);

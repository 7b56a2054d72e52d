/**
 * The customer's first minute (issue 11, items 2–5 and 7) through a whole
 * gateway on the embedded back end: real socket.io visitors on the web chat and
 * the real telegraf against the fake Bot API. What the conversation engine
 * decides is tested in test/conversation; here, that the channels and the
 * gateway give it what it needs (the channel's menu, the pre-chat step from the
 * page or the desk settings, the opening prompt, the follow-up window) and that
 * what it collects lands in the store and the agent API.
 */
import type { Message } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { telegramChannel } from '../../src/channels/telegram/index.js';
import { webchatChannel } from '../../src/channels/webchat/index.js';
import { identityHash } from '../../src/channels/webchat/visitor-token.js';
import { ADMIN_ENV, AgentClient } from '../console/console-client.js';
import { Visitor } from '../channels/webchat/webchat-client.js';
import { FakeBotApi, type AnyMessage } from '../fakes/telegram/fake-bot-api.js';
import { pressButton, textMessage, user } from '../fakes/telegram/updates.js';
import { baseOf, makeTempDir, startTestApp } from '../support/app.js';

const IDENTITY_SECRET = 'identity-secret-for-tests';
const HOUR_MS = 60 * 60 * 1000;
/** Starting a gateway (PGlite, migrations, telegraf's start-up calls) on a loaded 2-core machine. */
const STARTS_A_GATEWAY_MS = 180_000;

let app: App;
let base: string;
let fake: FakeBotApi;
let admin: AgentClient;
let cleanup: () => Promise<void>;
/** The gateway's clock: tests move it to step past the follow-up window. */
let now = Date.parse('2026-12-01T09:00:00Z');
const visitors: Visitor[] = [];
const visitor = async (auth: Record<string, unknown> = {}) => {
  const v = new Visitor(base, auth);
  visitors.push(v);
  return v.ready();
};

beforeAll(async () => {
  const tmp = await makeTempDir();
  fake = new FakeBotApi();
  await fake.start();
  app = await startTestApp({
    dataDir: tmp.dir,
    channels: [webchatChannel, telegramChannel],
    clock: () => new Date(now),
    env: { ...ADMIN_ENV, WEBCHAT_IDENTITY_SECRET: IDENTITY_SECRET, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url },
  });
  base = baseOf(app);
  admin = await AgentClient.login(base);
  cleanup = async () => {
    for (const v of visitors) v.close();
    await app.stop();
    await fake.stop();
    await tmp.remove();
  };
}, STARTS_A_GATEWAY_MS);
afterAll(() => cleanup?.());

/** The bot's messages to a Telegram chat, waiting until there are `count`. */
async function botMessages(chatId: number, count: number): Promise<AnyMessage[]> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const sent = fake.sentMessages(chatId);
    if (sent.length >= count) return sent;
    if (Date.now() > deadline) throw new Error(`expected ${count} bot messages in chat ${chatId}, got ${JSON.stringify(sent.map((m) => m.text))}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The request the Telegram customer filed in the first test. */
let telegramRequest: { number: string; chatId: number };
const choiceIds = (m: { choices?: Array<{ id: string }> }) => (m.choices ?? []).map((c) => c.id);
const TYPES = ['incident', 'mass_incident', 'consultation', 'development_request'];
const buttonData = (m: AnyMessage) => (m.reply_markup?.inline_keyboard.flat() ?? []).map((b: { callback_data?: string }) => b.callback_data);

describe("the customer's first minute", () => {
  it('keeps a Telegram customer\'s first message as the problem: it is in the summary and the request', async () => {
    const from = user({ id: 7101, first_name: 'Ирина', language_code: 'ru' });
    fake.userSends(textMessage({ from, text: 'Здравствуйте, не выгружается счёт в PDF' }));
    const [answer] = await botMessages(from.id, 1);
    expect(answer!.text).toContain('не выгружается счёт в PDF');
    expect(buttonData(answer!)).toEqual(['incident', 'mass_incident', 'consultation', 'development_request']);

    fake.userSends(pressButton(answer as Message, { data: 'incident' }, { from }));
    // The description is there already: the next question is the screenshot, with a way to skip it.
    const asked = (await botMessages(from.id, 2))[1]!;
    expect(buttonData(asked)).toContain('skip');
    fake.userSends(pressButton(asked as Message, { data: 'skip' }, { from }));
    const summary = (await botMessages(from.id, 3))[2]!;
    expect(summary.text).toContain('Описание: Не выгружается счёт в PDF');
    fake.userSends(pressButton(summary as Message, { data: 'confirm' }, { from }));
    const created = (await botMessages(from.id, 4))[3]!;
    const number = /SR-\d+/.exec(created.text ?? '')![0];
    telegramRequest = { number, chatId: from.id };
    const request = await app.store.getRequest(number);
    expect(request).toMatchObject({ channel: 'telegram', type: 'incident' });
    expect(`${request!.subject}\n${request!.description}`).toContain('Не выгружается счёт в PDF');
    // Telegram keeps its commands: its hints name them.
    fake.userSends(textMessage({ from, text: '/help' }));
    expect((await botMessages(from.id, 5))[4]!.text).toContain('/new');
  });

  it('greets a web visitor at once without storing anything, and keeps the first message they write instead', async () => {
    const v = await visitor({ locale: 'en' });
    expect(v.opening).toMatchObject({ id: '0', from: 'bot' });
    expect(choiceIds(v.opening!)).toEqual([...TYPES, 'menu:lang:ru']);
    expect(await app.store.findCustomer('webchat', v.session!.visitorId)).toBeNull();

    await v.say('The invoices page stays blank after login since this morning, on every browser.');
    const askType = await v.waitForBot(1);
    expect(askType.text).not.toContain('Hello'); // the greeting is not said twice
    expect(choiceIds(askType)).toEqual([...TYPES, 'menu:lang:ru']);
    await v.press('consultation');
    await v.waitForBot(2); // its subject: the description is known already
    await v.say('Blank invoices page');
    await v.press('skip');
    const summary = await v.waitForBot(4);
    expect(summary.text).toContain('The invoices page stays blank after login');
    expect(choiceIds(summary)).toContain('confirm');
  });

  it('tells admins which channels run, so the console can say Telegram is configured', async () => {
    expect((await admin.get('/api/channels')).body.configured).toEqual(['telegram', 'webchat']);
  });

  it('offers web visitors buttons where Telegram customers get commands', async () => {
    const v = await visitor({ locale: 'ru' });
    await v.say('/help');
    const help = await v.waitForBot(1);
    expect(help.text).not.toContain('/new');
    expect(choiceIds(help)).toEqual(['menu:new', 'menu:status', 'menu:lang:en']);
    await v.press('menu:lang:en');
    expect((await v.waitForBot(2)).text).toMatch(/English/);
  });

  it('offers web visitors the language as a button on the greeting, and answers a typed command with buttons (item 3)', async () => {
    const v = await visitor({ locale: 'ru' });
    expect(choiceIds(v.opening!)).toEqual([...TYPES, 'menu:lang:en']);
    await v.press('menu:lang:en');
    const english = await v.waitForBot(1);
    expect(english.text).toMatch(/^Done, I'll speak English from now on\.\n\nChoose the request type/);
    expect(choiceIds(english)).toEqual([...TYPES, 'menu:lang:ru']);
    expect(await app.store.findCustomer('webchat', v.session!.visitorId)).toMatchObject({ locale: 'en' });

    await v.say('/x');
    const unknown = await v.waitForBot(2);
    expect(unknown.text).toMatch(/^I don't know the command \/x\. Here, everything is done with the buttons\./);
    expect(unknown.text).not.toMatch(/\/help|\/new/);
    expect(choiceIds(unknown)).toEqual([...TYPES, 'menu:new', 'menu:status', 'menu:lang:ru']);

    // Telegram keeps its commands: an unknown one points to /help.
    const from = user({ id: 7102, first_name: 'Oleg', language_code: 'ru' });
    fake.userSends(textMessage({ from, text: '/x' }));
    expect((await botMessages(from.id, 1))[0]!.text).toContain('/help');
  });

  it('keeps text typed at the screenshot step: added to the description, said so, in the summary and the request (item 5)', async () => {
    const v = await visitor({ locale: 'en' });
    await v.press('incident');
    await v.say('Invoice PDF export fails');
    await v.say('Pressing Export PDF on an invoice shows a spinner and no file.');
    expect(choiceIds(await v.waitForBot(3))).toEqual(['skip']);
    await v.say('It started after the update to 5.2');
    const kept = await v.waitForBot(4);
    expect(kept.text).toMatch(/^Added to the description: “It started after the update to 5\.2”\.\n\nAttach a screenshot/);
    expect(choiceIds(kept)).toEqual(['skip']);
    await v.press('skip');
    const summary = await v.waitForBot(5);
    expect(summary.text).toContain('Description: Pressing Export PDF on an invoice shows a spinner and no file.\n\nIt started after the update to 5.2');
    await v.press('confirm');
    const number = /SR-\d+/.exec((await v.waitForBot(6)).text ?? '')![0];
    expect((await app.store.getRequest(number))!.description).toBe('Pressing Export PDF on an invoice shows a spinner and no file.\n\nIt started after the update to 5.2');

    // /status reads the number as the agent API does (item 10): #1042 and "sr 1042" find it, SR_1042 is no number.
    const counter = number.split('-')[1]!;
    await v.say(`/status #${counter}`);
    expect((await v.waitForBot(7)).text).toContain(`${number} — Invoice PDF export fails`);
    await v.say(`/status sr ${counter}`);
    expect((await v.waitForBot(8)).text).toContain(`${number} — Invoice PDF export fails`);
    await v.say(`/status SR_${counter}`);
    expect((await v.waitForBot(9)).text).toMatch(/^Usage: \/status/);
  });

  it("asks for a name and an e-mail or phone when the page asks, and agents see and find them", async () => {
    const v = await visitor({ locale: 'en', prechat: true });
    expect(v.opening!.text).toMatch(/your name/i);
    expect(choiceIds(v.opening!)).toEqual(['menu:lang:ru']);
    expect(await app.store.findCustomer('webchat', v.session!.visitorId)).toBeNull();

    await v.say('Anna Smirnova');
    expect((await v.waitForBot(1)).text).toMatch(/e-mail address or a phone number/);
    await v.say('anna at example');
    expect((await v.waitForBot(2)).text).toMatch(/doesn't look like an e-mail/);
    await v.say('Anna.Smirnova@Example.com');
    const askType = await v.waitForBot(3);
    expect(choiceIds(askType)).toEqual([...TYPES, 'menu:lang:ru']);
    const customer = await app.store.findCustomer('webchat', v.session!.visitorId);
    expect(customer).toMatchObject({ displayName: 'Anna Smirnova', email: 'anna.smirnova@example.com', phone: null });

    await v.press('incident');
    await v.say('Export to PDF fails');
    await v.say('Pressing Export on any invoice shows an error and no file.');
    await v.press('skip');
    await v.press('confirm');
    const created = await v.waitForBot(8);
    const number = /SR-\d+/.exec(created.text ?? '')![0];
    const found = (await admin.get(`/api/requests?q=${encodeURIComponent('anna.smirnova@example')}`)).body.requests;
    expect(found.map((r: { number: string }) => r.number)).toEqual([number]);
    expect((await admin.get(`/api/requests/${number}`)).body.customer).toMatchObject({ displayName: 'Anna Smirnova', email: 'anna.smirnova@example.com' });
  });

  it('skips the pre-chat step for a visitor the site identified', async () => {
    const v = await visitor({ locale: 'en', prechat: true, identity: { externalId: 'crm-77', name: 'Pavel', hash: identityHash(IDENTITY_SECRET, 'crm-77') } });
    expect(choiceIds(v.opening!)).toEqual([...TYPES, 'menu:lang:ru']);
    await v.press('incident');
    expect((await v.waitForBot(1)).text).toMatch(/subject/i);
  });

  it('turns the pre-chat step on for every web visitor from the desk settings', async () => {
    expect((await admin.call('PATCH', '/api/settings', { prechat: true })).status).toBe(200);
    try {
      const v = await visitor({ locale: 'en' });
      expect(v.opening!.text).toMatch(/your name/i);
      await v.say('Oleg');
      expect((await v.waitForBot(1)).text).toMatch(/e-mail address or a phone number/);
      await v.say('+7 (912) 345-67-89');
      await v.waitForBot(2);
      expect(await app.store.findCustomer('webchat', v.session!.visitorId)).toMatchObject({ displayName: 'Oleg', phone: '+79123456789', email: null });
    } finally {
      await admin.call('PATCH', '/api/settings', { prechat: false });
    }
  });

  it("signs agents' replies with their name, or as support's when the desk settings hide names", async () => {
    const { number, chatId } = telegramRequest;
    const v = await visitor({ locale: 'en' });
    await v.press('incident');
    await v.say('Cannot attach files');
    await v.say('The attach button in the editor does nothing when clicked.');
    await v.press('skip');
    await v.press('confirm');
    const webNumber = /SR-\d+/.exec((await v.waitForBot(5)).text ?? '')![0];

    let n = fake.sentMessages(chatId).length;
    await admin.post(`/api/requests/${number}/messages`, { text: 'Проверяем выгрузку.' });
    expect((await botMessages(chatId, ++n)).at(-1)!.text).toBe('Admin (поддержка):\nПроверяем выгрузку.');
    await admin.post(`/api/requests/${webNumber}/messages`, { text: 'Looking into it.' });
    expect(await v.waitForBot(6)).toMatchObject({ from: 'agent', agentName: 'Admin', text: 'Looking into it.' });

    expect((await admin.call('PATCH', '/api/settings', { agentNameInReplies: false })).status).toBe(200);
    try {
      await admin.post(`/api/requests/${number}/messages`, { text: 'Нашли причину.' });
      expect((await botMessages(chatId, ++n)).at(-1)!.text).toBe('Специалист поддержки:\nНашли причину.');
      await admin.post(`/api/requests/${webNumber}/messages`, { text: 'Found it.' });
      const hidden = await v.waitForBot(7);
      expect(hidden).toMatchObject({ from: 'agent', text: 'Found it.' });
      expect(hidden.agentName).toBeUndefined();
    } finally {
      await admin.call('PATCH', '/api/settings', { agentNameInReplies: true });
    }
  });

  it('files a message soon after closing under the closed request, and a later one starts a new intake', async () => {
    const v = await visitor({ locale: 'en' });
    await v.press('incident');
    await v.say('Login loops back to the form');
    await v.say('After entering the password the login form shows again, no error.');
    await v.press('skip');
    await v.press('confirm');
    const number = /SR-\d+/.exec((await v.waitForBot(5)).text ?? '')![0];
    await app.gateway.changeStatus({ number, to: 'closed', comment: null, actor: { kind: 'agent', agentId: admin.session.agent.id } });
    await v.waitForBot(6); // the closing notice

    now += HOUR_MS;
    await v.say('Thanks!');
    const answer = await v.waitForBot(7);
    expect(answer.text).toContain(number);
    expect(choiceIds(answer)).toEqual(['reopen', 'menu:new', 'menu:lang:ru']);
    const request = (await admin.get(`/api/requests/${number}`)).body;
    expect(request.status).toBe('closed');
    expect(request.messages.map((m: { text: string | null }) => m.text)).toContain('Thanks!');

    now += 25 * HOUR_MS; // past the 24 h window
    await v.say('Hello again, the reports page is slow.');
    const next = await v.waitForBot(8);
    expect(next.text).not.toContain(number);
    expect(choiceIds(next)).toEqual([...TYPES, 'menu:lang:ru']);
  });
});

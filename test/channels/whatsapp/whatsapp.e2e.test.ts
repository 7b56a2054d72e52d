/**
 * The WhatsApp channel in a whole gateway, driven through the fake
 * whatsapp-web.js client (test/fakes/whatsapp): pairing, the intake with an
 * image, agents' replies, duplicates, ignored chats, reconnects, a logout from
 * the phone, and one client among several instances.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { whatsappChannelWith } from '../../../src/channels/whatsapp/index.js';
import { startTestApp } from '../../support/app.js';
import { embeddedBackend, productionBackend, type BackendEnv } from '../../support/backends.js';
import { ADMIN_ENV, AgentClient, baseOf } from '../../console/console-client.js';
import { FakeWhatsApp } from '../../fakes/whatsapp/fake-whatsapp.js';

const png = await readFile(new URL('../../fixtures/screenshot.png', import.meta.url));
const WA_ENV = { ...ADMIN_ENV, WHATSAPP_ENABLED: 'true', WHATSAPP_CHAT_GAP: '1s', WHATSAPP_SEND_GAP: '1s' };

async function waitUntil<T>(read: () => Promise<T> | T, ok: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const stateOf = async (app: App) => ((await (await fetch(`${baseOf(app)}/ready`)).json()) as { channels?: { whatsapp?: { state: string; qr?: unknown } } }).channels?.whatsapp;

describe('WhatsApp through the fake client', () => {
  let env: BackendEnv;
  let fake: FakeWhatsApp;
  let app: App;
  let agent: AgentClient;
  const customer = '79001234567@c.us';

  /** What the bot sent to `chat`, once there are `count` messages. */
  const botSaid = async (chat: string, count: number) => (await fake.waitForSent(chat, count, 15_000)).map((c) => c.body);

  beforeAll(async () => {
    env = await embeddedBackend.setup();
    fake = new FakeWhatsApp({ qrIntervalMs: 60_000 });
    app = await startTestApp({ ...env, channels: [whatsappChannelWith(fake.driver)], env: WA_ENV });
    agent = await AgentClient.login(baseOf(app));
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.shutdown();
    await env?.cleanup();
  });

  it('waits for a scan, shows the state in /ready without the QR code, and is ready once scanned', async () => {
    const waiting = await waitUntil(() => stateOf(app), (s) => s?.state === 'waiting_for_scan', 'state before the scan');
    expect(waiting).not.toHaveProperty('qr');
    expect((await fetch(`${baseOf(app)}/ready`)).status).toBe(200); // informational: never fails /ready
    const channels = await agent.get('/api/channels');
    expect(channels.body.channels[0]).toMatchObject({ channel: 'whatsapp', state: 'waiting_for_scan' });
    expect(channels.body.channels[0].qrSvg).toMatch(/^<svg/);
    await fake.scanNextQr();
    await waitUntil(() => stateOf(app), (s) => s?.state === 'ready', 'state after the scan');
  });

  it('files a request with an image, choices answered by label and by number', async () => {
    fake.userSends({ from: customer, body: 'Здравствуйте', notifyName: 'Иван' });
    const [greeting] = await botSaid(customer, 1);
    expect(greeting).toContain('1. Инцидент');
    expect(greeting).toContain('Ответьте номером или названием варианта.');
    const say = (body: string) => fake.userSends({ from: customer, body, notifyName: 'Иван' });
    say('инцидент');
    await botSaid(customer, 2);
    say('Не работает принтер');
    await botSaid(customer, 3);
    say('С утра принтер в бухгалтерии выдаёт ошибку E-42.');
    await botSaid(customer, 4);
    say('Вот, пожалуйста');
    // Text where a screenshot was asked is kept: added to the description, said so, and the screenshot asked again.
    const kept = (await botSaid(customer, 5)).at(-1)!;
    expect(kept).toMatch(/^Добавил к описанию: «Вот, пожалуйста»\.\n\nПриложите скриншот/);
    // The image's caption is added too.
    fake.userSendsImage({ from: customer, bytes: png, mimetype: 'image/png', caption: 'ошибка', notifyName: 'Иван' });
    const summary = (await botSaid(customer, 6)).at(-1)!;
    const description = 'С утра принтер в бухгалтерии выдаёт ошибку E-42.\n\nВот, пожалуйста\n\nошибка';
    expect(summary).toContain(`Описание: ${description}\nСкриншот: приложен`);
    expect(summary).toMatch(/1\. Отправить\n2\. Изменить\n3\. Отменить/);
    say('1');
    const created = (await botSaid(customer, 7)).at(-1)!;
    const number = /SR-\d+/.exec(created)![0];
    const request = await app.store.getRequest(number);
    expect(request).toMatchObject({ channel: 'whatsapp', type: 'incident', customer: { externalId: customer, displayName: 'Иван' } });
    expect(request!.description).toBe(description);
    expect(request!.attachments.map((a) => a.mimeType)).toEqual(['image/png']);
    expect(await app.attachments.read(request!.attachments[0]!)).toEqual(png);
  });

  it('relays an agent reply with an image and a solution the customer accepts by number', async () => {
    const number = (await agent.get('/api/requests?channel=whatsapp')).body.requests[0].number as string;
    let n = fake.sent(customer).length;
    await agent.post(`/api/requests/${number}/messages`, { text: 'Перезагрузите принтер, пожалуйста.' });
    expect((await botSaid(customer, ++n)).at(-1)).toBe('Admin (поддержка):\nПерезагрузите принтер, пожалуйста.');

    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(png)]), 'how.png');
    const uploaded = (await (await fetch(`${baseOf(app)}/api/requests/${number}/attachments`, { method: 'POST', body: form, headers: { authorization: `Bearer ${agent.session.token}` } })).json()) as { id: string };
    await agent.post(`/api/requests/${number}/messages`, { text: 'Вот так', attachmentIds: [uploaded.id] });
    const media = (await fake.waitForSent(customer, ++n, 15_000)).at(-1)!;
    expect(media.kind).toBe('media');
    expect(media.caption).toBe('Admin (поддержка):\nВот так');
    expect(Buffer.compare(media.media!.bytes, png)).toBe(0);

    await agent.post(`/api/requests/${number}/status`, { status: 'solution_provided', comment: 'Заменили картридж.' });
    const solution = (await botSaid(customer, ++n)).at(-1)!;
    expect(solution).toContain('Заменили картридж.');
    expect(solution).toContain('1. Решено');
    fake.userSends({ from: customer, body: '1', notifyName: 'Иван' });
    await botSaid(customer, ++n);
    await waitUntil(async () => (await agent.get(`/api/requests/${number}`)).body.status, (s) => s === 'closed', 'request status');
  });

  it("keeps a customer's first message as the problem: in the summary and the request (issue 11, item 2)", async () => {
    const who = '79005550011@c.us';
    const say = (body: string) => fake.userSends({ from: who, body, notifyName: 'Ирина' });
    say('Здравствуйте, не выгружается счёт в PDF');
    const [first] = await botSaid(who, 1);
    expect(first).toContain('Записал: «не выгружается счёт в PDF». Это войдёт в заявку.');
    expect(first).toContain('1. Инцидент');
    say('1');
    // Subject and description are known: the next question is the screenshot.
    const asked = (await botSaid(who, 2)).at(-1)!;
    expect(asked).toMatch(/^Приложите скриншот[\s\S]*1\. Пропустить/);
    say('1');
    const summary = (await botSaid(who, 3)).at(-1)!;
    expect(summary).toContain('Тема: Не выгружается счёт в PDF\nОписание: Не выгружается счёт в PDF\nСкриншот: нет');
    say('1');
    const number = /SR-\d+/.exec((await botSaid(who, 4)).at(-1)!)![0];
    expect(await app.store.getRequest(number)).toMatchObject({
      channel: 'whatsapp',
      type: 'incident',
      subject: 'Не выгружается счёт в PDF',
      description: 'Не выгружается счёт в PDF',
      customer: { externalId: who, displayName: 'Ирина' },
    });
    expect(fake.sent(who).map((m) => m.body).join('\n')).not.toMatch(/Коротко сформулируйте тему|Опишите проблему/);
  });

  it('applies a duplicate message once and ignores groups, statuses and its own messages', async () => {
    const other = '79007654321@c.us';
    const hello = fake.userSends({ from: other, body: 'Добрый день' });
    await botSaid(other, 1);
    fake.redeliver(hello);
    fake.groupMessage({ body: 'всем привет', author: other } as never);
    fake.statusBroadcast({ from: other } as never);
    fake.phoneSends({ to: other, body: 'написал с телефона' });
    fake.userSends({ from: other, body: '1' });
    await botSaid(other, 2);
    await app.outbox.flush();
    expect(fake.sent(other)).toHaveLength(2); // the greeting once, then the subject prompt
    const customerRow = await app.store.upsertCustomer({ channel: 'whatsapp', externalId: other, locale: 'ru' });
    const inbound = (await app.store.listCustomerMessages(customerRow.id, { limit: 50 })).messages.filter((m) => m.direction === 'inbound');
    expect(inbound.map((m) => m.text)).toEqual(['Добрый день', '1']);
  });

  it('reconnects after a disconnect, and asks for a new scan after a logout from the phone', async () => {
    const before = fake.clients.length;
    fake.disconnect('CONFLICT');
    await waitUntil(() => stateOf(app), (s) => s?.state === 'disconnected', 'state after the disconnect', 5000);
    await waitUntil(() => stateOf(app), (s) => s?.state === 'ready', 'state after reconnecting');
    expect(fake.clients.length).toBe(before + 1);
    expect(fake.maxAliveAtOnce).toBe(1);

    fake.logoutFromPhone();
    await waitUntil(() => stateOf(app), (s) => s?.state === 'logged_out' || s?.state === 'waiting_for_scan', 'state after the logout');
    await waitUntil(() => stateOf(app), (s) => s?.state === 'waiting_for_scan', 'a new QR code after the logout');
    await fake.scanNextQr();
    await waitUntil(() => stateOf(app), (s) => s?.state === 'ready', 'state after the new scan');
    fake.userSends({ from: '79005550000@c.us', body: 'снова на связи' });
    await botSaid('79005550000@c.us', 1);
  });
});

describe.skipIf(!productionBackend.enabled)('WhatsApp with two instances on one Redis (PostgreSQL + Redis)', () => {
  it('runs one client, hands the other instance\'s deliveries to it, and fails over when it stops', async () => {
    const env = await productionBackend.setup();
    // Both instances share DATA_DIR, as they would share a volume: the linked session survives the failover.
    const fake = new FakeWhatsApp({ qrIntervalMs: 60_000 });
    const start = () => startTestApp({ ...env, channels: [whatsappChannelWith(fake.driver)], env: WA_ENV });
    const apps = [await start(), await start()];
    const runsClient = async (app: App) => ((await stateOf(app)) as { runsClient?: boolean } | undefined)?.runsClient === true;
    try {
      await fake.scanNextQr();
      const states = await waitUntil(() => Promise.all(apps.map(stateOf)), (s) => s.every((x) => x?.state === 'ready'), 'both instances show ready');
      expect(states.map((s) => (s as { runsClient?: boolean }).runsClient).sort()).toEqual([false, true]);
      expect(fake.maxAliveAtOnce).toBe(1);
      const leader = (await runsClient(apps[0]!)) ? 0 : 1;
      const standby = 1 - leader;

      // A customer files a request; an agent signed in on the standby instance answers it.
      const customer = '79001112233@c.us';
      const say = (body: string) => fake.userSends({ from: customer, body, notifyName: 'Olga' });
      for (const [i, body] of ['Добрый день', '1', 'Не печатает принтер', 'Принтер не печатает с самого утра.', '1'].entries()) {
        say(body);
        await fake.waitForSent(customer, i + 1, 15_000);
      }
      say('1');
      const created = (await fake.waitForSent(customer, 6, 15_000)).at(-1)!.body;
      const number = /SR-\d+/.exec(created)![0];
      const agent = await AgentClient.login(baseOf(apps[standby]!));
      expect((await agent.post(`/api/requests/${number}/messages`, { text: 'Ответ со второго экземпляра' })).status).toBe(201);
      const reply = (await fake.waitForSent(customer, 7, 15_000)).at(-1)!;
      expect(reply.body).toBe('Admin (поддержка):\nОтвет со второго экземпляра');
      expect(fake.clients.filter((c) => c.alive)).toHaveLength(1);

      // The instance with the client stops: the other one takes the session over, with no new scan.
      await apps[leader]!.stop();
      await waitUntil(() => runsClient(apps[standby]!), (r) => r, 'the standby instance takes over', 30_000);
      await waitUntil(() => stateOf(apps[standby]!), (s) => s?.state === 'ready', 'ready after the failover');
      expect(fake.maxAliveAtOnce).toBe(1);
      say('Принтер снова не печатает');
      await fake.waitForSent(customer, 8, 15_000);
      const view = await agent.get(`/api/requests/${number}`);
      expect(view.body.messages.some((m: { text: string }) => m.text === 'Принтер снова не печатает')).toBe(true);
    } finally {
      for (const app of apps) await app.stop().catch(() => undefined);
      await fake.shutdown();
      await env.cleanup();
    }
  });
});

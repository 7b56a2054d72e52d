/**
 * Mass incidents as a WhatsApp customer meets them (issue 13): a whole gateway
 * driven through the fake whatsapp-web.js client (test/fakes/whatsapp), on the
 * back end of whatsapp.e2e. WhatsApp has no buttons here: the offer and the
 * solution come as numbered lists the customer answers with a number. An agent
 * declares an incident over the API; a new customer joins it with "1"; an
 * earlier request is linked by the agent; updates and the solution reach each
 * linked customer in their own language; "not solved" takes a request out.
 *
 * The chats are paced as whatsapp.e2e paces them (one message per chat a
 * second): every wait is for a message or a state, never a fixed sleep.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { whatsappChannelWith } from '../../../src/channels/whatsapp/index.js';
import { startTestApp } from '../../support/app.js';
import { embeddedBackend, type BackendEnv } from '../../support/backends.js';
import { ADMIN_ENV, AgentClient, baseOf, type Json } from '../../console/console-client.js';
import { FakeWhatsApp } from '../../fakes/whatsapp/fake-whatsapp.js';

const WA_ENV = { ...ADMIN_ENV, WHATSAPP_ENABLED: 'true', WHATSAPP_CHAT_GAP: '1s', WHATSAPP_SEND_GAP: '1s' };
/** How long one bot message may take: the pace holds each a second, and a busy machine more. */
const MESSAGE_DEADLINE_MS = 15_000;

const TITLES = { ru: 'Сбой оплаты картой', en: 'Card payments fail' };
const FIRST_UPDATE = 'Инженеры восстанавливают платёжный шлюз.';
const SECOND_UPDATE = 'Gateway restarted: payments go through with a delay.';
const SOLUTION = 'Платёжный шлюз заменён, оплата проходит.';
const HINT = { ru: 'Ответьте номером или названием варианта.', en: 'Reply with the number or the name of an option.' };

/**
 * A WhatsApp customer of the fake: what they write, and what the bot sent them
 * one message at a time (the text they read, choices included as the list).
 */
class WhatsappCustomer {
  private seen = 0;

  constructor(
    private readonly fake: FakeWhatsApp,
    readonly chatId: string,
    readonly name: string,
  ) {}

  /** The bot's next message to this customer, once it has been sent. */
  async next(): Promise<string> {
    const sent = await this.fake.waitForSent(this.chatId, this.seen + 1, MESSAGE_DEADLINE_MS);
    return sent[this.seen++]!.body;
  }

  says(body: string): Promise<string> {
    this.fake.userSends({ from: this.chatId, body, notifyName: this.name });
    return this.next();
  }

  /** Every bot message to this customer so far. */
  all(): string[] {
    return this.fake.sent(this.chatId).map((c) => c.body);
  }

  /** The bot's messages sent but not yet taken with `next`. */
  unread(): string[] {
    return this.all().slice(this.seen);
  }
}

async function waitUntil<T>(read: () => Promise<T> | T, ok: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const stateOf = async (app: App) => ((await (await fetch(`${baseOf(app)}/ready`)).json()) as { channels?: { whatsapp?: { state: string } } }).channels?.whatsapp?.state;

/** The request number in a bot text other than the incident's. */
function ownNumber(text: string, incident: string): string {
  const found = text.match(/[A-Z]+-\d+/g)?.find((n) => n !== incident);
  if (!found) throw new Error(`no request number other than ${incident} in ${JSON.stringify(text)}`);
  return found;
}

describe('WhatsApp and mass incidents, through the fake client', () => {
  let env: BackendEnv;
  let fake: FakeWhatsApp;
  let app: App;
  let agent: AgentClient;
  let olga: WhatsappCustomer; // new while the incident is open: takes the offer
  let john: WhatsappCustomer; // filed before it; English by /lang en
  let petr: WhatsappCustomer; // new while it is open: something else
  let incident: string;
  let olgaRequest: string;
  let johnRequest: string;

  beforeAll(async () => {
    env = await embeddedBackend.setup();
    fake = new FakeWhatsApp({ qrIntervalMs: 60_000 });
    app = await startTestApp({ ...env, channels: [whatsappChannelWith(fake.driver)], env: WA_ENV });
    agent = await AgentClient.login(baseOf(app));
    await fake.scanNextQr();
    await waitUntil(() => stateOf(app), (s) => s === 'ready', 'WhatsApp state after the scan');
    olga = new WhatsappCustomer(fake, '79009130001@c.us', 'Ольга');
    john = new WhatsappCustomer(fake, '79009130002@c.us', 'John');
    petr = new WhatsappCustomer(fake, '79009130003@c.us', 'Пётр');
  });
  afterAll(async () => {
    await app?.stop();
    await fake?.shutdown();
    await env?.cleanup();
  });

  const request = async (number: string): Promise<Json> => {
    const res = await agent.get(`/api/requests/${number}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  it('files a request the usual way while no incident is open, in English after /lang en', async () => {
    await john.says('/lang en');
    const type = await john.says('/new');
    expect(type).toMatch(/^Choose the request type/);
    expect(type).toContain('1. Incident\n2. Mass incident\n3. Consultation\n4. Development request');
    expect(await john.says('1')).toMatch(/^Give the request a short subject/);
    expect(await john.says('Card payment fails at checkout')).toMatch(/^Describe the problem/);
    const screenshot = await john.says('Since 9 am every card payment on the site ends with an error.');
    expect(screenshot).toContain('1. Skip');
    expect(await john.says('1')).toContain('Card payment fails at checkout');
    const created = await john.says('1');
    expect(created).toMatch(/^Request SR-\d+ has been created\./);
    johnRequest = ownNumber(created, '');
    expect(await request(johnRequest)).toMatchObject({ type: 'incident', channel: 'whatsapp', incident: null, customer: { displayName: 'John', locale: 'en' } });
  });

  it('offers the open incident first, as a numbered list; "1" files a linked request at once, with its own number and the latest update', async () => {
    const declared = await agent.post('/api/incidents', { title: TITLES.ru, description: 'Card payments are refused', titles: TITLES });
    expect(declared.status, JSON.stringify(declared.body)).toBe(201);
    incident = declared.body.number;
    const posted = await agent.post(`/api/incidents/${incident}/updates`, { text: FIRST_UPDATE });
    expect(posted.status).toBe(202);
    expect(posted.body.recipients).toBe(0);

    const offer = await olga.says('Не проходит оплата картой на сайте');
    // The first thing the bot says: the greeting, what it kept, and the offer as a list. No request type is asked.
    expect(offer).toMatch(/^Здравствуйте!/);
    expect(offer).toMatch(
      /Мы уже знаем о сбое: «Сбой оплаты картой»\. У вас та же проблема\?\n\n1\. Да, это моя проблема\n2\. Нет, у меня другое\n\nОтветьте номером или названием варианта\.$/,
    );
    expect(offer).not.toContain('Выберите тип заявки');

    const confirmed = await olga.says('1');
    olgaRequest = ownNumber(confirmed, incident);
    expect(confirmed).toBe(
      `Заявка ${olgaRequest} создана и привязана к массовому инциденту ${incident} «Сбой оплаты картой». ` +
        'Специалисты уже устраняют сбой, новости о нём придут сюда.\n' +
        'Всё, что вы напишете здесь, добавим к вашей заявке.\n' +
        `Последнее обновление: ${FIRST_UPDATE}\n` +
        'Новая заявка\u00a0— команда /new.',
    );
    const view = await request(olgaRequest);
    expect(view).toMatchObject({ type: 'mass_incident', channel: 'whatsapp', subject: TITLES.ru, incident: { number: incident }, customer: { displayName: 'Ольга', locale: 'ru' } });
    expect(view.description).toBe('Не проходит оплата картой на сайте');
    expect(view.statusHistory.map((h: Json) => h.event)).toEqual(['status', 'incident_linked']);
  });

  it('links an earlier request; an update then reaches each linked customer in their language, with the title in it', async () => {
    const linked = await agent.post(`/api/incidents/${incident}/requests`, { numbers: [johnRequest] });
    expect(linked.status, JSON.stringify(linked.body)).toBe(200);
    expect(linked.body.linked).toEqual([johnRequest]);

    const posted = await agent.post(`/api/incidents/${incident}/updates`, { text: SECOND_UPDATE });
    expect(posted.status).toBe(202);
    expect(posted.body.recipients).toBe(2);
    expect(await olga.next()).toBe(`Admin (поддержка):\nОбновление по массовому инциденту ${incident} «Сбой оплаты картой» (ваша заявка ${olgaRequest}):\n${SECOND_UPDATE}`);
    expect(await john.next()).toBe(`Admin (support):\nUpdate on the service outage ${incident} “Card payments fail” (your request ${johnRequest}):\n${SECOND_UPDATE}`);

    await waitUntil(async () => (await agent.get(`/api/incidents/${incident}`)).body.deliveries, (d) => d.delivered === 2 && d.pending === 0, 'fan-out deliveries');
    // One copy each: the update posted before they were linked is not sent late.
    expect([...olga.unread(), ...john.unread()]).toEqual([]);
  });

  it('"No, something else" (2) at the offer runs the normal intake, with the problem the customer wrote kept', async () => {
    const offer = await petr.says('Не могу войти в личный кабинет, пишет неверный пароль');
    expect(offer).toContain('1. Да, это моя проблема\n2. Нет, у меня другое');
    const type = await petr.says('2');
    expect(type).toMatch(/^Выберите тип заявки/);
    expect(type).toContain('1. Инцидент\n2. Массовый инцидент');
    // Subject and description were given in the first message: the screenshot is next.
    expect(await petr.says('1')).toMatch(/^Приложите скриншот[\s\S]*1\. Пропустить/);
    expect(await petr.says('1')).toContain('Тип: Инцидент');
    const created = await petr.says('1');
    expect(created).toMatch(/^Заявка SR-\d+ создана\. Специалист скоро возьмётся за неё\./);
    const number = ownNumber(created, incident);
    expect(await request(number)).toMatchObject({ type: 'incident', incident: null, description: 'Не могу войти в личный кабинет, пишет неверный пароль' });
    expect((await agent.get(`/api/incidents/${incident}`)).body.requests.map((r: Json) => r.number)).not.toContain(number);
  });

  it('sends the solution to each linked customer as a numbered list; "1" (solved) closes, "2" (not solved) reopens and takes the request out', async () => {
    const solved = await agent.post(`/api/incidents/${incident}/status`, { status: 'solution_provided', comment: SOLUTION });
    expect(solved.status, JSON.stringify(solved.body)).toBe(200);
    expect(await olga.next()).toBe(`По заявке ${olgaRequest} предложено решение:\n${SOLUTION}\n\nПроблема решена?\n\n1. Решено\n2. Не решено\n\n${HINT.ru}`);
    expect(await john.next()).toBe(`A solution has been proposed for request ${johnRequest}:\n${SOLUTION}\n\nIs the problem solved?\n\n1. Solved\n2. Not solved\n\n${HINT.en}`);
    // The customer who said "something else" is not part of it.
    expect(petr.all().join('\n')).not.toContain(SOLUTION);

    expect(await olga.says('1')).toBe(`Рады, что проблема решена! Заявка ${olgaRequest} закрыта. Если понадобится помощь\u00a0— пишите.`);
    await waitUntil(async () => (await request(olgaRequest)).status, (s) => s === 'closed', 'the solved request');

    expect(await john.says('2')).toBe(`Sorry it didn't help. Request ${johnRequest} is back in progress and your message was passed to support.`);
    const left = await waitUntil(() => request(johnRequest), (r) => r.incident === null, 'the request taken out of the incident');
    expect(left.status).toBe('in_progress');
    expect(left.statusHistory.at(-1)).toMatchObject({ event: 'incident_unlinked', comment: 'not_solved', incidentNumber: incident, actor: { kind: 'customer' } });
    expect((await agent.get(`/api/incidents/${incident}`)).body.requests.map((r: Json) => r.number)).toEqual([olgaRequest]);
  });
});

/**
 * Mass incidents as a Telegram customer meets them (issue 13): the real telegraf
 * inside a whole gateway, against the fake Bot API (test/fakes/telegram), on
 * every back end. An agent declares an incident over the API; a new customer is
 * offered it first, as inline buttons, and joins it with one press; an earlier
 * request is linked by the agent; updates and the solution reach each linked
 * customer in their own language; "not solved" takes a request out.
 *
 * Telegram's pacing (three messages per chat in three seconds, TELEGRAM_PACE)
 * holds a fast intake back a little: every wait below is for a message or a
 * state, with a deadline well beyond that, never a fixed sleep.
 */
import type { Message, User } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { telegramChannel } from '../../../src/channels/telegram/index.js';
import { NOT_MINE_ID, incidentChoiceId } from '../../../src/conversation/index.js';
import { startTestApp } from '../../support/app.js';
import { BACKENDS, type BackendEnv } from '../../support/backends.js';
import { ADMIN_ENV, AgentClient, baseOf, type Json } from '../../console/console-client.js';
import { FakeBotApi, type AnyMessage } from '../../fakes/telegram/fake-bot-api.js';
import { pressButton, textMessage, user } from '../../fakes/telegram/updates.js';

/** A hook that starts a gateway (PGlite and its migrations, telegraf's start-up calls): as in telegram.e2e. */
const STARTS_A_GATEWAY_MS = 180_000;
/** How long one bot message may take: the per-chat pace can hold it ~3 s, and the outbox retries after that. */
const MESSAGE_DEADLINE_MS = 15_000;

const TITLES = { ru: 'Сбой оплаты картой', en: 'Card payments fail' };
const FIRST_UPDATE = 'Инженеры восстанавливают платёжный шлюз.';
const SECOND_UPDATE = 'Gateway restarted: payments go through with a delay.';
const SOLUTION = 'Платёжный шлюз заменён, оплата проходит.';

/** The inline buttons of a message (text and callback_data), row by row, as the customer's client shows them. */
function keyboardOf(message: AnyMessage): Array<Array<{ text: string; callback_data?: string }>> {
  return (message.reply_markup?.inline_keyboard ?? []) as Array<Array<{ text: string; callback_data?: string }>>;
}

/**
 * A Telegram customer in the fake: what they send, and the bot's messages to
 * them one by one, each as it arrived (its keyboard before any press took it off).
 */
class TelegramCustomer {
  private seen = 0;

  constructor(
    private readonly fake: FakeBotApi,
    readonly from: User,
  ) {}

  /** The bot's next message to this customer, once it has been sent. */
  async next(): Promise<AnyMessage> {
    const deadline = Date.now() + MESSAGE_DEADLINE_MS;
    for (;;) {
      const sent = this.fake.sentMessages(this.from.id);
      if (sent.length > this.seen) return structuredClone(sent[this.seen++]!);
      if (Date.now() > deadline) {
        throw new Error(`no bot message #${this.seen + 1} in chat ${this.from.id}; so far: ${JSON.stringify(sent.map((m) => m.text))}`);
      }
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Every bot message to this customer so far, whether awaited or not. */
  all(): AnyMessage[] {
    return this.fake.sentMessages(this.from.id);
  }

  /** The bot's messages sent but not yet taken with `next`. */
  unread(): AnyMessage[] {
    return this.all().slice(this.seen);
  }

  says(text: string): Promise<AnyMessage> {
    this.fake.userSends(textMessage({ from: this.from, text }));
    return this.next();
  }

  /** Presses the button carrying `data` on `message` (which must show it) and waits for the answer. */
  presses(message: AnyMessage, data: string): Promise<AnyMessage> {
    this.fake.userSends(pressButton(message as Message, { data }, { from: this.from }));
    return this.next();
  }
}

/** The request number in a bot text other than the incident's. */
function ownNumber(text: string | undefined, incident: string): string {
  const found = (text ?? '').match(/[A-Z]+-\d+/g)?.find((n) => n !== incident);
  if (!found) throw new Error(`no request number other than ${incident} in ${JSON.stringify(text)}`);
  return found;
}

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`Telegram and mass incidents: ${backend.name}`, () => {
    let env: BackendEnv;
    let fake: FakeBotApi;
    let app: App;
    let agent: AgentClient;
    // Chat ids of their own: the pace counters live in the shared Redis on the production back end.
    let olga: TelegramCustomer; // new while the incident is open: takes the offer
    let john: TelegramCustomer; // filed before it; English by /lang en although his client says ru
    let petr: TelegramCustomer; // new while it is open: something else
    let incident: string;
    let olgaRequest: string;
    let johnRequest: string;

    beforeAll(async () => {
      env = await backend.setup();
      fake = new FakeBotApi();
      await fake.start();
      app = await startTestApp({ ...env, channels: [telegramChannel], env: { ...ADMIN_ENV, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url } });
      agent = await AgentClient.login(baseOf(app));
      await fake.waitForCall('getUpdates');
      olga = new TelegramCustomer(fake, user({ id: 913_001, first_name: 'Ольга', language_code: 'ru' }));
      john = new TelegramCustomer(fake, user({ id: 913_002, first_name: 'John', language_code: 'ru' }));
      petr = new TelegramCustomer(fake, user({ id: 913_003, first_name: 'Пётр', language_code: 'ru' }));
    }, STARTS_A_GATEWAY_MS);
    afterAll(async () => {
      await app?.stop();
      await fake?.stop();
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
      expect(type.text).toMatch(/^Choose the request type/);
      expect(keyboardOf(type).flat().map((b) => b.callback_data)).toEqual(['incident', 'mass_incident', 'consultation', 'development_request']);
      const subject = await john.presses(type, 'incident');
      expect(subject.text).toMatch(/^Give the request a short subject/);
      const description = await john.says('Card payment fails at checkout');
      expect(description.text).toMatch(/^Describe the problem/);
      const screenshot = await john.says('Since 9 am every card payment on the site ends with an error.');
      const summary = await john.presses(screenshot, 'skip');
      expect(summary.text).toContain('Card payment fails at checkout');
      const created = await john.presses(summary, 'confirm');
      johnRequest = /SR-\d+/.exec(created.text ?? '')?.[0] ?? '';
      expect(created.text).toMatch(/^Request SR-\d+ has been created\./);
      expect(await request(johnRequest)).toMatchObject({ type: 'incident', channel: 'telegram', incident: null, customer: { displayName: 'John', locale: 'en' } });
    });

    it('offers the open incident first, as Yes / No buttons; "yes" files a linked request at once, with its own number and the latest update', async () => {
      const declared = await agent.post('/api/incidents', { title: TITLES.ru, description: 'Card payments are refused', titles: TITLES });
      expect(declared.status, JSON.stringify(declared.body)).toBe(201);
      incident = declared.body.number;
      const posted = await agent.post(`/api/incidents/${incident}/updates`, { text: FIRST_UPDATE });
      expect(posted.status).toBe(202);
      expect(posted.body.recipients).toBe(0);

      const offer = await olga.says('Не проходит оплата картой на сайте');
      // The first thing the bot says: the greeting, what it kept, and the offer. No request type is asked.
      expect(offer.text).toMatch(/^Здравствуйте!/);
      expect(offer.text).toMatch(/Мы уже знаем о сбое: «Сбой оплаты картой»\. У вас та же проблема\?$/);
      expect(keyboardOf(offer)).toEqual([[
        { text: 'Да, это моя проблема', callback_data: incidentChoiceId(incident) },
        { text: 'Нет, у меня другое', callback_data: NOT_MINE_ID },
      ]]);

      const confirmed = await olga.presses(offer, incidentChoiceId(incident));
      olgaRequest = ownNumber(confirmed.text, incident);
      expect(confirmed.text).toBe(
        `Заявка ${olgaRequest} создана и привязана к массовому инциденту ${incident} «Сбой оплаты картой». ` +
          'Специалисты уже устраняют сбой, новости о нём придут сюда.\n' +
          'Всё, что вы напишете здесь, добавим к вашей заявке.\n' +
          `Последнее обновление: ${FIRST_UPDATE}\n` +
          'Новая заявка\u00a0— команда /new.',
      );
      const view = await request(olgaRequest);
      expect(view).toMatchObject({ type: 'mass_incident', channel: 'telegram', subject: TITLES.ru, incident: { number: incident }, customer: { displayName: 'Ольга', locale: 'ru' } });
      expect(view.description).toBe('Не проходит оплата картой на сайте');
      expect(view.statusHistory.map((h: Json) => h.event)).toEqual(['status', 'incident_linked']);
      // The press was answered and its buttons taken off, as for every keyboard.
      await expect.poll(() => keyboardOf(olga.all().find((m) => m.message_id === offer.message_id)!)).toEqual([]);
    });

    it('links an earlier request; an update then reaches each linked customer in their language, with the title in it', async () => {
      const linked = await agent.post(`/api/incidents/${incident}/requests`, { numbers: [johnRequest] });
      expect(linked.status, JSON.stringify(linked.body)).toBe(200);
      expect(linked.body.linked).toEqual([johnRequest]);
      expect((await request(johnRequest)).incident).toMatchObject({ number: incident });

      const posted = await agent.post(`/api/incidents/${incident}/updates`, { text: SECOND_UPDATE });
      expect(posted.status).toBe(202);
      expect(posted.body.recipients).toBe(2);
      const toOlga = await olga.next();
      const toJohn = await john.next();
      expect(toOlga.text).toBe(`Admin (поддержка):\nОбновление по массовому инциденту ${incident} «Сбой оплаты картой» (ваша заявка ${olgaRequest}):\n${SECOND_UPDATE}`);
      expect(toJohn.text).toBe(`Admin (support):\nUpdate on the service outage ${incident} “Card payments fail” (your request ${johnRequest}):\n${SECOND_UPDATE}`);
      expect(toOlga.reply_markup).toBeUndefined();

      await expect.poll(async () => (await agent.get(`/api/incidents/${incident}`)).body.deliveries).toMatchObject({ delivered: 2, pending: 0, failed: 0 });
      // One copy each: the update posted before they were linked is not sent late.
      expect([...olga.unread(), ...john.unread()]).toEqual([]);
    });

    it('"No, something else" at the offer runs the normal intake, with the problem the customer wrote kept', async () => {
      const offer = await petr.says('Не могу войти в личный кабинет, пишет неверный пароль');
      expect(keyboardOf(offer).flat().map((b) => b.callback_data)).toEqual([incidentChoiceId(incident), NOT_MINE_ID]);
      const type = await petr.presses(offer, NOT_MINE_ID);
      expect(type.text).toMatch(/^Выберите тип заявки/);
      expect(keyboardOf(type).flat().map((b) => b.callback_data)).toEqual(['incident', 'mass_incident', 'consultation', 'development_request']);
      // Subject and description were given in the first message: the screenshot is next.
      const screenshot = await petr.presses(type, 'incident');
      expect(screenshot.text).toMatch(/^Приложите скриншот/);
      const summary = await petr.presses(screenshot, 'skip');
      expect(summary.text).toContain('Тип: Инцидент');
      const created = await petr.presses(summary, 'confirm');
      const number = /SR-\d+/.exec(created.text ?? '')?.[0] ?? '';
      expect(created.text).toMatch(/^Заявка SR-\d+ создана\. Специалист скоро возьмётся за неё\./);
      expect(await request(number)).toMatchObject({ type: 'incident', incident: null, description: 'Не могу войти в личный кабинет, пишет неверный пароль' });
      expect((await agent.get(`/api/incidents/${incident}`)).body.requests.map((r: Json) => r.number)).not.toContain(number);
    });

    it('sends the solution to each linked customer with solved / not solved; solved closes, not solved reopens and takes the request out', async () => {
      const solved = await agent.post(`/api/incidents/${incident}/status`, { status: 'solution_provided', comment: SOLUTION });
      expect(solved.status, JSON.stringify(solved.body)).toBe(200);
      const toOlga = await olga.next();
      const toJohn = await john.next();
      expect(toOlga.text).toBe(`По заявке ${olgaRequest} предложено решение:\n${SOLUTION}\n\nПроблема решена?`);
      expect(keyboardOf(toOlga)).toEqual([[{ text: 'Решено', callback_data: 'solved' }, { text: 'Не решено', callback_data: 'not_solved' }]]);
      expect(toJohn.text).toBe(`A solution has been proposed for request ${johnRequest}:\n${SOLUTION}\n\nIs the problem solved?`);
      expect(keyboardOf(toJohn)).toEqual([[{ text: 'Solved', callback_data: 'solved' }, { text: 'Not solved', callback_data: 'not_solved' }]]);
      // The customer who said "something else" is not part of it.
      expect(petr.all().map((m) => m.text).join('\n')).not.toContain(SOLUTION);

      const thanks = await olga.presses(toOlga, 'solved');
      expect(thanks.text).toBe(`Рады, что проблема решена! Заявка ${olgaRequest} закрыта. Если понадобится помощь\u00a0— пишите.`);
      await expect.poll(async () => (await request(olgaRequest)).status).toBe('closed');
      expect((await request(olgaRequest)).incident).toMatchObject({ number: incident });

      const reopened = await john.presses(toJohn, 'not_solved');
      expect(reopened.text).toBe(`Sorry it didn't help. Request ${johnRequest} is back in progress and your message was passed to support.`);
      await expect.poll(async () => (await request(johnRequest)).incident).toBeNull();
      const left = await request(johnRequest);
      expect(left.status).toBe('in_progress');
      expect(left.statusHistory.at(-1)).toMatchObject({ event: 'incident_unlinked', comment: 'not_solved', incidentNumber: incident, actor: { kind: 'customer' } });
      const after = (await agent.get(`/api/incidents/${incident}`)).body;
      expect(after.requests.map((r: Json) => r.number)).toEqual([olgaRequest]);
    });
  });
}

/**
 * The Telegram channel runs on the telegraf bot the composition root hands it:
 * the environment's TELEGRAM_API_ROOT leads nowhere here, only the given bot
 * reaches the fake Bot API. The real telegraf inside a gateway on the embedded
 * database.
 */
import type { Telegraf } from 'telegraf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { createTelegraf, telegramChannelWith } from '../../../src/channels/telegram/index.js';
import { makeTempDir, startTestApp } from '../../support/app.js';
import { FakeBotApi } from '../../fakes/telegram/fake-bot-api.js';
import { textMessage, user } from '../../fakes/telegram/updates.js';

/** Starting a gateway on PGlite (its migrations) takes seconds, more on a loaded machine. */
const STARTS_A_GATEWAY_MS = 120_000;

describe('the Telegram channel on an injected bot', () => {
  const fake = new FakeBotApi();
  let bot: Telegraf;
  let app: App;
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;

  beforeAll(async () => {
    await fake.start();
    tmp = await makeTempDir();
    bot = createTelegraf({ token: fake.token, apiRoot: fake.url });
    app = await startTestApp({
      dataDir: tmp.dir,
      channels: [telegramChannelWith(bot)],
      // Nothing listens on port 9 (discard): a bot made from the environment would never reach the fake.
      env: { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: 'http://127.0.0.1:9', DEFAULT_LOCALE: 'en' },
    });
  }, STARTS_A_GATEWAY_MS);

  afterAll(async () => {
    await app?.stop();
    await fake.stop();
    await tmp?.remove();
  });

  it('polls, answers and learns its identity through the bot it was given', async () => {
    const customer = user({ id: 991_001, language_code: 'en' });
    fake.userSends(textMessage({ from: customer, text: 'Hello' }));
    const reply = await fake.waitForCall('sendMessage', (c) => c.params.chat_id === customer.id && c.status === 200, 20_000);
    expect(String(reply.params.text)).not.toBe('');
    expect(bot.botInfo?.username).toBe('relaydesk_test_bot');
    expect(fake.callsTo('getUpdates').length).toBeGreaterThan(0);
  }, 30_000);
});

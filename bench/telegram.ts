/**
 * Telegram throughput: updates/s through the fake Bot API (test/fakes/telegram)
 * into the whole gateway (long polling, telegraf inside, the intake answering
 * every message), against a minimal telegraf echo bot on its own fake in the
 * same run (the baseline: `bot.on('text', ctx => ctx.reply(ctx.message.text))`).
 *
 * --chats private chats run concurrently, closed loop: each chat sends its next
 * text message once the bot answered the previous one (the first successful
 * sendMessage to the chat after the update was queued). Latency of an update:
 * from userSends to that reply; throughput: updates from the first send to the
 * last reply. Script per chat: a greeting, "1" (the first request type), a
 * subject, a description, then follow-ups; every message gets an answer.
 * `replies/update` shows whether some answers came in more than one message.
 *
 *   npm run bench:telegram                                   # embedded; PostgreSQL + Redis too when DATABASE_URL / REDIS_URL are set
 *   npm run bench:telegram -- --chats 100 --updates 10 --backend embedded
 *   DATABASE_URL=… REDIS_URL=… npm run bench:telegram -- --backend postgres   # scratch database, created and dropped
 *
 * In production the gateway sends within Telegram's limits (TELEGRAM_PACE in
 * src/channels/telegram/telegram.outbound.ts: about 1 message/s per chat, 30/s in
 * all), which would cap this bench at 30 updates/s whatever the gateway does; the
 * fake has no limits and neither has the echo bot. `--pace none` (the default)
 * lifts the gateway's pacing to measure the gateway itself; `--pace telegram`
 * keeps it.
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { Telegraf } from 'telegraf';
import type { App } from '../src/app.js';
import type { ChannelFactory } from '../src/channels/channel.port.js';
import { createTelegraf, createTelegramChannel } from '../src/channels/telegram/index.js';
import { TELEGRAM_PACE } from '../src/channels/telegram/telegram.outbound.js';
import { makeTempDir, startTestApp } from '../test/support/app.js';
import { createScratchDatabase } from '../test/support/services.js';
import { FakeBotApi, type RecordedCall } from '../test/fakes/telegram/fake-bot-api.js';
import { textMessage, user } from '../test/fakes/telegram/updates.js';

const { values: args } = parseArgs({
  options: {
    chats: { type: 'string', default: '100' },
    updates: { type: 'string', default: '10' },
    backend: { type: 'string', default: 'all' },
    // Chats run through the script once before measuring (JIT, connections, prepared statements).
    warmup: { type: 'string', default: '10' },
    // A reply not seen this long after its update counts as unanswered and ends that chat.
    'reply-timeout': { type: 'string', default: '60000' },
    pace: { type: 'string', default: 'none' },
  },
});
if (!['none', 'telegram'].includes(args.pace)) throw new Error('--pace is none or telegram');
const UNPACED = { perChat: { points: 1e9, durationMs: 1000 }, overall: { points: 1e9, durationMs: 1000 }, maxWaitMs: 0 };

/** The Telegram channel on a bot pointed at `fake`, paced as --pace says. */
function telegramOn(fake: FakeBotApi): ChannelFactory {
  return (ctx) =>
    createTelegramChannel(
      { webhookUrl: null, webhookSecret: '', maxBytes: ctx.config.uploadMaxBytes, defaultLocale: ctx.config.defaultLocale, pace: args.pace === 'none' ? UNPACED : TELEGRAM_PACE },
      { bot: createTelegraf({ token: fake.token, apiRoot: fake.url }), logger: ctx.logger, redis: ctx.redis },
    );
}
const CHATS = Number(args.chats);
const UPDATES = Number(args.updates);
const WARMUP = Number(args.warmup);
const REPLY_TIMEOUT_MS = Number(args['reply-timeout']);
if (!(CHATS > 0 && UPDATES > 0 && WARMUP >= 0)) throw new Error('--chats and --updates must be positive, --warmup not negative');
if (!['all', 'embedded', 'postgres'].includes(args.backend)) throw new Error('--backend is all, embedded or postgres');

function script(i: number): string[] {
  const steps = [
    'hello',
    '1',
    `Printer ${i} does not print`,
    `Since this morning printer ${i} shows error E-42 and prints nothing for every user on the floor.`,
  ];
  for (let k = 0; steps.length < UPDATES; k++) steps.push(`Follow-up ${k} from chat ${i}: any news?`);
  return steps.slice(0, UPDATES);
}

/** Successful sendMessage calls per chat, with waiters for the n-th. */
class Replies {
  private readonly counts = new Map<number, number>();
  private readonly waiters = new Map<number, Array<{ n: number; resolve: (at: number) => void }>>();
  total = 0;
  readonly stop: () => void;

  constructor(fake: FakeBotApi) {
    this.stop = fake.onCall((call: RecordedCall) => this.onCall(call));
  }

  private onCall(call: RecordedCall): void {
    if (call.method !== 'sendMessage' || call.status !== 200) return;
    const at = performance.now();
    const chat = Number(call.params.chat_id);
    const count = (this.counts.get(chat) ?? 0) + 1;
    this.counts.set(chat, count);
    this.total += 1;
    const waiting = this.waiters.get(chat);
    if (!waiting) return;
    this.waiters.set(
      chat,
      waiting.filter((w) => (w.n <= count ? (w.resolve(at), false) : true)),
    );
  }

  count(chat: number): number {
    return this.counts.get(chat) ?? 0;
  }

  /** Resolves with the time the chat's n-th reply was answered by the fake; rejects after REPLY_TIMEOUT_MS. */
  nth(chat: number, n: number): Promise<number> {
    if (this.count(chat) >= n) return Promise.resolve(performance.now());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply in chat ${chat} within ${REPLY_TIMEOUT_MS} ms`)), REPLY_TIMEOUT_MS);
      const list = this.waiters.get(chat) ?? [];
      list.push({ n, resolve: (at) => (clearTimeout(timer), resolve(at)) });
      this.waiters.set(chat, list);
    });
  }
}

interface Run {
  updates: number;
  replies: number;
  unanswered: number;
  seconds: number;
  latencies: number[];
}

/** `chats` chats from user id `firstId` on, each through the script, closed loop. */
async function drive(fake: FakeBotApi, firstId: number, chats: number): Promise<Run> {
  const replies = new Replies(fake);
  const latencies: number[] = [];
  let updates = 0;
  let unanswered = 0;
  let lastReply = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: chats }, async (_, i) => {
      const from = user({ id: firstId + i, first_name: `Customer ${i}`, language_code: 'en' });
      for (const text of script(i)) {
        const expected = replies.count(from.id) + 1;
        const sent = performance.now();
        fake.userSends(textMessage({ from, text }));
        updates += 1;
        try {
          const at = await replies.nth(from.id, expected);
          latencies.push(at - sent);
          lastReply = Math.max(lastReply, at);
        } catch {
          unanswered += 1;
          return;
        }
      }
    }),
  );
  const seconds = ((lastReply || performance.now()) - started) / 1000;
  // Answers in more than one message: let the rest arrive before counting.
  await new Promise((r) => setTimeout(r, 500));
  replies.stop();
  return { updates, replies: replies.total, unanswered, seconds, latencies };
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

function summarise(name: string, run: Run) {
  const sorted = [...run.latencies].sort((a, b) => a - b);
  return {
    bot: name,
    chats: CHATS,
    updates: run.updates,
    unanswered: run.unanswered,
    'replies/update': +(run.replies / run.updates).toFixed(2),
    seconds: +run.seconds.toFixed(2),
    'updates/s': +(run.updates / run.seconds).toFixed(1),
    'p50 ms': +percentile(sorted, 50).toFixed(1),
    'p99 ms': +percentile(sorted, 99).toFixed(1),
  };
}

const WARMUP_IDS = 810_000_000;
const MEASURED_IDS = 820_000_000;

async function measureEcho() {
  const fake = new FakeBotApi();
  await fake.start();
  const bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.url } });
  bot.on('text', (ctx) => ctx.reply(ctx.message.text));
  bot.catch((err) => console.error('echo bot:', err));
  const launched = bot.launch();
  try {
    await fake.waitForCall('getUpdates', () => true, 30_000);
    if (WARMUP > 0) await drive(fake, WARMUP_IDS, WARMUP);
    return summarise('telegraf echo (baseline)', await drive(fake, MEASURED_IDS, CHATS));
  } finally {
    bot.stop('bench over');
    await launched;
    await fake.stop();
  }
}

async function measureGateway(name: string, env: { databaseUrl: string | null; redisUrl: string | null; dataDir: string }) {
  const fake = new FakeBotApi();
  await fake.start();
  let app: App | null = null;
  try {
    app = await startTestApp({
      ...env,
      channels: [telegramOn(fake)],
      // The production outbox poll interval; the bench runs one instance.
      env: { OUTBOX_POLL_INTERVAL: '1s', WEBCHAT_SECRET: 'bench-only-secret-0123456789', TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url },
    });
    await fake.waitForCall('getUpdates', () => true, 60_000);
    if (WARMUP > 0) {
      await drive(fake, WARMUP_IDS, WARMUP);
      await app.outbox.flush();
    }
    return summarise(`gateway, ${name}`, await drive(fake, MEASURED_IDS, CHATS));
  } finally {
    await app?.stop();
    await fake.stop();
  }
}

type Row = ReturnType<typeof summarise> & { 'ratio to baseline'?: number };
const rows: Row[] = [];
const baseline = await measureEcho();
rows.push(baseline);
const ratio = (row: Row) => ({ ...row, 'ratio to baseline': +(row['updates/s'] / baseline['updates/s']).toFixed(3) });

const runPostgres = args.backend === 'postgres' || (args.backend === 'all' && !!process.env.DATABASE_URL && !!process.env.REDIS_URL);
if (args.backend === 'all' || args.backend === 'embedded') {
  const tmp = await makeTempDir('relaydesk-bench-');
  try {
    rows.push(ratio(await measureGateway('embedded (PGlite + memory)', { databaseUrl: null, redisUrl: null, dataDir: tmp.dir })));
  } finally {
    await tmp.remove();
  }
}
if (runPostgres) {
  if (!process.env.DATABASE_URL || !process.env.REDIS_URL) throw new Error('set DATABASE_URL and REDIS_URL for the PostgreSQL + Redis run');
  const tmp = await makeTempDir('relaydesk-bench-');
  const db = await createScratchDatabase();
  try {
    rows.push(ratio(await measureGateway('PostgreSQL + Redis', { databaseUrl: db.url, redisUrl: process.env.REDIS_URL, dataDir: tmp.dir })));
  } finally {
    await db.drop();
    await tmp.remove();
  }
}

console.table(rows);
console.log(
  JSON.stringify(
    {
      chats: CHATS,
      updatesPerChat: UPDATES,
      warmupChats: WARMUP,
      baseline: { 'updates/s': baseline['updates/s'], 'p50 ms': baseline['p50 ms'], 'p99 ms': baseline['p99 ms'] },
      results: rows,
      ratios: Object.fromEntries(rows.filter((r) => r['ratio to baseline'] !== undefined).map((r) => [r.bot, r['ratio to baseline']])),
    },
    null,
    2,
  ),
);

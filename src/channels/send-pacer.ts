/**
 * Spaces out a channel's outgoing messages so the channel's own limits are
 * never hit: so many messages per period to one chat and in all (Telegram:
 * about one per second in a chat, short bursts allowed, and 30 per second
 * overall, https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
 * With Redis the counts are shared by every instance.
 *
 * `wait` sleeps until a send is allowed; a wait longer than `maxWaitMs` is
 * refused with a `rate_limited` ChannelError instead, so the outbox retries the
 * message later rather than holding a delivery slot.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Rate } from '../config.js';
import { ChannelError } from './channel.port.js';

export interface PacerOptions {
  perChat: Rate;
  overall: Rate;
  /** Longest a send may wait for its turn before it is handed back to the outbox. */
  maxWaitMs: number;
}

/** The share of the overall rate a mass incident's fan-out may take: the rest stays for ordinary replies. */
export const BULK_SHARE = 2 / 3;

export class SendPacer {
  private readonly perChat: RateLimiterAbstract;
  private readonly overall: RateLimiterAbstract;
  /** Bulk sends (OutboundMessage.bulk) take from this as well as from `overall`. */
  private readonly bulk: RateLimiterAbstract;
  private readonly bulkRate: Rate;

  constructor(
    name: string,
    private readonly opts: PacerOptions,
    redis: Redis | null,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    this.perChat = limiter(`relaydesk:pace:${name}:chat`, opts.perChat, redis);
    this.overall = limiter(`relaydesk:pace:${name}:all`, opts.overall, redis);
    this.bulkRate = { points: Math.max(1, Math.floor(opts.overall.points * BULK_SHARE)), durationMs: opts.overall.durationMs };
    this.bulk = limiter(`relaydesk:pace:${name}:bulk`, this.bulkRate, redis);
  }

  /**
   * Resolves when a message of `parts` sends (a long text split, an image and
   * its text) may go to `chatId` now, all of them: a message is never cut in
   * the middle by its pacing. A bulk send (a mass incident's fan-out) first waits
   * for the bulk share of the overall rate (BULK_SHARE), so that fan-outs never
   * take the whole rate: ordinary replies keep at least the rest.
   */
  async wait(chatId: string, parts = 1, opts: { bulk?: boolean } = {}): Promise<void> {
    let waited = 0;
    const steps: Array<readonly [string, RateLimiterAbstract, Rate]> = [
      ...(opts.bulk ? [['all', this.bulk, this.bulkRate] as const] : []),
      [chatId, this.perChat, this.opts.perChat],
      ['all', this.overall, this.opts.overall],
    ];
    for (const [key, l, rate] of steps) {
      const points = Math.min(parts, rate.points);
      for (;;) {
        const ms = await tryTake(l, key, points);
        if (ms === null) break;
        if (waited + ms > this.opts.maxWaitMs) {
          throw new ChannelError('rate_limited', `sending to ${key === 'all' ? 'the channel' : 'this chat'} is paced`, { retryAfterMs: ms });
        }
        waited += ms;
        await this.sleep(ms);
      }
    }
  }
}

/** rate-limiter-flexible counts in whole seconds: a period under a second becomes one second. */
function limiter(keyPrefix: string, rate: Rate, redis: Redis | null): RateLimiterAbstract {
  const options = { keyPrefix, points: rate.points, duration: Math.max(1, Math.ceil(rate.durationMs / 1000)) };
  return redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) }) : new RateLimiterMemory(options);
}

/** null when taken, or the milliseconds to wait. */
async function tryTake(l: RateLimiterAbstract, key: string, points: number): Promise<number | null> {
  try {
    await l.consume(key, points);
    return null;
  } catch (result) {
    if (result instanceof RateLimiterRes) return Math.max(1, result.msBeforeNext);
    throw result;
  }
}

/**
 * Spaces out a channel's outgoing messages so the channel's own limits are
 * never hit: at most one message per `perChatGapMs` to a chat and
 * `overallPerSecond` in all (Telegram: about 1 per second per chat and 30 per
 * second overall, https://core.telegram.org/bots/faq#my-bot-is-hitting-limits-how-do-i-avoid-this).
 * With Redis the counts are shared by every instance.
 *
 * `wait` sleeps until a send is allowed; a wait longer than `maxWaitMs` is
 * refused with a `rate_limited` ChannelError instead, so the outbox retries the
 * message later rather than holding a delivery slot.
 */
import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { ChannelError } from './channel.port.js';

export interface PacerOptions {
  perChatGapMs: number;
  overallPerSecond: number;
  /** Longest a send may wait for its turn before it is handed back to the outbox. */
  maxWaitMs: number;
}

export class SendPacer {
  private readonly perChat: RateLimiterAbstract;
  private readonly overall: RateLimiterAbstract;

  constructor(
    name: string,
    private readonly opts: PacerOptions,
    redis: Redis | null,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {
    // rate-limiter-flexible counts in whole seconds: a gap under a second becomes one second.
    this.perChat = limiter(`relaydesk:pace:${name}:chat`, 1, Math.max(1, Math.ceil(opts.perChatGapMs / 1000)), redis);
    this.overall = limiter(`relaydesk:pace:${name}:all`, opts.overallPerSecond, 1, redis);
  }

  /** Resolves when a message to `chatId` may be sent now. */
  async wait(chatId: string): Promise<void> {
    let waited = 0;
    for (const [key, l] of [[chatId, this.perChat], ['all', this.overall]] as const) {
      for (;;) {
        const ms = await tryTake(l, key);
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

function limiter(keyPrefix: string, points: number, duration: number, redis: Redis | null): RateLimiterAbstract {
  const options = { keyPrefix, points, duration };
  return redis ? new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) }) : new RateLimiterMemory(options);
}

/** null when taken, or the milliseconds to wait. */
async function tryTake(l: RateLimiterAbstract, key: string): Promise<number | null> {
  try {
    await l.consume(key);
    return null;
  } catch (result) {
    if (result instanceof RateLimiterRes) return Math.max(1, result.msBeforeNext);
    throw result;
  }
}

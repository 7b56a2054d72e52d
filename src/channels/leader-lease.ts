/**
 * Elects one instance to run something that must run once per deployment (a
 * Telegram long-polling loop, the WhatsApp client), with a Redis lease: the
 * holder renews it every third of its length; if the holder dies, the lease
 * lapses and another instance takes over. Without Redis there is one instance,
 * which always leads.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/** Extends the lease only while this instance still holds it. */
const RENEW = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export interface LeaderLeaseOptions {
  redis: Redis | null;
  /** What is being led, e.g. `telegram:polling`. */
  name: string;
  leaseMs?: number;
  logger: Logger;
}

export type LeadFn = (signal: AbortSignal) => Promise<void>;

export class LeaderLease {
  private readonly token = randomUUID();
  private readonly key: string;
  private readonly leaseMs: number;
  private stopped = true;
  private leading: { controller: AbortController; done: Promise<void>; renew: NodeJS.Timeout | null } | null = null;
  private retry: NodeJS.Timeout | null = null;
  /** When the lease was last taken or renewed (ms). */
  private renewedAt = 0;

  constructor(private readonly opts: LeaderLeaseOptions) {
    this.key = `relaydesk:leader:${opts.name}`;
    this.leaseMs = opts.leaseMs ?? 15_000;
  }

  get isLeader(): boolean {
    return this.leading !== null;
  }

  /** Runs `lead` whenever this instance holds the lease, until stop(). `lead` should return once its signal aborts. */
  start(lead: LeadFn): void {
    this.stopped = false;
    this.standLater(lead, 0);
  }

  /** Stands for the lease after `ms`; a failure of the attempt is logged and the next one scheduled. */
  private standLater(lead: LeadFn, ms: number): void {
    if (this.stopped) return;
    this.retry = setTimeout(() => {
      this.tryLead(lead).catch((error: unknown) => {
        this.opts.logger.warn({ err: error, lease: this.opts.name }, 'could not stand for the lease; trying again');
        this.standLater(lead, this.leaseMs / 3);
      });
    }, ms);
    this.retry.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.resign();
  }

  private async tryLead(lead: LeadFn): Promise<void> {
    if (this.stopped || this.leading) return;
    const { redis, logger } = this.opts;
    let won = true;
    if (redis) won = (await redis.set(this.key, this.token, 'PX', this.leaseMs, 'NX').catch(() => null)) === 'OK';
    if (this.stopped) {
      if (won && redis) await redis.eval(RELEASE, 1, this.key, this.token).catch(() => undefined);
      return;
    }
    if (!won) return this.standLater(lead, this.leaseMs / 3);
    logger.info({ lease: this.opts.name }, 'this instance leads');
    const controller = new AbortController();
    this.renewedAt = Date.now();
    const renew = redis ? setInterval(() => void this.renew(controller), this.leaseMs / 3) : null;
    renew?.unref();
    const done = lead(controller.signal).catch((error: unknown) => logger.error({ err: error, lease: this.opts.name }, 'led task failed'));
    void done
      .then(async () => {
        if (this.leading?.controller !== controller) return;
        await this.resign();
        // The task ended by itself (lost its connection…): stand again after a pause.
        this.standLater(lead, Math.min(5_000, this.leaseMs / 3));
      })
      .catch((error: unknown) => logger.error({ err: error, lease: this.opts.name }, 'could not hand the lease back'));
    this.leading = { controller, done, renew };
  }

  /**
   * Keeps the lease. Redis answering "not yours" ends the lead at once; Redis not
   * answering (an outage) does only once the lease may have lapsed, since until
   * then no other instance can have taken it.
   */
  private async renew(controller: AbortController): Promise<void> {
    const kept = await this.opts.redis?.eval(RENEW, 1, this.key, this.token, String(this.leaseMs)).catch(() => 'unanswered' as const);
    if (kept === 1) this.renewedAt = Date.now();
    if (kept === 1 || controller.signal.aborted) return;
    if (kept === 'unanswered' && Date.now() - this.renewedAt < this.leaseMs * 0.9) return;
    this.opts.logger.warn({ lease: this.opts.name }, 'lost the lease: stopping the led task');
    controller.abort();
  }

  private async resign(): Promise<void> {
    const current = this.leading;
    if (!current) return;
    this.leading = null;
    if (current.renew) clearInterval(current.renew);
    current.controller.abort();
    await current.done;
    await this.opts.redis?.eval(RELEASE, 1, this.key, this.token).catch(() => undefined);
  }
}

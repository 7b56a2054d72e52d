/**
 * What to do with an update that could not be handled. Telegram keeps sending
 * an unconfirmed update (long polling: the offset stays; webhook: it redelivers
 * until a 2xx), and every later update of the bot waits behind it. So:
 * - an outage (the gateway says its database or Redis is unreachable) is waited
 *   out, retrying every few seconds for as long as it lasts: nothing is wrong
 *   with the update;
 * - an update the gateway refuses for good is set aside at once;
 * - anything else is retried with backoff and set aside after `maxAttempts`.
 * Setting aside confirms the update to Telegram, logs it whole and tells the
 * customer, so one bad update never blocks the bot.
 */
import { GatewayError } from '../../gateway/gateway.errors.js';

export type UpdateVerdict = { action: 'retry'; delayMs: number; outage: boolean; attempt: number } | { action: 'set_aside'; attempt: number };

export interface UpdateFailuresOptions {
  /** Failed attempts (outages not counted) after which an update is set aside. */
  maxAttempts?: number;
  /** Wait before attempt n + 1 after n failures. */
  backoffMs?: (failures: number) => number;
  /** Wait between attempts while the gateway reports an outage. */
  outageRetryMs?: (tries: number) => number;
}

export class UpdateFailures {
  private readonly counts = new Map<number, { failures: number; outages: number }>();
  private readonly maxAttempts: number;
  private readonly backoffMs: (n: number) => number;
  private readonly outageRetryMs: (n: number) => number;

  constructor(opts: UpdateFailuresOptions = {}) {
    this.maxAttempts = opts.maxAttempts ?? 5;
    this.backoffMs = opts.backoffMs ?? ((n) => Math.min(30_000, 500 * 2 ** n));
    this.outageRetryMs = opts.outageRetryMs ?? ((n) => Math.min(5000, 500 * 2 ** n));
  }

  judge(updateId: number, error: unknown): UpdateVerdict {
    const count = this.counts.get(updateId) ?? { failures: 0, outages: 0 };
    this.counts.set(updateId, count);
    if (this.counts.size > 10_000) this.counts.delete(this.counts.keys().next().value!);
    if (error instanceof GatewayError && !error.retryable) return this.setAside(updateId, count.failures + 1);
    if (error instanceof GatewayError && (error.code === 'unavailable' || error.code === 'shutting_down')) {
      count.outages++;
      return { action: 'retry', delayMs: this.outageRetryMs(count.outages), outage: true, attempt: count.failures };
    }
    count.failures++;
    if (count.failures >= this.maxAttempts) return this.setAside(updateId, count.failures);
    return { action: 'retry', delayMs: this.backoffMs(count.failures), outage: false, attempt: count.failures };
  }

  /** The update was handled (or set aside): its count is forgotten. */
  forget(updateId: number): void {
    this.counts.delete(updateId);
  }

  private setAside(updateId: number, attempt: number): UpdateVerdict {
    this.counts.delete(updateId);
    return { action: 'set_aside', attempt };
  }
}

import type { Logger } from 'pino';
import type { Gateway } from '../gateway/gateway.js';
import { GatewayError } from '../gateway/gateway.errors.js';
import type { RequestStore } from '../requests/request-store.port.js';
import { StoreError } from '../requests/request-store.port.js';
import { PeriodicJob } from '../periodic-job.js';

const BATCH = 50;

/**
 * Closes requests whose solution the customer left unanswered for
 * AUTO_CLOSE_AFTER, telling the customer as any status change does. Every
 * instance may run it: a request another instance closed a moment earlier is
 * refused by the status graph and skipped.
 */
export class AutoCloser {
  private readonly job: PeriodicJob<number>;

  constructor(
    private readonly deps: { store: RequestStore; gateway: Gateway; clock: () => Date; logger: Logger; afterMs: number },
  ) {
    this.job = new PeriodicJob(() => this.closeDue(), (e: unknown) => this.deps.logger.error({ err: e }, 'auto-close failed'));
  }

  /** Checks every min(AUTO_CLOSE_AFTER / 10, 5 min). */
  start(): void {
    this.job.start(Math.max(1000, Math.min(this.deps.afterMs / 10, 5 * 60_000)));
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** Closes what is due now; returns how many requests it closed. */
  runOnce(): Promise<number> {
    return this.job.runOnce();
  }

  private async closeDue(): Promise<number> {
    const before = new Date(this.deps.clock().getTime() - this.deps.afterMs);
    let closed = 0;
    for (;;) {
      const numbers = await this.deps.store.listStaleSolutions(before, BATCH);
      let progressed = false;
      for (const number of numbers) {
        try {
          await this.deps.gateway.changeStatus({ number, to: 'closed', comment: null, actor: { kind: 'system' } });
          closed++;
          progressed = true;
          this.deps.logger.info({ request: number }, 'closed: the customer did not answer the solution');
        } catch (error) {
          if (!isRaced(error)) throw error;
        }
      }
      if (numbers.length < BATCH || !progressed) return closed;
    }
  }
}

function isRaced(error: unknown): boolean {
  return (error instanceof StoreError || error instanceof GatewayError) && (error.code === 'invalid_transition' || error.code === 'not_found');
}

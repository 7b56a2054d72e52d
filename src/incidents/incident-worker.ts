/**
 * The background work of mass incidents, on every instance: fan-outs of updates
 * (queued in batches, IncidentStore.fanoutBatch) and cascades of an incident's
 * solution or close to its linked requests (each through the gateway, as an
 * agent's status change: the customer is told on their channel, in their
 * language, and answers for themselves). Both are read from the database each
 * pass, so a restart loses nothing and several instances share the work.
 */
import type { Logger } from 'pino';
import { isOutage } from '../gateway/outage.js';
import type { GatewayEvents } from '../gateway/gateway-events.js';
import type { Gateway } from '../gateway/gateway.js';
import { PeriodicJob } from '../periodic-job.js';
import type { IncidentStore } from './incident-store.port.js';
import type { CascadeTarget } from './incident.types.js';

export interface IncidentWorkerOptions {
  store: IncidentStore;
  gateway: Pick<Gateway, 'changeStatus'>;
  events: GatewayEvents;
  /** Wakes the outbox: a batch of copies was queued. */
  wakeOutbox: () => void;
  clock: () => Date;
  logger: Logger;
  /** Copies queued per statement. */
  batchSize?: number;
  /** Linked requests moved at once by a cascade. */
  cascadeConcurrency?: number;
  /** How often to look for work nobody announced (another instance's, or left by a restart). */
  everyMs?: number;
}

export class IncidentWorker {
  private readonly job: PeriodicJob<void>;
  private again = false;

  constructor(private readonly opts: IncidentWorkerOptions) {
    this.job = new PeriodicJob(() => this.pass(), (error) => this.failed(error));
  }

  start(): void {
    this.job.start(this.opts.everyMs ?? 2_000, { now: true });
  }

  stop(): Promise<void> {
    return this.job.stop();
  }

  /** Runs a pass now; one asked for during a pass runs after it (that pass may have missed the new work). */
  kick(): void {
    this.again = true;
    void this.runUntilQuiet().catch((error: unknown) => this.failed(error));
  }

  /** Runs passes until no kick came during the last one (tests and the bench wait on it). */
  async runUntilQuiet(): Promise<void> {
    while (this.again) {
      this.again = false;
      await this.job.runOnce();
    }
  }

  private failed(error: unknown): void {
    if (isOutage(error)) this.opts.logger.warn({ err: error }, 'incident work paused: a service is unreachable; it resumes with the next pass');
    else this.opts.logger.error({ err: error }, 'incident work failed; it resumes with the next pass');
  }

  private async pass(): Promise<void> {
    await this.fanOut();
    await this.cascade();
  }

  private async fanOut(): Promise<void> {
    const size = this.opts.batchSize ?? 500;
    for (;;) {
      const batch = await this.opts.store.fanoutBatch(size, this.opts.clock());
      if (!batch) return;
      if (batch.queued > 0) this.opts.wakeOutbox();
      const number = await this.opts.store.numberOf(batch.incidentId);
      if (number) this.opts.events.emit('incident_changed', { incidentNumber: number });
    }
  }

  /**
   * Moves the linked requests a status change of their incident has not moved yet.
   * A request that cannot be moved (changed meanwhile) is logged and left: the
   * next pass no longer lists it once its status is out of the cascade's reach.
   */
  private async cascade(): Promise<void> {
    const concurrency = this.opts.cascadeConcurrency ?? 8;
    const skipped = new Set<string>();
    for (;;) {
      const targets = (await this.opts.store.cascadeTargets(200)).filter((t) => !skipped.has(t.requestNumber));
      if (targets.length === 0) return;
      const touched = new Set<string>();
      for (let i = 0; i < targets.length; i += concurrency) {
        await Promise.all(targets.slice(i, i + concurrency).map((t) => this.move(t, skipped)));
      }
      for (const t of targets) touched.add(t.incidentNumber);
      for (const incidentNumber of touched) this.opts.events.emit('incident_changed', { incidentNumber });
    }
  }

  private async move(t: CascadeTarget, skipped: Set<string>): Promise<void> {
    try {
      await this.opts.gateway.changeStatus({
        number: t.requestNumber,
        to: t.to,
        comment: t.comment,
        actor: { kind: 'agent', agentId: t.agentId },
        viaIncidentId: t.incidentId,
      });
    } catch (error) {
      if (isOutage(error)) throw error;
      skipped.add(t.requestNumber);
      this.opts.logger.warn({ err: error, incident: t.incidentNumber, request: t.requestNumber }, 'a linked request could not follow its incident');
    }
  }
}

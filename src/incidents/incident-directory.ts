/**
 * The open mass incidents the conversation offers at the start of an intake.
 * Every step reads them, so they are read from the database at most once per
 * `ttlMs` (and at once after a change made on this instance: invalidate); other
 * instances' changes show within `ttlMs`. While the database cannot be read,
 * the last list read stands: an outage never fails a conversation step here.
 */
import type { Logger } from 'pino';
import type { IncidentStore } from './incident-store.port.js';
import type { OpenIncident } from './incident.types.js';

/** The conversation offers at most this many (the newest). */
export const OFFERED_INCIDENTS = 3;

export class IncidentDirectory {
  private cached: { until: number; list: Promise<OpenIncident[]> } | null = null;
  private last: OpenIncident[] = [];

  constructor(
    private readonly store: Pick<IncidentStore, 'openIncidents'>,
    private readonly logger: Logger,
    private readonly ttlMs = 1_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** The newest open incidents, newest first. */
  list(): Promise<OpenIncident[]> {
    const t = this.now();
    if (this.cached && t < this.cached.until) return this.cached.list;
    const list = this.store.openIncidents(OFFERED_INCIDENTS).then(
      (found) => (this.last = found),
      (error: unknown) => {
        this.logger.warn({ err: error }, 'open incidents could not be read; the last list read is offered');
        this.cached = null;
        return this.last;
      },
    );
    this.cached = { until: t + this.ttlMs, list };
    return list;
  }

  /** Forgets the list: the next step reads it again (an incident was declared, updated or resolved here). */
  invalidate(): void {
    this.cached = null;
  }
}

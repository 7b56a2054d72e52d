import type { Locale } from '../conversation/conversation.types.js';
import type { RequestStatus } from '../requests/request.types.js';
import type {
  CascadeTarget,
  DeliveryCounts,
  FanoutBatch,
  IncidentDetail,
  IncidentRecord,
  IncidentUpdateRecord,
  OpenIncident,
} from './incident.types.js';

export interface DeclareIncidentInput {
  title: string;
  titles: Partial<Record<Locale, string>>;
  description: string;
  agentId: string;
  at: Date;
}

export interface PostUpdateInput {
  incidentNumber: string;
  text: string;
  internal: boolean;
  /** What each linked customer gets, by their language (public updates only). */
  texts: Record<Locale, string>;
  agentId: string;
  at: Date;
}

/**
 * Mass incidents in the database (PostgreSQL and PGlite alike). Refusals are
 * StoreError: `not_found` (no such incident or request), `conflict` (linked to
 * another incident, already an incident, the incident is closed),
 * `invalid_transition` (a request that cannot be linked: an incident itself, or closed).
 */
export interface IncidentStore {
  declare(input: DeclareIncidentInput): Promise<IncidentRecord>;
  /** Declares an incident from a customer's request (its subject and description) and links that request to it. */
  promote(input: { number: string; agentId: string; at: Date }): Promise<IncidentRecord>;
  get(number: string): Promise<IncidentDetail | null>;
  /** Incidents, newest first: `open` those not solved or closed. */
  list(filter: { status: 'open' | 'all' | RequestStatus; limit: number }): Promise<IncidentRecord[]>;
  /**
   * Links customers' requests, all or none, each with an entry in its history.
   * Linking one already linked here is no change (`alreadyLinked`).
   */
  link(input: { incidentNumber: string; numbers: string[]; agentId: string; at: Date }): Promise<{ linked: string[]; alreadyLinked: string[] }>;
  /** Unlinks one request (agent: `agentId`; the customer's "not solved": null, with a note to agents). `not_found` if not linked here. */
  unlink(input: { incidentNumber: string; number: string; agentId: string | null; reason: 'agent' | 'not_solved'; at: Date }): Promise<void>;
  /** Moves the incident along the status graph (a request's graph), recorded in its history by the agent. */
  changeStatus(input: { number: string; to: RequestStatus; comment: string | null; agentId: string; at: Date }): Promise<void>;
  /** Posts a public update (its fan-out then runs in batches, see fanoutBatch) or an internal note. */
  postUpdate(input: PostUpdateInput): Promise<IncidentUpdateRecord>;
  /**
   * Queues the next batch of the oldest unfinished fan-out (an incident's updates
   * in order) in one statement: up to `limit` copies with their outbox rows (after
   * every ordinary message) and history entries. Safe on several instances at
   * once and across a crash: each linked request gets each update once. Null when none is left.
   */
  fanoutBatch(limit: number, at: Date): Promise<FanoutBatch | null>;
  /** Linked requests a status change of their incident still has to move (solution: the open ones; close: the solved ones). */
  cascadeTargets(limit: number): Promise<CascadeTarget[]>;
  /** The newest open incidents (not solved or closed), for the intake's offer. */
  openIncidents(limit: number): Promise<OpenIncident[]>;
  /** An incident's number by id, or null. */
  numberOf(incidentId: string): Promise<string | null>;
  /** Counts for /metrics. */
  counts(): Promise<{ open: number; linked: number; deliveries: DeliveryCounts }>;
}

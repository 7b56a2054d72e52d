/**
 * Mass incidents: one failure that hits many customers. An incident is a request
 * of type `mass_incident` with no customer of its own, numbered from the same
 * sequence as every request. Customers' requests are linked to it and keep their
 * own number, customer, conversation and status.
 */
import type { Locale } from '../conversation/conversation.types.js';
import type { RequestStatus, StatusChangeRecord } from '../requests/request.types.js';

/** Delivery counts of an incident's fan-out copies. `pending` includes copies not queued yet. */
export interface DeliveryCounts {
  delivered: number;
  pending: number;
  failed: number;
}

/** A public update (fanned out to every linked request) or an internal note, as posted. */
export interface IncidentUpdateRecord {
  id: string;
  text: string;
  internal: boolean;
  agentId: string | null;
  /** Linked requests that were not closed when it was posted (0 for a note). */
  recipients: number;
  /** Every recipient's copy is queued (always true for a note). */
  queued: boolean;
  createdAt: Date;
}

export interface IncidentRecord {
  id: string;
  number: string;
  /** The main title (the request's subject). */
  title: string;
  /** The title per language; a missing one falls back to `title`. */
  titles: Record<Locale, string>;
  description: string;
  status: RequestStatus;
  assigneeId: string | null;
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  /** Requests linked to it, and those of them not closed. */
  linkedCount: number;
  openLinkedCount: number;
  /** The newest public update, or null. */
  latestUpdate: IncidentUpdateRecord | null;
}

/** A customer's request linked to an incident. */
export interface LinkedRequest {
  number: string;
  subject: string;
  channel: string;
  status: RequestStatus;
  customer: { id: string; displayName: string | null; locale: Locale; reachable: boolean };
}

export interface IncidentDetail extends IncidentRecord {
  requests: LinkedRequest[];
  updates: Array<IncidentUpdateRecord & { deliveries: DeliveryCounts }>;
  deliveries: DeliveryCounts & { byChannel: Record<string, DeliveryCounts> };
  statusChanges: StatusChangeRecord[];
}

/** An open incident as the conversation engine offers it at the start of an intake. */
export interface OpenIncident {
  id: string;
  number: string;
  titles: Record<Locale, string>;
  latestUpdate: string | null;
}

/** One linked request the cascade moves next (see IncidentStore.cascadeTargets). */
export interface CascadeTarget {
  incidentId: string;
  incidentNumber: string;
  requestNumber: string;
  to: 'solution_provided' | 'closed';
  comment: string | null;
  agentId: string | null;
}

/** One batch of a fan-out, as written. */
export interface FanoutBatch {
  updateId: string;
  incidentId: string;
  /** Copies queued by this batch. */
  queued: number;
  /** The update's fan-out is complete. */
  done: boolean;
}

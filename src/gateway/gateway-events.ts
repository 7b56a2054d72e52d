import { EventEmitter } from 'node:events';
import type { Customer, RequestRecord, RequestStatus, StatusChangeRecord, StoredMessage } from '../requests/request.types.js';

/** What the gateway announces after a step commits; the agent relay listens. */
export interface GatewayEventMap {
  request_created: { request: RequestRecord };
  customer_message: { requestNumber: string; message: StoredMessage };
  status_changed: { request: RequestRecord; change: StatusChangeRecord; from: RequestStatus; to: RequestStatus; comment: string | null };
  message_enqueued: { message: StoredMessage };
  delivery_failed: { message: StoredMessage; error: string };
  delivered: { message: StoredMessage };
  /** A customer started or stopped typing, where the channel reports it. */
  customer_typing: { customerId: string; typing: boolean };
  /** Support signed a customer out of their channel's sessions (web chat tokens revoked). */
  customer_signed_out: { customer: Customer };
  /** A step began, moved or ended a customer's intake (the console's Drafts). */
  intake_changed: { customerId: string };
  /** A request left its mass incident: an agent unlinked it, or its customer said the solution did not help. */
  incident_unlinked: { incidentNumber: string; requestNumber: string; reason: 'agent' | 'not_solved' };
  /** A mass incident changed: declared, linked, updated, its fan-out moved on, its status changed. */
  incident_changed: { incidentNumber: string };
  /** Requests were linked to a mass incident. */
  incident_linked: { incidentNumber: string; requestNumbers: string[] };
  /** A channel's connection changed (WhatsApp waiting for a scan, ready, disconnected…). */
  channel_status: { channel: string; status: Record<string, unknown> };
}

export type GatewayEventName = keyof GatewayEventMap;

/**
 * In-process, typed publish/subscribe for gateway events. Listeners run after
 * the transaction that caused the event has committed; a listener's error is
 * reported to `onListenerError` and never reaches the publisher.
 */
export class GatewayEvents {
  private readonly emitter = new EventEmitter();

  constructor(private readonly onListenerError: (error: unknown, event: GatewayEventName) => void) {
    this.emitter.setMaxListeners(100);
  }

  on<E extends GatewayEventName>(event: E, listener: (payload: GatewayEventMap[E]) => void | Promise<void>): () => void {
    const wrapped = (payload: GatewayEventMap[E]) => {
      try {
        const result = listener(payload);
        if (result instanceof Promise) result.catch((error: unknown) => this.onListenerError(error, event));
      } catch (error) {
        this.onListenerError(error, event);
      }
    };
    this.emitter.on(event, wrapped);
    return () => this.emitter.off(event, wrapped);
  }

  emit<E extends GatewayEventName>(event: E, payload: GatewayEventMap[E]): void {
    this.emitter.emit(event, payload);
  }
}

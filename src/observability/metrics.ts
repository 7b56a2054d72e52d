import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one gateway instance. Each instance gets its own
 * registry (no prom-client globals), so tests can run several side by side.
 */
export interface Metrics {
  registry: Registry;
  messagesIn: Counter<'channel'>;
  messagesOut: Counter<'channel'>;
  duplicatesIgnored: Counter<'channel'>;
  requestsCreated: Counter<'channel' | 'type'>;
  deliveriesFailed: Counter<'channel' | 'reason'>;
  deliveryRetries: Counter<'channel'>;
  stepFailures: Counter<'channel'>;
  transitionSeconds: Histogram<'channel'>;
  stepSeconds: Histogram<'channel'>;
  outboxRows: Gauge<'status'>;
  incidentsOpen: Gauge;
  incidentLinkedRequests: Gauge;
  incidentDeliveries: Gauge<'state'>;
  /** Promise rejections nothing caught (process-guards.ts): each one is a bug. */
  unhandledRejections: Counter;
  /** Broadcasts Redis did not take (an outage): other instances' sockets missed them. */
  broadcastsLost: Counter;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, prefix: 'relaydesk_' });
  const registers = [registry];
  return {
    registry,
    messagesIn: new Counter({ name: 'relaydesk_messages_in_total', help: 'Customer messages received (after de-duplication)', labelNames: ['channel'], registers }),
    messagesOut: new Counter({ name: 'relaydesk_messages_out_total', help: 'Messages delivered to customers', labelNames: ['channel'], registers }),
    duplicatesIgnored: new Counter({ name: 'relaydesk_messages_duplicate_total', help: 'Redelivered customer messages ignored', labelNames: ['channel'], registers }),
    requestsCreated: new Counter({ name: 'relaydesk_requests_created_total', help: 'Support requests created', labelNames: ['channel', 'type'], registers }),
    deliveriesFailed: new Counter({ name: 'relaydesk_deliveries_failed_total', help: 'Deliveries that failed for good', labelNames: ['channel', 'reason'], registers }),
    deliveryRetries: new Counter({ name: 'relaydesk_delivery_retries_total', help: 'Delivery attempts that will be retried', labelNames: ['channel'], registers }),
    stepFailures: new Counter({ name: 'relaydesk_step_failures_total', help: 'Conversation steps that failed and were retried or abandoned', labelNames: ['channel'], registers }),
    transitionSeconds: new Histogram({
      name: 'relaydesk_transition_seconds',
      help: 'Time spent in the pure conversation transition',
      labelNames: ['channel'],
      buckets: [0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.005, 0.01],
      registers,
    }),
    stepSeconds: new Histogram({
      name: 'relaydesk_step_seconds',
      help: 'Time to apply one customer message: lock, load state, transition, commit, save',
      labelNames: ['channel'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers,
    }),
    outboxRows: new Gauge({ name: 'relaydesk_outbox_rows', help: 'Outbox rows by status', labelNames: ['status'], registers }),
    incidentsOpen: new Gauge({ name: 'relaydesk_incidents_open', help: 'Mass incidents not solved or closed', registers }),
    incidentLinkedRequests: new Gauge({ name: 'relaydesk_incident_linked_requests', help: "Customers' requests linked to a mass incident", registers }),
    incidentDeliveries: new Gauge({ name: 'relaydesk_incident_deliveries', help: "Mass incident updates' copies by delivery state (delivered, pending, failed)", labelNames: ['state'], registers }),
    broadcastsLost: new Counter({ name: 'relaydesk_broadcasts_lost_total', help: 'socket.io broadcasts Redis did not take (reached this instance only)', registers }),
    unhandledRejections: new Counter({ name: 'relaydesk_unhandled_rejections_total', help: 'Promise rejections nothing caught (logged; each is a bug)', registers }),
  };
}

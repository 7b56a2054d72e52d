/**
 * What happened to the desk's work, in the log at info: a request created, a
 * status changed, a delivery given up, a channel's connection changed. One
 * line each, with a fixed message to search by and the request number and
 * channel as fields. Nothing a customer or an agent wrote (subjects,
 * comments, texts) goes in: those stay in the database.
 */
import type { Logger } from 'pino';
import type { Database } from '../db/database.js';
import type { GatewayEventMap, GatewayEvents } from '../gateway/gateway-events.js';

/** What the business log listens to and writes with. */
export interface BusinessLogDeps {
  /** The gateway's events (request created, status changed, delivery failed, channel status). */
  events: GatewayEvents;
  /** The process's logger; lines carry `component: 'desk'`. */
  logger: Logger;
  /**
   * The number (`SR-1042`) of a request by its id: a failed delivery knows
   * only its request's id. Without it, delivery lines carry no `request`.
   */
  requestNumberOf?: (requestId: string) => Promise<string | null>;
}

/**
 * Subscribes the business log to the gateway's events; returns the function
 * that unsubscribes it. Attach once per GatewayEvents, or every line is
 * written twice. Wiring, in `createApp`:
 * `attachBusinessLog({ events, logger, requestNumberOf: requestNumberLookup(db) })`.
 */
export function attachBusinessLog(deps: BusinessLogDeps): () => void {
  const { events } = deps;
  const logger = deps.logger.child({ component: 'desk' });
  const lastState = new Map<string, string>();
  const unsubscribe = [
    events.on('request_created', ({ request }) =>
      logger.info(
        { event: 'request_created', request: request.number, type: request.type, channel: request.channel, conversation: request.customerId },
        'request created',
      ),
    ),
    events.on('status_changed', (payload) => logger.info(statusChangeFields(payload), 'status changed')),
    events.on('delivery_failed', (payload) => logDeliveryFailed(logger, payload, deps.requestNumberOf)),
    events.on('channel_status', ({ channel, status }) => {
      const state = typeof status.state === 'string' ? status.state : 'unknown';
      // A channel repeats its state (a WhatsApp QR code is renewed while waiting for a scan): one line per change.
      if (lastState.get(channel) === state) return;
      lastState.set(channel, state);
      // Never the whole status: a WhatsApp one carries the pairing QR code.
      const reason = typeof status.reason === 'string' && status.reason !== '' ? { reason: status.reason } : {};
      logger.info({ event: 'channel_status', channel, state, ...reason }, 'channel state changed');
    }),
  ];
  return () => {
    for (const off of unsubscribe) off();
  };
}

/** Looks a request's number up by its id in the gateway's database (for `requestNumberOf`). */
export function requestNumberLookup(db: Pick<Database, 'prisma'>): (requestId: string) => Promise<string | null> {
  return async (id) => (await db.prisma.request.findUnique({ where: { id }, select: { number: true } }))?.number ?? null;
}

/** Who moved the request: `by` is agent, customer, system or bot; `agent` is the agent's id. */
function statusChangeFields({ request, change, from, to }: GatewayEventMap['status_changed']): Record<string, unknown> {
  return {
    event: 'status_changed',
    request: request.number,
    channel: request.channel,
    from,
    to,
    by: change.actorKind,
    ...(change.agentId ? { agent: change.agentId } : {}),
  };
}

/**
 * The line for a delivery given up, with its request's number when it has one.
 * The line is written even when the number cannot be looked up (the database
 * may be what failed); the lookup's failure is logged beside it.
 */
async function logDeliveryFailed(
  logger: Logger,
  { message, error }: GatewayEventMap['delivery_failed'],
  requestNumberOf: BusinessLogDeps['requestNumberOf'],
): Promise<void> {
  let request: string | null = null;
  if (message.requestId && requestNumberOf) {
    request = await requestNumberOf(message.requestId).catch((err: unknown) => {
      logger.warn({ err, message: message.id }, 'could not look up the request of a failed delivery');
      return null;
    });
  }
  logger.info(
    {
      event: 'delivery_failed',
      ...(request ? { request } : {}),
      channel: message.channel,
      message: message.id,
      conversation: message.customerId,
      reason: error,
    },
    'delivery failed',
  );
}

/** An OutboxWorker for tests: silent, no metrics, files never read, polling only once an hour. */
import pino from 'pino';
import type { ChannelPort } from '../../src/channels/channel.port.js';
import type { GatewayEvents } from '../../src/gateway/gateway-events.js';
import { OutboxWorker } from '../../src/gateway/outbox.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { createAttachmentService } from '../../src/requests/attachments.js';
import type { RequestStore } from '../../src/requests/request-store.port.js';

export function testOutboxWorker(store: RequestStore, port: ChannelPort, events: GatewayEvents): OutboxWorker {
  return new OutboxWorker({
    store,
    channels: new Map([[port.name, port]]),
    attachments: createAttachmentService({ store, storage: { put: async () => 'x', get: async () => Buffer.alloc(0) }, maxBytes: 1024 }),
    events,
    metrics: createMetrics({ defaultMetrics: false }),
    logger: pino({ level: 'silent' }),
    clock: () => new Date(),
    // Only the first tick of start() runs during a test; anything later is a wake or a flush.
    pollIntervalMs: 3_600_000,
    maxAttempts: 3,
  });
}

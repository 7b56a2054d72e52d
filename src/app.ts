import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { ChannelContext, ChannelFactory, ChannelModule, ChannelPort } from './channels/channel.port.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { connectRedis } from './db/redis.js';
import { createChannelDesk } from './gateway/channel-desk.js';
import { Gateway } from './gateway/gateway.js';
import { GatewayEvents } from './gateway/gateway-events.js';
import { createMemoryLockManager } from './gateway/memory.lock.js';
import { createMemoryStateStore } from './gateway/memory.state-store.js';
import { OutboxWorker } from './gateway/outbox.js';
import { createRedisLockManager } from './gateway/redis.lock.js';
import { createRedisStateStore } from './gateway/redis.state-store.js';
import type { LockManager, StateStore } from './gateway/state-store.port.js';
import { createConsole, type ConsoleModule } from './console/index.js';
import { buildServer } from './http/server.js';
import { createRealtime } from './http/realtime.js';
import { createReadiness, type ReadinessCheck } from './http/routes/health.routes.js';
import { createLogger } from './observability/logger.js';
import { createSqlIncidentStore } from './incidents/sql.incidents.js';
import { IncidentDirectory } from './incidents/incident-directory.js';
import { IncidentWorker } from './incidents/incident-worker.js';
import { IncidentService } from './incidents/incidents.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { createAttachmentService, type AttachmentService } from './requests/attachments.js';
import { createFsAttachmentStorage } from './requests/fs.attachment-storage.js';
import { createPostgresRequestStore } from './requests/postgres.request-store.js';
import { UploadCleaner } from './requests/upload-cleanup.js';
import { createDeskSettings } from './requests/desk-settings.js';
import { attachBusinessLog, requestNumberLookup } from './observability/business-log.js';
import type { RequestStore } from './requests/request-store.port.js';

export interface AppOptions {
  logger?: Logger;
  /** Channels to run (built ones, or factories given the app's parts); each starts after the server listens. */
  channels?: Array<ChannelModule | ChannelFactory>;
  clock?: () => Date;
}

/** A wired gateway instance: everything constructed, nothing started. */
export interface App {
  config: Config;
  logger: Logger;
  db: Database;
  redis: Redis | null;
  store: RequestStore;
  attachments: AttachmentService;
  gateway: Gateway;
  outbox: OutboxWorker;
  events: GatewayEvents;
  metrics: Metrics;
  server: FastifyInstance;
  console: ConsoleModule;
  /** Mass incidents: what agents do to them, and the background fan-outs and cascades. */
  incidents: IncidentService;
  incidentWorker: IncidentWorker;
  /** Listens, starts the outbox worker and the channels, applies messages a crash left pending. Returns the address. */
  start(): Promise<string>;
  /** Graceful shutdown: stop input, finish in-flight requests, drain the outbox round, close connections. */
  stop(): Promise<void>;
}

/** How often to retry conversations whose step failed (e.g. while the database was unreachable). */
const RETRY_INTERVAL_MS = 5_000;
/** Pending connections the kernel may queue for us (capped by net.core.somaxconn, 4096 on current Linux). */
const LISTEN_BACKLOG = 4096;

export { createLogger };

export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config);
  const clock = options.clock ?? (() => new Date());
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, logger });
  const redis = config.redisUrl
    ? await connectRedis({ url: config.redisUrl, prefix: config.redisPrefix, logger: logger.child({ component: 'redis' }) }).catch(async (error: unknown) => {
        await db.close(); // the embedded database's lock goes with it
        throw error;
      })
    : null;
  const states: StateStore = redis ? createRedisStateStore(redis) : createMemoryStateStore();
  // Release notices wake lock waiters at once; SUBSCRIBE takes a connection over, so they get one of their own.
  // It connects on the first wait for a lock; an outage is logged once by the main connection (src/db/redis.ts).
  const lockSubscriber = redis?.duplicate({ enableOfflineQueue: true, enableReadyCheck: false }).on('error', () => undefined) ?? null;
  const locks: LockManager = redis ? createRedisLockManager(redis, { subscriber: lockSubscriber }) : createMemoryLockManager();
  const store = createPostgresRequestStore(db, { requestPrefix: config.requestPrefix });
  const storage = createFsAttachmentStorage(path.join(config.dataDir, 'attachments'));
  const uploadCleaner = new UploadCleaner({ store, storage, clock, logger: logger.child({ component: 'uploads' }), ttlMs: config.uploadOrphanTtlMs });
  const attachments = createAttachmentService({ store, storage, maxBytes: config.uploadMaxBytes, imageLimits: { maxPixels: config.uploadMaxPixels } });
  const metrics = createMetrics();
  const events = new GatewayEvents((error, event) => logger.error({ err: error, event }, 'gateway event listener failed'));
  const incidentStore = createSqlIncidentStore(db.sql, { requestPrefix: config.requestPrefix });
  const incidentDirectory = new IncidentDirectory(incidentStore, logger.child({ component: 'incidents' }));
  const gateway = new Gateway({
    store, states, locks, attachments, events, metrics, logger, clock,
    knownIncidents: () => incidentDirectory.list(),
    intakeTtlMs: config.intakeTtlMs,
    defaultLocale: config.defaultLocale,
    closedFollowUpMs: config.closedFollowUpMs,
    // Channels are built below, before any message arrives.
    menuOf: (channel) => ports.get(channel)?.menu,
    sendAtOnce: {
      accepts: (channel) => ports.get(channel)?.sendsAtOnce === true,
      send: (customer, message) => outbox.sendNow(customer, message),
    },
  });
  const settings = createDeskSettings(store);
  const realtime = createRealtime({
    redis, prefix: config.redisPrefix, logger: logger.child({ component: 'realtime' }),
    trustProxy: config.trustProxy, maxSocketsPerAddress: config.maxSocketsPerAddress,
    onBroadcastLost: () => metrics.broadcastsLost.inc(),
  });
  const channelContext: ChannelContext = {
    config, logger: logger.child({ component: 'channel' }), clock, redis, io: realtime.io, events,
    desk: (channel) => createChannelDesk(channel, { store, attachments, settings, knownIncidents: () => incidentDirectory.list() }),
  };
  const channels = await Promise.all((options.channels ?? []).map((c) => (typeof c === 'function' ? c(channelContext) : c)));
  const ports = new Map<string, ChannelPort>(channels.map((c) => [c.port.name, c.port]));
  const outbox = new OutboxWorker({
    store, channels: ports, attachments, events, metrics, logger, clock, settings,
    pollIntervalMs: config.outboxPollIntervalMs,
    maxAttempts: config.outboxMaxAttempts,
    leaseMs: config.outboxLeaseMs,
  });
  const incidentWorker = new IncidentWorker({
    store: incidentStore, gateway, events, clock, logger: logger.child({ component: 'incidents' }),
    wakeOutbox: () => outbox.wake(),
  });
  const incidents = new IncidentService({ store: incidentStore, directory: incidentDirectory, events, clock, kick: () => incidentWorker.kick() });
  // Request created, status changed, delivery failed, channel state changed: one info line each (docs/operations.md#logs).
  attachBusinessLog({ events, logger, requestNumberOf: requestNumberLookup(db) });
  const channelStatus = async () => {
    const reporting = channels.filter((c) => c.status);
    return Object.fromEntries(await Promise.all(reporting.map(async (c) => [c.port.name, await c.status!()] as const)));
  };
  let accepting = true;
  const checks: ReadinessCheck[] = [{ name: 'database', check: () => store.ping() }];
  if (redis) checks.push({ name: 'redis', check: async () => void (await redis.ping()) });
  // One readiness for the public /ready and the admins' GET /api/system/status; it logs each check's changes.
  const readiness = createReadiness({ checks, isAccepting: () => accepting, channels: channelStatus, logger: logger.child({ component: 'readiness' }), clock });
  const agentConsole = createConsole({
    config, settings, db, store, gateway, events, attachments, io: realtime.io, redis, ports, clock, channelStatus, readiness, incidents,
    logger: logger.child({ component: 'console' }),
  });
  const server = await buildServer({
    logger,
    bodyLimit: config.uploadMaxBytes + 64 * 1024,
    trustProxy: config.trustProxy,
    health: {
      readiness,
      registry: metrics.registry,
      beforeScrape: async () => {
        const counts = await store.countOutbox();
        for (const [status, n] of Object.entries(counts) as [string, number][]) metrics.outboxRows.set({ status }, n);
        const incidentCounts = await incidentStore.counts();
        metrics.incidentsOpen.set(incidentCounts.open);
        metrics.incidentLinkedRequests.set(incidentCounts.linked);
        for (const [state, n] of Object.entries(incidentCounts.deliveries)) metrics.incidentDeliveries.set({ state }, n);
      },
    },
    plugins: [...channels.flatMap((c) => (c.routes ? [c.routes] : [])), agentConsole.routes],
  });
  realtime.attach(server);

  let recoveryTimer: NodeJS.Timeout | null = null;
  const backend = config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${path.join(config.dataDir, 'pglite')}`;

  return {
    config, logger, db, redis, store, attachments, gateway, outbox, events, metrics, server, console: agentConsole, incidents, incidentWorker,
    async start() {
      await agentConsole.start();
      // Fastify logs one line per interface; say where we listen once, with the back ends.
      const level = server.log.level;
      server.log.level = 'warn';
      // A deep accept queue: after a restart every open widget reconnects at once, and while the
      // event loop is busy (the embedded database computes in it) Node's default of 511 overflows:
      // the kernel then drops connections the client believes open, and their handshakes fail.
      const address = await server.listen({ port: config.port, host: config.host, backlog: LISTEN_BACKLOG }).finally(() => {
        server.log.level = level;
      });
      logger.info(`RelayDesk listening on ${address} (database: ${backend}; state: ${redis ? 'Redis' : 'in-memory'})`);
      outbox.start();
      incidentWorker.start();
      for (const c of channels) await c.start?.((message, onStored) => gateway.receive(message, onStored));
      const recovered = await gateway.recover();
      if (recovered > 0) logger.info({ conversations: recovered }, 'applied messages left pending by the last run');
      // retryDeferred never rejects: each conversation's failure is caught and logged inside.
      recoveryTimer = setInterval(() => void gateway.retryDeferred(), RETRY_INTERVAL_MS);
      recoveryTimer.unref();
      uploadCleaner.start();
      return address;
    },
    async stop() {
      accepting = false;
      if (recoveryTimer) clearInterval(recoveryTimer);
      // Channels stop taking input first, handing over what they already took; then the gateway closes.
      for (const c of channels) await c.stop?.().catch((e: unknown) => logger.error({ err: e, channel: c.port.name }, 'channel stop failed'));
      gateway.stopAccepting();
      await agentConsole.stop();
      await incidentWorker.stop();
      await uploadCleaner.stop();
      await server.close();
      await outbox.stop();
      await states.close();
      await locks.close();
      // A subscriber has no replies pending: closed at once, connected or not.
      lockSubscriber?.disconnect();
      if (redis) await redis.quit().catch(() => redis.disconnect());
      await db.close();
    },
  };
}

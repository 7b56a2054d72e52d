/**
 * The one socket.io server of a gateway instance, shared by the web chat's
 * `/webchat` namespace and the agents' `/agents` namespace. With Redis, rooms
 * and broadcasts span every instance through `@socket.io/redis-adapter`.
 *
 * Engine-level CORS reflects any origin without credentials: browsers never send
 * cookies cross-origin on it, and each namespace checks the handshake's origin
 * itself (the web chat against WEBCHAT_ALLOWED_ORIGINS, agents against the
 * gateway's own origin).
 */
import type { IncomingMessage } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { Server } from 'socket.io';
import { clientAddress, compileTrust, type TrustProxySetting } from './client-address.js';

export interface Realtime {
  io: Server;
  /** Attaches to the fastify server's HTTP server and closes with it. */
  attach(app: FastifyInstance): void;
}

export interface RealtimeOptions {
  redis: Redis | null;
  /** REDIS_PREFIX: keeps the adapter's channels apart from other deployments on the same Redis. */
  prefix?: string;
  logger: Logger;
  trustProxy: TrustProxySetting;
  /** Open connections (engine.io sessions, every namespace) one client address may hold on this instance. */
  maxSocketsPerAddress: number;
  /** Counts a broadcast Redis did not take (it reached this instance's sockets only). */
  onBroadcastLost?: () => void;
}

export function createRealtime(opts: RealtimeOptions): Realtime {
  const sockets = countSocketsPerAddress(opts);
  const io = new Server({
    transports: ['websocket', 'polling'],
    cors: { origin: true, methods: ['GET', 'POST'], credentials: false },
    maxHttpBufferSize: 64 * 1024,
    allowRequest: sockets.allowRequest,
  });
  const adapterClients = opts.redis ? adapterConnections(opts.redis, opts.logger, opts.onBroadcastLost ?? (() => {})) : [];
  const [pub, sub] = adapterClients;
  if (pub && sub) io.adapter(createAdapter(pub, sub, { key: `${opts.prefix ?? ''}socket.io` }));
  return {
    io,
    attach(app) {
      io.attach(app.server);
      io.engine.on('connection', sockets.onConnection);
      app.addHook('onClose', async () => {
        await new Promise<void>((resolve) => io.close(() => resolve()));
        // io.close() does not wait for the Redis adapter to unsubscribe; a PING answered on
        // each connection means every command sent before it is done, so quitting is safe.
        await Promise.all(adapterClients.map((c) => c.ping().catch(() => undefined)));
        await Promise.all(adapterClients.map((c) => c.quit().catch(() => c.disconnect())));
      });
    },
  };
}

/**
 * The adapter's two connections. The adapter publishes without awaiting
 * (`pubClient.publish(…)` with no catch), so a publish refused while Redis is
 * down would be an unhandled rejection that ends the process: each publish is
 * caught and logged here. Redis pub/sub never promised delivery to an instance
 * that is cut off, so a broadcast lost in an outage only misses the other
 * instances; this instance's own sockets got it. The subscriber waits for
 * Redis as long as it takes (its subscriptions must be made), and ioredis
 * subscribes again after every reconnection.
 */
function adapterConnections(redis: Redis, logger: Logger, onLost: () => void): [Redis, Redis] {
  // Both queue what they are given until connected: the publisher fails a queued publish after a few
  // reconnections (nothing waits for it), the subscriber never gives up on its subscriptions.
  const pub = redis.duplicate({ lazyConnect: false, enableOfflineQueue: true });
  // No ready check: SUBSCRIBE may be sent while connecting, after which ioredis refuses its own INFO ready check.
  const sub = redis.duplicate({ lazyConnect: false, enableOfflineQueue: true, maxRetriesPerRequest: null, enableReadyCheck: false });
  for (const [client, role] of [[pub, 'publisher'], [sub, 'subscriber']] as const) {
    client.on('error', (error: unknown) => logger.debug({ err: error, role }, 'socket.io adapter connection error'));
  }
  let failed = 0;
  const publish = pub.publish.bind(pub) as (channel: string | Buffer, message: string | Buffer) => Promise<number>;
  pub.publish = ((channel: string | Buffer, message: string | Buffer) =>
    publish(channel, message).catch((error: unknown) => {
      onLost();
      // One line per outage, not per broadcast.
      if (failed++ % 1000 === 0) logger.warn({ err: error, failed }, 'broadcast not sent to other instances: Redis is unreachable');
      return 0;
    })) as typeof pub.publish;
  pub.on('ready', () => {
    failed = 0;
  });
  return [pub, sub];
}

/**
 * Bounds the connections one client address holds on this instance: each
 * costs memory, and a handshake costs nothing to make. The address is the one
 * TRUST_PROXY gives, so visitors behind a balancer or an office NAT are told
 * apart as far as the proxies allow.
 */
function countSocketsPerAddress(opts: RealtimeOptions) {
  const trust = compileTrust(opts.trustProxy);
  const open = new Map<string, number>();
  return {
    allowRequest(req: IncomingMessage, callback: (err: string | null | undefined, success: boolean) => void): void {
      const address = clientAddress(req, trust);
      const allowed = (open.get(address) ?? 0) < opts.maxSocketsPerAddress;
      if (!allowed) opts.logger.debug({ address, limit: opts.maxSocketsPerAddress }, 'connection refused: too many open from one address');
      callback(allowed ? null : 'too many connections from this address', allowed);
    },
    onConnection(socket: { request: IncomingMessage; once(event: 'close', fn: () => void): void }): void {
      const address = clientAddress(socket.request, trust);
      open.set(address, (open.get(address) ?? 0) + 1);
      socket.once('close', () => {
        const n = (open.get(address) ?? 1) - 1;
        if (n > 0) open.set(address, n);
        else open.delete(address);
      });
    },
  };
}

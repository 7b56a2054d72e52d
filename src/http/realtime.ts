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
import { createAdapter } from '@socket.io/redis-adapter';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { Server } from 'socket.io';

export interface Realtime {
  io: Server;
  /** Attaches to the fastify server's HTTP server and closes with it. */
  attach(app: FastifyInstance): void;
}

/** `prefix` (REDIS_PREFIX) keeps the adapter's channels apart from other deployments on the same Redis. */
export function createRealtime(redis: Redis | null, prefix = ''): Realtime {
  const io = new Server({
    transports: ['websocket', 'polling'],
    cors: { origin: true, methods: ['GET', 'POST'], credentials: false },
    maxHttpBufferSize: 64 * 1024,
  });
  const adapterClients = redis ? [redis.duplicate(), redis.duplicate()] : [];
  const [pub, sub] = adapterClients;
  if (pub && sub) io.adapter(createAdapter(pub, sub, { key: `${prefix}socket.io` }));
  return {
    io,
    attach(app) {
      io.attach(app.server);
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

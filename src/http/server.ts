import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { handleError, body } from './errors.js';
import { healthRoutes, type HealthRoutesOptions } from './routes/health.routes.js';
import { widgetRoutes } from './routes/widget.routes.js';

/** Routes a channel or the console adds to the server. */
export type RoutePlugin = (app: FastifyInstance) => Promise<void>;

export interface ServerDeps {
  logger: Logger;
  health: HealthRoutesOptions;
  plugins?: RoutePlugin[];
  /** Where the widget bundle and demo page are; defaults to the package's `widget/`. */
  widgetDir?: string;
  /** Largest request body accepted by JSON routes. */
  bodyLimit?: number;
  /** Which proxies' X-Forwarded-For to believe (fastify's trustProxy). */
  trustProxy?: boolean | number | string[];
}

/**
 * Builds the HTTP server without listening, so tests can use `inject` or a
 * real port. Every request gets an id (kept from `x-request-id` if the
 * balancer sends one) that appears in each of its log lines.
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit ?? 1_048_576,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    trustProxy: trustProxyOption(deps.trustProxy ?? false),
  });
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  app.setErrorHandler(handleError);
  await app.register(helmet, SECURITY_HEADERS);
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send(body('not_found', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
  await app.register(healthRoutes, deps.health);
  await app.register(widgetRoutes, deps.widgetDir ? { widgetDir: deps.widgetDir } : {});
  for (const plugin of deps.plugins ?? []) await app.register(plugin);
  return app;
}

/**
 * Security headers on every answer (@fastify/helmet), with a policy that
 * allows nothing: right for JSON, errors and files. Pages set their own on
 * the route (the demo page, the console, the API docs); so do files other
 * sites embed (`/widget.js`, attachments: Cross-Origin-Resource-Policy).
 * Not Strict-Transport-Security: HTTPS ends at the proxy in front, which
 * knows whether every subdomain is HTTPS too.
 */
const SECURITY_HEADERS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"], frameAncestors: ["'none'"] },
  },
  xFrameOptions: { action: 'deny' as const },
  strictTransportSecurity: false,
};

/** A hop count as the function fastify's types accept (its runtime takes numbers too: trust the first n hops). */
function trustProxyOption(trust: boolean | number | string[]): boolean | string[] | ((address: string, hop: number) => boolean) {
  return typeof trust === 'number' ? (_address, hop) => hop < trust : trust;
}

import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
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
  /** A request that takes this long (ms) or longer is logged at warn; default 1000. */
  slowRequestMs?: number;
}

/** What counts as a slow request unless `slowRequestMs` says otherwise. */
export const DEFAULT_SLOW_REQUEST_MS = 1_000;

/**
 * Builds the HTTP server without listening, so tests can use `inject` or a
 * real port. Every request gets an id (kept from `x-request-id` if the
 * balancer sends one) that appears in each of its log lines. Requests are
 * logged once each, when answered: at debug, or at warn when slow or failed
 * (see `RequestLogController`).
 */
export async function buildServer(deps: ServerDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit ?? 1_048_576,
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    trustProxy: trustProxyOption(deps.trustProxy ?? false),
    logController: new RequestLogController(deps.slowRequestMs ?? DEFAULT_SLOW_REQUEST_MS),
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
 * fastify's request lines, quieter: its two info lines per request drowned
 * everything else. One line per answered request, with its route (the
 * pattern), its path (never the query string: attachment links carry
 * signatures) and the time taken; at warn when slow or a 5xx, at debug
 * otherwise. A 503 is an outage or a shutdown, which readiness and the
 * gateway log once each, so it stays at debug like a 4xx.
 * https://fastify.dev/docs/latest/Reference/Server/#logcontroller
 */
class RequestLogController extends LogController {
  constructor(private readonly slowMs: number) {
    super();
  }

  override incomingRequest(request: FastifyRequest): void {
    request.log.trace({ method: request.method, path: pathOf(request) }, 'incoming request');
  }

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const responseTimeMs = Math.round(reply.elapsedTime);
    const route = request.routeOptions.url ?? '(no route)';
    const fields = { method: request.method, route, path: pathOf(request), statusCode: reply.statusCode, responseTimeMs };
    const what = `${request.method} ${route} answered ${reply.statusCode} in ${responseTimeMs} ms`;
    if (error) reply.log.warn({ ...fields, err: error }, `response failed: ${what}`);
    else if (reply.elapsedTime >= this.slowMs) reply.log.warn(fields, `slow request: ${what}`);
    else if (reply.statusCode >= 500 && reply.statusCode !== 503) reply.log.warn(fields, `server error: ${what}`);
    else reply.log.debug(fields, 'request completed');
  }

  /** A client that went away mid-download is no news. */
  override streamError(error: Error & { code?: string }, request: FastifyRequest, reply: FastifyReply): void {
    if (error.code === 'ERR_STREAM_PREMATURE_CLOSE') reply.log.debug({ path: pathOf(request) }, 'stream closed prematurely');
    else super.streamError(error, request, reply);
  }
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?')[0] ?? '';
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

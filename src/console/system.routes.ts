import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Readiness } from '../http/routes/health.routes.js';
import type { RequestStore } from '../requests/request-store.port.js';
import { errorResponses as errors, errorSchema, systemStatusSchema } from './console.schemas.js';

export interface SystemRoutesDeps {
  /** The instance's readiness, the one /ready answers from. */
  readiness: Readiness;
  store: Pick<RequestStore, 'countOutbox'>;
  logger: { warn(obj: object, msg: string): void };
}

/**
 * What /ready keeps to itself, for admins: each check with its error text, the
 * channels' connections and the outbox counts, as seen by the instance that
 * answers.
 */
export async function systemRoutes(app: FastifyInstance, deps: SystemRoutesDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/system/status', {
    config: { admin: true },
    schema: {
      tags: ['system'],
      summary: 'Readiness with its details: checks and their errors, channel connections, outbox counts (admins only)',
      description:
        'The public GET /ready says only `ok` or `unavailable` per check; this route adds why (driver messages that name hosts, ports or SQL). ' +
        'It answers for the instance that takes the request.',
      response: { 200: systemStatusSchema, ...errors, 503: errorSchema },
    },
  }, async () => {
    const [report, outbox] = await Promise.all([
      deps.readiness.report(),
      deps.store.countOutbox().catch((error: unknown) => {
        deps.logger.warn({ err: error }, 'outbox counts unavailable for the system status');
        return null;
      }),
    ]);
    return { ...report, outbox };
  });
}

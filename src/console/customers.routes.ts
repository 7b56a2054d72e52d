import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HttpError } from '../http/errors.js';
import type { ConsoleDeps } from './console.deps.js';
import { agentOf } from './console.http.js';
import { errorResponses as errors, idParamsSchema, noContentSchema } from './console.schemas.js';

/** Things done to a customer rather than to one of their requests. */
export async function customersRoutes(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.post('/api/customers/:id/revoke-tokens', {
    config: { admin: true },
    schema: {
      tags: ['customers'],
      summary: "Signs a web chat visitor out everywhere (admins only)",
      description:
        'Every visitor token issued so far for this customer is refused from now on (their browser starts a new, empty conversation) and their open chats are disconnected. Their requests and messages stay. Only web chat customers have tokens.',
      params: idParamsSchema,
      response: { 204: noContentSchema, ...errors },
    },
  }, async (request, reply) => {
    const customer = await deps.store.getCustomer(request.params.id);
    if (!customer) throw new HttpError('not_found', `customer ${request.params.id} does not exist`);
    if (customer.channel !== 'webchat') throw new HttpError('conflict', `a ${customer.channel} customer has no web chat tokens to revoke`);
    await deps.store.revokeVisitorTokens(customer.id, deps.clock());
    deps.events.emit('customer_signed_out', { customer });
    request.log.info({ customer: customer.id, by: agentOf(request).id }, 'web chat tokens revoked');
    return reply.status(204).send(null);
  });
}

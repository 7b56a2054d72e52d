/** Mass incidents: declare or promote, link and unlink requests, post updates, change status (issue 13; docs/agent-api.md). */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HttpError } from '../http/errors.js';
import type { IncidentService } from '../incidents/incidents.js';
import { StoreError } from '../requests/request-store.port.js';
import type { ConsoleQueries } from './console.queries.js';
import { agentOf } from './console.http.js';
import { errorResponses as errors, errorSchema, noContentSchema, numberParamsSchema } from './console.schemas.js';
import {
  childParamsSchema,
  incidentDetailViewSchema,
  incidentListQuerySchema,
  incidentStatusBodySchema,
  incidentViewSchema,
  linkBodySchema,
  linkResultSchema,
  newIncidentBodySchema,
  updateBodySchema,
  updateResultSchema,
} from './incidents.schemas.js';
import { toIncidentDetailView, toIncidentUpdateView, toIncidentView } from './incidents.views.js';
import { z } from 'zod';

export interface IncidentRoutesDeps {
  incidents: IncidentService;
  queries: ConsoleQueries;
}

/** A request that cannot be linked (an incident itself, or closed) is the caller's mistake: 422, not a conflict. */
function unlinkable(error: unknown): never {
  if (error instanceof StoreError && error.code === 'invalid_transition') throw new HttpError('unprocessable', error.message, { cause: error });
  throw error;
}

export async function incidentsRoutes(app: FastifyInstance, deps: IncidentRoutesDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['incidents'];
  const detail = async (number: string) => {
    const found = await deps.incidents.get(number);
    if (!found) throw new HttpError('not_found', `incident ${number} does not exist`);
    return toIncidentDetailView(found, await deps.queries.lookup());
  };

  r.post('/api/incidents', {
    schema: {
      tags,
      summary: 'Declares a mass incident: a request of type mass_incident with no customer, numbered like every request',
      body: newIncidentBodySchema,
      response: { 201: incidentDetailViewSchema, ...errors, 422: errorSchema },
    },
  }, async (request, reply) => {
    const { title, description, titles } = request.body;
    const incident = await deps.incidents.declare({ title, description, titles, agentId: agentOf(request).id });
    return reply.status(201).send(toIncidentDetailView(incident, await deps.queries.lookup()));
  });

  r.post('/api/requests/:number/promote', {
    schema: {
      tags,
      summary: "Declares a mass incident from a customer's request (its subject and description) and links the request to it",
      params: numberParamsSchema,
      response: { 201: incidentDetailViewSchema, ...errors },
    },
  }, async (request, reply) => {
    const incident = await deps.incidents.promote(request.params.number, agentOf(request).id);
    return reply.status(201).send(toIncidentDetailView(incident, await deps.queries.lookup()));
  });

  r.get('/api/incidents', {
    schema: { tags, summary: 'Mass incidents, newest first', querystring: incidentListQuerySchema, response: { 200: z.object({ incidents: z.array(incidentViewSchema) }), ...errors } },
  }, async (request) => {
    const [list, agents] = await Promise.all([deps.incidents.list(request.query.status), deps.queries.lookup()]);
    return { incidents: list.map((i) => toIncidentView(i, agents)) };
  });

  r.get('/api/incidents/:number', {
    schema: {
      tags,
      summary: 'A mass incident with its linked requests, updates, fan-out deliveries and history',
      params: numberParamsSchema,
      response: { 200: incidentDetailViewSchema, ...errors },
    },
  }, async (request) => detail(request.params.number));

  r.post('/api/incidents/:number/requests', {
    schema: {
      tags,
      summary: "Links customers' requests to the incident, all or none",
      description: 'Linking a request already linked to this incident changes nothing (`alreadyLinked`). 409: one is linked to another incident (unlink it there first) or the incident is closed. 422: one is an incident itself or closed.',
      params: numberParamsSchema,
      body: linkBodySchema,
      response: { 200: linkResultSchema, ...errors, 422: errorSchema },
    },
  }, async (request) => {
    const result = await deps.incidents.link(request.params.number, request.body.numbers, agentOf(request).id).catch(unlinkable);
    return { linked: result.linked, alreadyLinked: result.alreadyLinked, incident: toIncidentDetailView(result.incident, await deps.queries.lookup()) };
  });

  r.delete('/api/incidents/:number/requests/:child', {
    schema: { tags, summary: 'Takes a request out of the incident', params: childParamsSchema, response: { 204: noContentSchema, ...errors } },
  }, async (request, reply) => {
    await deps.incidents.unlink(request.params.number, request.params.child, agentOf(request).id);
    return reply.status(204).send(null);
  });

  r.post('/api/incidents/:number/updates', {
    schema: {
      tags,
      summary: 'Posts a public update to every linked customer (their channel, their language), or an internal note (`internal: true`)',
      description: 'Answers at once: the copies are queued in batches in the background, after every ordinary message. GET /api/incidents/{number} shows how far delivery has got.',
      params: numberParamsSchema,
      body: updateBodySchema,
      response: { 202: updateResultSchema, ...errors, 422: errorSchema },
    },
  }, async (request, reply) => {
    const update = await deps.incidents.postUpdate(request.params.number, { ...request.body, agentId: agentOf(request).id });
    return reply.status(202).send({ recipients: update.recipients, update: toIncidentUpdateView(update, await deps.queries.lookup()) });
  });

  r.post('/api/incidents/:number/status', {
    schema: {
      tags,
      summary: "Changes the incident's status",
      description: [
        '`solution_provided` (`comment` required): every linked request still open moves to `solution_provided` with that comment; each customer is asked solved / not solved and answers for themselves. "Not solved" reopens only that request and takes it out of the incident.',
        '`closed`: the linked requests in `solution_provided` are closed.',
      ].join('\n\n'),
      params: numberParamsSchema,
      body: incidentStatusBodySchema,
      response: { 200: incidentDetailViewSchema, ...errors, 422: errorSchema },
    },
  }, async (request) => {
    const agent = agentOf(request);
    await deps.incidents.changeStatus(request.params.number, { to: request.body.status, comment: request.body.comment || null, agentId: agent.id });
    return detail(request.params.number);
  });
}

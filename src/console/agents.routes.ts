import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { HttpError } from '../http/errors.js';
import type { AgentPatch } from './agent-store.js';
import type { ConsoleDeps } from './console.deps.js';
import { agentOf } from './console.http.js';
import {
  agentPatchBodySchema,
  agentViewSchema,
  cannedBodySchema,
  cannedResponseViewSchema,
  channelStatusViewSchema,
  errorResponses as errors,
  idParamsSchema,
  newAgentBodySchema,
  noContentSchema,
} from './console.schemas.js';
import { toChannelStatusView } from './channel-status.js';
import { hashPassword } from './passwords.js';


/** Agents (admins manage them) and canned responses. */
export async function agentsRoutes(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/agents', {
    schema: { tags: ['agents'], summary: 'Every agent (for assignment), with their console language and presence', response: { 200: z.object({ agents: z.array(agentViewSchema) }), ...errors } },
  }, async () => ({ agents: await deps.presence.views(await deps.agents.listAgents()) }));

  r.post('/api/agents', {
    config: { admin: true },
    schema: { tags: ['agents'], summary: 'Adds an agent (admins only)', body: newAgentBodySchema, response: { 201: agentViewSchema, ...errors } },
  }, async (request, reply) => {
    const { password, ...rest } = request.body;
    const agent = await deps.agents.createAgent({ ...rest, passwordHash: await hashPassword(password) });
    deps.queries.forgetAgents();
    request.log.info({ agent: agent.id, by: agentOf(request).id }, 'agent added');
    return reply.status(201).send(await deps.presence.view(agent));
  });

  r.patch('/api/agents/:id', {
    config: { admin: true },
    schema: {
      tags: ['agents'],
      summary: 'Renames, changes the role of, deactivates or sets a new password for an agent (admins only)',
      description: 'The last active admin cannot be demoted or deactivated. Deactivating an agent or changing their password ends their sessions.',
      params: idParamsSchema,
      body: agentPatchBodySchema,
      response: { 200: agentViewSchema, ...errors },
    },
  }, async (request) => {
    const { id } = request.params;
    const target = await deps.agents.getAgent(id);
    if (!target) throw new HttpError('not_found', `agent ${id} does not exist`);
    const { password, ...rest } = request.body;
    const patch: AgentPatch = { ...rest, ...(password ? { passwordHash: await hashPassword(password) } : {}) };
    const updated = await deps.agents.updateAgent(id, patch);
    deps.queries.forgetAgents();
    if (rest.active === false || password) {
      await deps.agents.deleteAgentSessions(id);
      deps.relay.endAgent(id);
    } else if (rest.role && rest.role !== target.role) {
      deps.relay.endAgent(id); // its sockets reconnect into the rooms of the new role
    }
    request.log.info({ agent: id, by: agentOf(request).id, fields: Object.keys(request.body) }, 'agent changed');
    return deps.presence.view(updated);
  });

  r.get('/api/channels', {
    config: { admin: true },
    schema: {
      tags: ['channels'],
      summary: 'The connection of each channel that reports one, with a pairing QR code while WhatsApp waits for a scan, and which channels this gateway runs (admins only)',
      response: {
        200: z.object({
          channels: z.array(channelStatusViewSchema),
          configured: z.array(z.string()).describe('The channels this gateway runs (webchat, telegram, whatsapp): one not listed is not configured.'),
        }),
        ...errors,
      },
    },
  }, async () => {
    const statuses = await deps.channelStatus();
    return {
      channels: await Promise.all(Object.entries(statuses).map(([name, status]) => toChannelStatusView(name, status))),
      configured: [...deps.channelNames].sort(),
    };
  });

  r.get('/api/canned-responses', {
    schema: { tags: ['canned responses'], summary: 'Canned responses, by title', response: { 200: z.object({ cannedResponses: z.array(cannedResponseViewSchema) }), ...errors } },
  }, async () => ({ cannedResponses: (await deps.agents.listCanned()).map(toCannedView) }));

  r.post('/api/canned-responses', {
    schema: { tags: ['canned responses'], summary: 'Adds a canned response', body: cannedBodySchema, response: { 201: cannedResponseViewSchema, ...errors } },
  }, async (request, reply) => {
    const created = await deps.agents.createCanned({ ...request.body, createdById: agentOf(request).id });
    return reply.status(201).send(toCannedView(created));
  });

  r.delete('/api/canned-responses/:id', {
    schema: { tags: ['canned responses'], summary: 'Deletes a canned response (its author or an admin)', params: idParamsSchema, response: { 204: noContentSchema, ...errors } },
  }, async (request, reply) => {
    const agent = agentOf(request);
    const found = await deps.agents.getCanned(request.params.id);
    if (!found) throw new HttpError('not_found', 'no such canned response');
    if (agent.role !== 'admin' && found.createdBy?.id !== agent.id) throw new HttpError('forbidden', 'only its author or an admin may delete it');
    await deps.agents.deleteCanned(found.id);
    return reply.status(204).send(null);
  });
}

function toCannedView(c: { id: string; title: string; text: string; createdBy: { id: string; name: string } | null; createdAt: Date }) {
  return { id: c.id, title: c.title, text: c.text, createdBy: c.createdBy, createdAt: c.createdAt.toISOString() };
}

/** The agent API's mass incident shapes (zod: validation, serialisation and the OpenAPI document). */
import { z } from 'zod';
import { LIMITS } from './console.limits.js';
import { agentRefSchema, isoDate, requestStatusSchema, statusChangeViewSchema, storable, text } from './console.schemas.js';

const deliveryCountsSchema = z
  .object({
    delivered: z.number().int(),
    pending: z.number().int().describe('Queued, or still to be queued by the fan-out.'),
    failed: z.number().int(),
  })
  .meta({ id: 'DeliveryCounts' });

export const incidentUpdateViewSchema = z
  .object({
    id: z.string(),
    text: z.string(),
    internal: z.boolean().describe('An internal note: never sent to customers.'),
    agent: agentRefSchema.nullable(),
    recipients: z.number().int().describe('Linked requests not closed when it was posted.'),
    queued: z.boolean().describe("Every recipient's copy is queued."),
    createdAt: isoDate,
    deliveries: deliveryCountsSchema.optional(),
  })
  .meta({ id: 'IncidentUpdate' });

export const incidentViewSchema = z
  .object({
    number: z.string(),
    title: z.string(),
    titles: z.object({ ru: z.string(), en: z.string() }),
    description: z.string(),
    status: requestStatusSchema,
    createdAt: isoDate,
    updatedAt: isoDate,
    closedAt: isoDate.nullable(),
    linkedCount: z.number().int(),
    openLinkedCount: z.number().int(),
    latestUpdate: incidentUpdateViewSchema.nullable(),
  })
  .meta({ id: 'Incident' });

export const incidentDetailViewSchema = incidentViewSchema
  .extend({
    requests: z.array(z.object({
      number: z.string(),
      subject: z.string(),
      channel: z.string(),
      status: requestStatusSchema,
      customer: z.object({ id: z.string(), displayName: z.string().nullable(), locale: z.enum(['ru', 'en']), reachable: z.boolean() }),
    })),
    updates: z.array(incidentUpdateViewSchema),
    deliveries: deliveryCountsSchema.extend({ byChannel: z.record(z.string(), deliveryCountsSchema) }),
    statusChanges: z.array(statusChangeViewSchema),
  })
  .meta({ id: 'IncidentDetail' });

const title = () => text(LIMITS.incidentTitle);

export const newIncidentBodySchema = z.object({
  title: title(),
  description: storable().trim().max(LIMITS.text).default(''),
  titles: z.object({ ru: title().optional(), en: title().optional() }).default({}).describe('The title per language; a missing one is `title`.'),
});

export const incidentListQuerySchema = z.object({
  status: z.enum(['open', 'all', 'new', 'in_progress', 'awaiting_customer', 'solution_provided', 'closed']).default('all')
    .describe('`open`: not solved or closed.'),
});

export const linkBodySchema = z.object({ numbers: z.array(z.string().max(40)).min(1).max(500) });
export const linkResultSchema = z.object({ linked: z.array(z.string()), alreadyLinked: z.array(z.string()), incident: incidentDetailViewSchema });
export const childParamsSchema = z.object({ number: z.string().max(40), child: z.string().max(40) });
export const updateBodySchema = z.object({ text: text(LIMITS.text), internal: z.boolean().default(false) });
export const updateResultSchema = z.object({ recipients: z.number().int(), update: incidentUpdateViewSchema });
export const incidentStatusBodySchema = z
  .object({ status: z.enum(['in_progress', 'awaiting_customer', 'solution_provided', 'closed']), comment: storable().trim().max(LIMITS.text).nullable().default(null) })
  .refine((b) => b.status !== 'solution_provided' || (b.comment ?? '').length > 0, {
    message: 'comment is required: it is the solution every linked customer gets',
    path: ['comment'],
  });

export type IncidentView = z.infer<typeof incidentViewSchema>;
export type IncidentDetailView = z.infer<typeof incidentDetailViewSchema>;
export type IncidentUpdateView = z.infer<typeof incidentUpdateViewSchema>;

/**
 * The agent API's schemas (zod): they validate every request, check every
 * response and produce the OpenAPI document at /docs. The TypeScript shapes in
 * console.api.ts are inferred from them.
 */
import { z } from 'zod';
import { toStorableText } from '../formats/storable-text.js';
import { LIMITS } from './console.limits.js';

const REQUEST_TYPES = ['incident', 'mass_incident', 'consultation', 'development_request'] as const;
const REQUEST_STATUSES = ['new', 'in_progress', 'awaiting_customer', 'solution_provided', 'closed'] as const;
const AUTHORS = ['customer', 'bot', 'agent', 'system'] as const;
const DELIVERY_STATES = ['received', 'pending', 'sent', 'failed', 'internal'] as const;
const STATUS_EVENTS = ['status', 'incident_linked', 'incident_unlinked', 'incident_update', 'incident_cascade'] as const;

export const requestTypeSchema = z.enum(REQUEST_TYPES);
export const requestStatusSchema = z.enum(REQUEST_STATUSES);
export const agentRoleSchema = z.enum(['admin', 'agent']);
export const localeSchema = z.enum(['ru', 'en']);
/** What an agent says of themselves. */
export const presenceChoiceSchema = z.enum(['online', 'away']);
/** What others see: the agent's choice while they have a console open, `offline` otherwise. */
export const presenceSchema = z.enum(['online', 'away', 'offline']);
export const isoDate = z.string().describe('ISO-8601 date and time');
/** Text an agent writes: trimmed, not empty. */
/** Text an agent writes: control characters (NUL first, see storable-text.ts) removed, then trimmed. */
export const storable = () => z.string().overwrite(toStorableText);
export const text = (max: number) => storable().trim().min(1, 'must not be empty').max(max, `must be at most ${max} characters`);

export const agentViewSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: agentRoleSchema,
    active: z.boolean(),
    locale: localeSchema.nullable().describe("The console's language this agent chose (PATCH /api/auth/me); null until they choose, and the console follows the browser."),
    presence: presenceSchema.describe('`online` or `away` as the agent chose (PATCH /api/auth/me) while they have a console open (a connected `/agents` socket on any instance); `offline` otherwise.'),
    createdAt: isoDate,
  })
  .meta({ id: 'Agent' });

export const agentRefSchema = z.object({ id: z.string(), name: z.string() }).meta({ id: 'AgentRef' });

export const sessionViewSchema = z
  .object({
    token: z.string().optional().describe('Bearer token for API clients; the console uses the httpOnly cookie instead.'),
    csrfToken: z.string().describe('Send back as `x-csrf-token` on cookie-authenticated POST, PATCH and DELETE.'),
    agent: agentViewSchema,
    expiresAt: isoDate,
  })
  .meta({ id: 'Session' });

export const customerViewSchema = z
  .object({
    id: z.string(),
    channel: z.string(),
    displayName: z.string().nullable(),
    email: z.string().nullable().describe('Given by the customer (the web chat pre-chat step), validated.'),
    phone: z.string().nullable().describe('Given by the customer, validated (digits with an optional leading +).'),
    locale: z.enum(['ru', 'en']),
    reachable: z.boolean().describe('false once the channel said the customer cannot be reached (e.g. blocked the bot).'),
  })
  .meta({ id: 'Customer' });

export const attachmentViewSchema = z
  .object({ id: z.string(), mimeType: z.string(), size: z.number().int(), fileName: z.string().nullable(), url: z.string() })
  .meta({ id: 'Attachment' });

export const messageViewSchema = z
  .object({
    id: z.string(),
    direction: z.enum(['inbound', 'outbound']),
    author: z.enum(AUTHORS),
    agent: agentRefSchema.nullable(),
    text: z.string().nullable(),
    internal: z.boolean().describe('An internal note: agents only, never sent to the customer.'),
    deliveryState: z.enum(DELIVERY_STATES),
    deliveryError: z.string().nullable(),
    choices: z.array(z.object({ id: z.string(), label: z.string() })),
    chosen: z
      .object({ id: z.string(), label: z.string() })
      .nullable()
      .describe("A customer's button press (such a message has no text): the button's id and its label in the customer's language."),
    attachments: z.array(attachmentViewSchema),
    createdAt: isoDate,
  })
  .meta({ id: 'Message' });

export const statusChangeViewSchema = z
  .object({
    id: z.string(),
    from: requestStatusSchema.nullable(),
    to: requestStatusSchema,
    comment: z.string().nullable(),
    actor: z.object({ kind: z.enum(AUTHORS), agent: agentRefSchema.nullable() }),
    event: z.enum(STATUS_EVENTS).describe(
      '`status`: a status move. `incident_linked` / `incident_unlinked`: linked to or taken out of the mass incident `incidentNumber` (`comment` `not_solved`: by the customer, who said its solution did not help). `incident_update`: the incident\'s update was sent to the customer. `incident_cascade`: the status move came from the incident\'s solution or close.',
    ),
    incidentNumber: z.string().nullable(),
    createdAt: isoDate,
  })
  .meta({ id: 'StatusChange' });

/** The mass incident a customer's request is linked to, as its list row and view show it. */
export const linkedIncidentSchema = z
  .object({ number: z.string(), title: z.string(), status: requestStatusSchema })
  .meta({ id: 'LinkedIncident' });

export const requestListItemSchema = z
  .object({
    id: z.string(),
    number: z.string(),
    type: requestTypeSchema,
    subject: z.string(),
    status: requestStatusSchema,
    channel: z.string(),
    customer: customerViewSchema,
    assignee: agentRefSchema.nullable(),
    createdAt: isoDate,
    lastActivityAt: isoDate,
    lastMessage: z.object({ author: z.enum(AUTHORS), text: z.string().nullable(), createdAt: isoDate }).nullable(),
    unread: z.number().int().describe('Customer messages newer than what the calling agent has read.'),
    incident: linkedIncidentSchema.nullable().describe('The mass incident the request is linked to, if any.'),
  })
  .meta({ id: 'RequestListItem' });

export const requestViewSchema = requestListItemSchema
  .extend({
    description: z.string(),
    closedAt: isoDate.nullable(),
    messages: z.array(messageViewSchema),
    statusHistory: z.array(statusChangeViewSchema),
    attachments: z.array(attachmentViewSchema),
  })
  .meta({ id: 'Request' });

export const draftViewSchema = z
  .object({
    customer: customerViewSchema,
    step: z.string().describe('The intake step the customer is at: contact_name, contact_info, choose_type, subject, description, screenshot, summary, choose_field or creating.'),
    draft: z.object({
      type: requestTypeSchema.nullable(),
      subject: z.string().nullable(),
      description: z.string().nullable(),
      screenshot: attachmentViewSchema.nullable(),
    }),
    messages: z.array(messageViewSchema).describe("The intake's conversation so far, oldest first."),
    startedAt: isoDate.describe('When the first message of the intake shown was written.'),
    updatedAt: isoDate,
  })
  .meta({ id: 'Draft' });

export const requestPageSchema = z
  .object({ requests: z.array(requestListItemSchema), nextCursor: z.string().nullable() })
  .meta({ id: 'RequestPage' });

export const cannedResponseViewSchema = z
  .object({ id: z.string(), title: z.string(), text: z.string(), createdBy: agentRefSchema.nullable(), createdAt: isoDate })
  .meta({ id: 'CannedResponse' });

export const channelStatusViewSchema = z
  .object({
    channel: z.string(),
    state: z.string().describe('WhatsApp: off, standby, starting, waiting_for_scan, ready, disconnected, logged_out.'),
    reason: z.string().nullable(),
    since: isoDate.nullable(),
    qrSvg: z.string().nullable().describe('While waiting for a scan: the pairing QR code as an SVG image.'),
  })
  .meta({ id: 'ChannelStatus' });

export const systemStatusSchema = z
  .object({
    ready: z.boolean().describe('What GET /ready answers: every check ok and the instance accepting traffic.'),
    accepting: z.boolean().describe('false once this instance began shutting down.'),
    checks: z.array(
      z.object({
        name: z.string().describe('`database`, `redis` (when REDIS_URL is set).'),
        ok: z.boolean(),
        error: z.string().nullable().describe('Why it fails, as the driver says it (hosts, ports, SQL): for operators only.'),
        since: isoDate.describe('Since when it has had this result, as this instance has seen.'),
      }),
    ),
    channels: z.array(
      z.object({
        channel: z.string(),
        state: z.string(),
        reason: z.string().nullable(),
        since: isoDate.nullable(),
        flags: z.record(z.string(), z.boolean()).describe('Yes/no facts, e.g. WhatsApp `runsClient`: this instance drives the client.'),
      }),
    ),
    outbox: z.record(z.string(), z.number().int()).nullable().describe('Outbox rows by status (`pending`, `sent`, `failed`); null while the database does not answer.'),
  })
  .meta({ id: 'SystemStatus' });

export const errorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) }).meta({ id: 'Error' });

/** The error answers every authenticated route may give. */
export const errorResponses = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema };

/** Comma-separated values, each checked against `values`. */
const listOf = <T extends string>(values: readonly [T, ...T[]]) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

export const requestQuerySchema = z.object({
  status: listOf(REQUEST_STATUSES).optional().describe('Comma-separated statuses.'),
  type: listOf(REQUEST_TYPES).optional().describe('Comma-separated types.'),
  channel: z.string().max(40).optional(),
  assignee: z.string().max(64).optional().describe('An agent id, `me` or `none`.'),
  q: storable().max(200).optional().describe('Searches number, subject, description and customer name.'),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(30),
});

export const loginBodySchema = z.object({ email: z.string().trim().max(320), password: z.string().max(1000) });
export const numberParamsSchema = z.object({ number: z.string().max(40) });
export const idParamsSchema = z.object({ id: z.string().max(64) });
export const messageBodySchema = z
  .object({
    text: text(LIMITS.text).optional(),
    internal: z.boolean().default(false),
    attachmentIds: z.array(z.string().max(64)).max(10).default([]).describe('Images uploaded with POST /api/requests/{number}/attachments.'),
  })
  .refine((b) => b.text !== undefined || b.attachmentIds.length > 0, { message: 'text must not be empty', path: ['text'] })
  .refine((b) => !b.internal || b.attachmentIds.length === 0, { message: 'internal notes take text only', path: ['attachmentIds'] });
export const statusBodySchema = z
  .object({ status: z.enum(['in_progress', 'awaiting_customer', 'solution_provided', 'closed']), comment: storable().trim().max(LIMITS.text).nullable().default(null) })
  .refine((b) => !['awaiting_customer', 'solution_provided'].includes(b.status) || (b.comment ?? '').length > 0, {
    message: 'comment is required: it is the question or the solution sent to the customer',
    path: ['comment'],
  });
export const assignBodySchema = z.object({ agentId: z.string().max(64).nullable() });
export const cannedBodySchema = z.object({ title: text(LIMITS.title), text: text(LIMITS.text) });
/** A new password, whoever sets it: an admin for an agent, or the agent themselves. */
const newPassword = () => z.string().min(LIMITS.passwordMin, `must be at least ${LIMITS.passwordMin} characters`).max(1000, 'must be at most 1000 characters');
export const newAgentBodySchema = z.object({
  email: z.email().max(320),
  name: text(LIMITS.name),
  password: newPassword(),
  role: agentRoleSchema.default('agent'),
});
export const agentPatchBodySchema = z
  .object({
    name: text(LIMITS.name).optional(),
    role: agentRoleSchema.optional(),
    active: z.boolean().optional(),
    password: newPassword().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });
/** `PATCH /api/auth/me`: the signed-in agent's own account. Unknown fields are refused, so a misspelt one is not ignored. */
export const accountPatchBodySchema = z
  .strictObject({
    currentPassword: z.string().max(1000).optional().describe('Required with `newPassword`, and checked (403 when wrong).'),
    newPassword: newPassword().optional().describe(`At least ${LIMITS.passwordMin} characters. The agent's other sessions end; this one stays.`),
    locale: localeSchema.optional().describe("The console's language for this agent."),
    presence: presenceChoiceSchema.optional().describe('Shown to other agents while this agent has a console open.'),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'nothing to change: give newPassword with currentPassword, locale or presence' })
  .refine((b) => b.newPassword === undefined || b.currentPassword !== undefined, { message: 'is required to set a new password', path: ['currentPassword'] })
  .refine((b) => b.currentPassword === undefined || b.newPassword !== undefined, { message: 'is required with currentPassword', path: ['newPassword'] });

export const noContentSchema = z.null().describe('No content');

export const deskSettingsSchema = z
  .object({
    prechat: z.boolean().describe("Web chat: ask a new visitor's name and e-mail or phone before the request, unless the site identified them."),
    agentNameInReplies: z.boolean().describe("Agents' replies carry the agent's name (they always say a person wrote them)."),
  })
  .meta({ id: 'DeskSettings' });
export const deskSettingsPatchSchema = deskSettingsSchema.partial().refine((b) => Object.keys(b).length > 0, { message: 'nothing to change' });

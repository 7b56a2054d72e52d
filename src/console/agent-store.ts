/**
 * Agents, their sessions, canned responses and read marks, on Prisma. None of
 * it is on the message hot path, so it uses the generated client as is.
 */
import type { Agent, PrismaClient } from '../generated/prisma/client.js';
import { StoreError } from '../requests/request-store.port.js';
import type { AgentRole, Locale, PresenceChoice } from './console.api.js';

export interface AgentRecord {
  id: string;
  email: string;
  name: string;
  role: AgentRole;
  active: boolean;
  passwordHash: string;
  /** The console's language for this agent. */
  /** null until the agent chooses one: the console follows the browser. */
  locale: Locale | null;
  /** What the agent says of themselves; shown while they have a console open (see presence.ts). */
  presence: PresenceChoice;
  createdAt: Date;
}

export interface NewAgent {
  email: string;
  name: string;
  role: AgentRole;
  passwordHash: string;
}

export interface AgentPatch {
  name?: string;
  role?: AgentRole;
  active?: boolean;
  passwordHash?: string;
  locale?: Locale;
  presence?: PresenceChoice;
}

export interface SessionRecord {
  /** SHA-256 of the token, hex. */
  id: string;
  agentId: string;
  csrfToken: string;
  expiresAt: Date;
}

export interface CannedRecord {
  id: string;
  title: string;
  text: string;
  createdBy: { id: string; name: string } | null;
  createdAt: Date;
}

/** Storage of everything the console owns beyond requests. Emails are stored lower-case. */
export interface AgentStore {
  countAgents(): Promise<number>;
  /** Throws StoreError `conflict` when the email is taken. */
  createAgent(agent: NewAgent): Promise<AgentRecord>;
  findAgentByEmail(email: string): Promise<AgentRecord | null>;
  getAgent(id: string): Promise<AgentRecord | null>;
  listAgents(): Promise<AgentRecord[]>;
  /**
   * Throws StoreError `not_found`, or `conflict` when the change would leave no
   * active admin (checked and written under one lock, so two admins demoting
   * each other at once cannot both succeed).
   */
  updateAgent(id: string, patch: AgentPatch): Promise<AgentRecord>;

  createSession(session: SessionRecord): Promise<void>;
  /** The session with its agent, if it exists, has not expired and the agent is active. */
  findSession(id: string, now: Date): Promise<{ session: SessionRecord; agent: AgentRecord } | null>;
  deleteSession(id: string): Promise<void>;
  /** Ends every session of the agent, but `exceptId` (the one asking, when it changes its own password). */
  deleteAgentSessions(agentId: string, exceptId?: string): Promise<void>;
  deleteExpiredSessions(now: Date): Promise<number>;

  listCanned(): Promise<CannedRecord[]>;
  createCanned(input: { title: string; text: string; createdById: string }): Promise<CannedRecord>;
  getCanned(id: string): Promise<CannedRecord | null>;
  deleteCanned(id: string): Promise<void>;

  /** Marks the request read up to `messageId` (never backwards). */
  markRead(agentId: string, requestId: string, messageId: bigint, at: Date): Promise<void>;
}

const CANNED_INCLUDE = { createdBy: { select: { id: true, name: true } } } as const;

export function createPrismaAgentStore(prisma: PrismaClient): AgentStore {
  return {
    countAgents: () => prisma.agent.count(),

    async createAgent(agent) {
      try {
        return toAgentRecord(await prisma.agent.create({ data: { ...agent, email: agent.email.toLowerCase() } }));
      } catch (error) {
        if (isUniqueViolation(error)) throw new StoreError('conflict', `an agent with the email ${agent.email} exists`, { cause: error });
        throw error;
      }
    },

    findAgentByEmail: async (email) => toAgentOrNull(await prisma.agent.findUnique({ where: { email: email.toLowerCase() } })),
    getAgent: async (id) => toAgentOrNull(await prisma.agent.findUnique({ where: { id } })),
    listAgents: async () => (await prisma.agent.findMany({ orderBy: [{ active: 'desc' }, { name: 'asc' }] })).map(toAgentRecord),

    updateAgent: (id, patch) =>
      prisma.$transaction(async (tx) => {
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('relaydesk:agents'))`;
        const found = await tx.agent.findUnique({ where: { id } });
        if (!found) throw new StoreError('not_found', `agent ${id} does not exist`);
        const losesAdmin = found.role === 'admin' && found.active && (patch.role === 'agent' || patch.active === false);
        if (losesAdmin && (await tx.agent.count({ where: { role: 'admin', active: true, id: { not: id } } })) === 0) {
          throw new StoreError('conflict', 'this is the last active admin: make another agent admin first');
        }
        return toAgentRecord(await tx.agent.update({ where: { id }, data: patch }));
      }),

    async createSession(session) {
      await prisma.agentSession.create({ data: session });
    },

    async findSession(id, now) {
      const row = await prisma.agentSession.findUnique({ where: { id }, include: { agent: true } });
      if (!row || row.expiresAt <= now || !row.agent.active) return null;
      const { agent, ...session } = row;
      return { session, agent: toAgentRecord(agent) };
    },

    async deleteSession(id) {
      await prisma.agentSession.deleteMany({ where: { id } });
    },

    async deleteAgentSessions(agentId, exceptId) {
      await prisma.agentSession.deleteMany({ where: { agentId, ...(exceptId === undefined ? {} : { id: { not: exceptId } }) } });
    },

    async deleteExpiredSessions(now) {
      const { count } = await prisma.agentSession.deleteMany({ where: { expiresAt: { lte: now } } });
      return count;
    },

    listCanned: () => prisma.cannedResponse.findMany({ orderBy: { title: 'asc' }, include: CANNED_INCLUDE }),
    createCanned: (input) => prisma.cannedResponse.create({ data: input, include: CANNED_INCLUDE }),
    getCanned: (id) => prisma.cannedResponse.findUnique({ where: { id }, include: CANNED_INCLUDE }),

    async deleteCanned(id) {
      await prisma.cannedResponse.deleteMany({ where: { id } });
    },

    async markRead(agentId, requestId, messageId, at) {
      await prisma.$executeRaw`
        INSERT INTO request_read (agent_id, request_id, last_read_message_id, updated_at)
        VALUES (${agentId}, ${requestId}, ${messageId}, ${at})
        ON CONFLICT (agent_id, request_id) DO UPDATE
          SET last_read_message_id = GREATEST(request_read.last_read_message_id, EXCLUDED.last_read_message_id),
              updated_at = EXCLUDED.updated_at`;
    },
  };
}

/** The columns are text: a locale other than ru/en reads as not chosen, a presence other than away as online. */
function toAgentRecord(row: Agent): AgentRecord {
  return { ...row, locale: row.locale === 'en' || row.locale === 'ru' ? row.locale : null, presence: row.presence === 'away' ? 'away' : 'online' };
}

function toAgentOrNull(row: Agent | null): AgentRecord | null {
  return row ? toAgentRecord(row) : null;
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

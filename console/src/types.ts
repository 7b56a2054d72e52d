import type { AgentServerEvents, AgentView as ServerAgentView, AttachmentView, CustomerView, Locale, MessageView, RequestType, SessionView as ServerSessionView } from '../../src/console/console.api.js';

/** The agent API's shapes, shared with the server (types only: nothing of the server is bundled). */
export type * from '../../src/console/console.api.js';

/** Whether an agent is at work: `offline` is the server's word for no console connected. */
export type Presence = 'online' | 'away' | 'offline';

/**
 * An agent as the API describes them, with the fields of issue 11 the server
 * adds: the console's language chosen for them (null: not chosen, the
 * browser's) and their presence. Optional here until every server has them.
 */
export type AgentView = ServerAgentView & { locale?: Locale | null; presence?: Presence };

/** `POST /api/auth/login` and `GET /api/auth/me`, with the agent as above. */
export type SessionView = Omit<ServerSessionView, 'agent'> & { agent: AgentView };

/** `GET /api/settings` and the answer of `PATCH /api/settings`. */
export interface DeskSettings {
  /** The web chat asks a new visitor's name and e-mail or phone before the request. */
  prechat: boolean;
  /** Agents' replies carry the agent's name. */
  agentNameInReplies: boolean;
}

/** `PATCH /api/auth/me`: one change at a time; answers the agent view. 403 when `currentPassword` is wrong. */
export type AccountPatch = { currentPassword: string; newPassword: string } | { locale: Locale } | { presence: Exclude<Presence, 'offline'> };

/** An intake in progress (`GET /api/drafts`): what the bot has collected so far, null for what is missing. */
export interface DraftView {
  customer: CustomerView;
  /** The step the bot waits on (`choose_type`, `subject`, `description`, `screenshot`, `summary`…). */
  step: string;
  draft: { type: RequestType | null; subject: string | null; description: string | null; screenshot: AttachmentView | null };
  /** The conversation since the intake began. */
  messages: MessageView[];
  startedAt: string;
  updatedAt: string;
}

/** The `/agents` events, with those of issue 11 the server adds. */
export interface ServerEvents extends AgentServerEvents {
  /** An agent went online, away or offline. */
  agent_presence: (payload: { agentId: string; presence: Presence }) => void;
  /** An intake started, moved on or ended: load the drafts again. */
  drafts_changed: () => void;
  ready: (payload: { agent: AgentView }) => void;
}

/** The package version, set by console/build.mjs. */
declare global {
  const __VERSION__: string;
}

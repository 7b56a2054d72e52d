/** The agent API's shapes, shared with the server (types only: nothing of the server is bundled). */
export type * from '../../src/console/console.api.js';
/** Mass incidents (GET /api/incidents and the rest; `incident_updated` carries an IncidentView). */
export type { IncidentDetailView, IncidentUpdateView, IncidentView } from '../../src/console/incidents.schemas.js';

/** `GET /api/settings` and the answer of `PATCH /api/settings`. */
export interface DeskSettings {
  /** The web chat asks a new visitor's name and e-mail or phone before the request. */
  prechat: boolean;
  /** Agents' replies carry the agent's name. */
  agentNameInReplies: boolean;
}

/** The package version, set by console/build.mjs. */
declare global {
  const __VERSION__: string;
}

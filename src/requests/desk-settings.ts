/**
 * How the desk behaves, as admins set it in the console (GET/PATCH
 * /api/settings), kept in the database so every instance agrees. Read on hot
 * paths (each conversation step), so each instance keeps them a few seconds.
 */
import type { RequestStore } from './request-store.port.js';

export interface DeskSettings {
  /** Web chat: ask a new visitor's name and e-mail or phone before the request (unless the site identified them). */
  prechat: boolean;
  /** Agents' replies on Telegram, WhatsApp and the web chat carry the agent's name (always a sign that a person wrote). */
  agentNameInReplies: boolean;
}

export const DEFAULT_DESK_SETTINGS: Readonly<DeskSettings> = { prechat: false, agentNameInReplies: true };

const KEYS: Record<keyof DeskSettings, string> = { prechat: 'desk.prechat', agentNameInReplies: 'desk.agent_name_in_replies' };
const CACHE_MS = 5_000;

export interface DeskSettingsService {
  get(): Promise<DeskSettings>;
  update(patch: Partial<DeskSettings>): Promise<DeskSettings>;
}

export function createDeskSettings(store: Pick<RequestStore, 'readSettings' | 'writeSetting'>, now: () => number = Date.now): DeskSettingsService {
  let cached: { value: DeskSettings; at: number } | null = null;
  const load = async (): Promise<DeskSettings> => {
    const stored = await store.readSettings(Object.values(KEYS));
    const read = (k: keyof DeskSettings) => (stored[KEYS[k]] === undefined ? DEFAULT_DESK_SETTINGS[k] : stored[KEYS[k]] === 'true');
    const value: DeskSettings = { prechat: read('prechat'), agentNameInReplies: read('agentNameInReplies') };
    cached = { value, at: now() };
    return value;
  };
  return {
    async get() {
      if (cached && now() - cached.at < CACHE_MS) return cached.value;
      return load();
    },
    async update(patch) {
      for (const [k, v] of Object.entries(patch) as Array<[keyof DeskSettings, boolean | undefined]>) {
        if (v !== undefined) await store.writeSetting(KEYS[k], String(v));
      }
      return load();
    },
  };
}

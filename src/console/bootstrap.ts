import type { Logger } from 'pino';
import type { ConsoleConfig } from '../config.js';
import { StoreError } from '../requests/request-store.port.js';
import type { AgentStore } from './agent-store.js';
import { generatePassword, hashPassword } from './passwords.js';

export const DEFAULT_ADMIN_EMAIL = 'admin@localhost';

/**
 * On a desk with no agent yet, creates the first admin from ADMIN_EMAIL and
 * ADMIN_PASSWORD, or with a generated password written once to the log.
 * Returns the generated password, if any. Safe when several instances start at once.
 */
export async function ensureFirstAdmin(agents: AgentStore, config: ConsoleConfig, logger: Logger): Promise<string | null> {
  if ((await agents.countAgents()) > 0) return null;
  const email = config.adminEmail ?? DEFAULT_ADMIN_EMAIL;
  const password = config.adminPassword ?? generatePassword();
  try {
    await agents.createAgent({ email, name: 'Admin', role: 'admin', passwordHash: await hashPassword(password) });
  } catch (error) {
    if (error instanceof StoreError && error.code === 'conflict') return null; // another instance made it
    throw error;
  }
  if (config.adminPassword) {
    logger.info({ email }, 'created the first admin from ADMIN_EMAIL and ADMIN_PASSWORD');
    return null;
  }
  logger.warn(`created the first admin: sign in at /console as ${email} with the password ${password} (shown only this once; change it)`);
  return password;
}

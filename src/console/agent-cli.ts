/**
 * Manages agents from the command line, on the database the gateway uses
 * (DATABASE_URL, or the embedded one in DATA_DIR):
 *
 *   npm run agent -- add <email> <name> [--admin]   password from stdin when piped, else generated and printed
 *   npm run agent -- list
 *   npm run agent -- password <email>               a new password, the same way; ends the agent's sessions
 *   npm run agent -- deactivate <email> | activate <email>
 */
import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { loadConfig, ConfigError } from '../config.js';
import { openDatabase } from '../db/database.js';
import { DatabaseInUseError } from '../db/pglite-lock.js';
import { StoreError } from '../requests/request-store.port.js';
import { createPrismaAgentStore, type AgentStore } from './agent-store.js';
import { generatePassword, hashPassword, MIN_PASSWORD_LENGTH } from './passwords.js';

const USAGE = `usage: npm run agent -- add <email> <name> [--admin] | list | password <email> | deactivate <email> | activate <email>`;

/** A password piped on stdin (first line), or a generated one that is printed. */
async function readPassword(): Promise<{ password: string; generated: boolean }> {
  if (process.stdin.isTTY) return { password: generatePassword(), generated: true };
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const line = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0]?.trim() ?? '';
  if (line === '') return { password: generatePassword(), generated: true };
  if (line.length < MIN_PASSWORD_LENGTH) throw new UsageError(`the password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  return { password: line, generated: false };
}

class UsageError extends Error {}

export async function runAgentCommand(args: string[], agents: AgentStore, out: (line: string) => void): Promise<void> {
  const [command, ...rest] = args;
  const positional = rest.filter((a) => !a.startsWith('--'));
  switch (command) {
    case 'add': {
      const [email, ...nameParts] = positional;
      if (!email || !/^[^@\s]+@[^@\s]+$/.test(email) || nameParts.length === 0) throw new UsageError(USAGE);
      const { password, generated } = await readPassword();
      const agent = await agents.createAgent({
        email,
        name: nameParts.join(' '),
        role: rest.includes('--admin') ? 'admin' : 'agent',
        passwordHash: await hashPassword(password),
      });
      out(`added ${agent.role} ${agent.email} (${agent.name})${generated ? ` with the password ${password}` : ''}`);
      return;
    }
    case 'list':
      for (const a of await agents.listAgents()) out(`${a.email}\t${a.name}\t${a.role}\t${a.active ? 'active' : 'inactive'}`);
      return;
    case 'password':
    case 'activate':
    case 'deactivate': {
      const agent = positional[0] ? await agents.findAgentByEmail(positional[0]) : null;
      if (!agent) throw new UsageError(positional[0] ? `no agent with the email ${positional[0]}` : USAGE);
      if (command === 'password') {
        const { password, generated } = await readPassword();
        await agents.updateAgent(agent.id, { passwordHash: await hashPassword(password) });
        await agents.deleteAgentSessions(agent.id);
        out(`new password set for ${agent.email}${generated ? `: ${password}` : ''}`);
      } else {
        await agents.updateAgent(agent.id, { active: command === 'activate' });
        if (command === 'deactivate') await agents.deleteAgentSessions(agent.id);
        out(`${agent.email} is ${command === 'activate' ? 'active' : 'inactive'}`);
      }
      return;
    }
    default:
      throw new UsageError(USAGE);
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await runAgentCommand(process.argv.slice(2), createPrismaAgentStore(db.prisma), (line) => process.stdout.write(`${line}\n`));
  } finally {
    await db.close();
  }
}

// Run as a script (not imported by a test): compared as URLs, so a path with spaces still matches.
if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main().catch((error: unknown) => {
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof DatabaseInUseError || (error instanceof StoreError && error.code === 'conflict')) {
      console.error(error.message);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  });
}

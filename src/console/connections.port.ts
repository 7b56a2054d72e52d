/**
 * Which agents have a console open: a connected `/agents` socket on any
 * gateway instance. The presence shown to other agents (presence.ts) is the
 * agent's own choice while they have one, `offline` otherwise.
 *
 * In memory for one instance (memory.connections.ts); in Redis when instances
 * share it (redis.connections.ts), where an instance that dies without saying
 * goodbye has its sockets forgotten after a lease.
 */
export interface ConsoleConnections {
  /** Records an open socket. true when it is the agent's first anywhere: they just came online. */
  open(agentId: string, socketId: string): Promise<boolean>;
  /** Forgets a socket. true when it was the agent's last anywhere: they just went offline. */
  close(agentId: string, socketId: string): Promise<boolean>;
  /**
   * Whether any agent may have a console open, on any instance: what agents are
   * shown live is not worked out for nobody. Errs towards true (a socket of a
   * dead instance counts until it lapses).
   */
  any(): Promise<boolean>;
  /** Of these agents, the ones with a console open now. */
  online(agentIds: readonly string[]): Promise<Set<string>>;
  /**
   * Run every {@link PRESENCE_REFRESH_MS} by each instance with the sockets it
   * holds: renews them, and forgets the sockets of instances that stopped
   * renewing theirs. Returns the agents who came online by it (their sockets
   * had been forgotten, e.g. across a Redis outage) and those who went offline
   * (their last socket was on an instance that is gone); each such change is
   * returned to one instance only.
   */
  refresh(local: ReadonlyArray<{ agentId: string; socketId: string }>): Promise<{ cameOnline: string[]; wentOffline: string[] }>;
}

/** How often each instance renews its sockets (ConsoleConnections.refresh). */
export const PRESENCE_REFRESH_MS = 15_000;
/** How long a socket counts without being renewed: three renewals, so one missed renewal never drops it. */
export const PRESENCE_LEASE_MS = 3 * PRESENCE_REFRESH_MS;

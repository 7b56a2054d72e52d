import type { ConsoleConnections } from './connections.port.js';

/** {@link ConsoleConnections} of one instance: every socket is in this process, so nothing lapses. */
export function createMemoryConnections(): ConsoleConnections {
  const sockets = new Map<string, Set<string>>();
  return {
    async open(agentId, socketId) {
      const mine = sockets.get(agentId) ?? new Set<string>();
      sockets.set(agentId, mine.add(socketId));
      return mine.size === 1;
    },
    async close(agentId, socketId) {
      const mine = sockets.get(agentId);
      if (!mine?.delete(socketId)) return false;
      if (mine.size > 0) return false;
      sockets.delete(agentId);
      return true;
    },
    async any() {
      return sockets.size > 0;
    },
    async online(agentIds) {
      return new Set(agentIds.filter((id) => sockets.has(id)));
    },
    async refresh() {
      return { cameOnline: [], wentOffline: [] };
    },
  };
}

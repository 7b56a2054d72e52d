/**
 * Presence, server side: an agent is `offline` until they open a console (a
 * `/agents` socket), then what they chose (`online` or `away`), and `offline`
 * again once their last console closes. Every change is announced to every
 * agent as `agent_presence`. In memory (embedded) and in Redis (production).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createRedisConnections } from '../../src/console/redis.connections.js';
import { startTestApp } from '../support/app.js';
import { BACKENDS, productionBackend, type BackendEnv } from '../support/backends.js';
import { ADMIN_ENV, AgentClient, AgentSocket, baseOf } from './console-client.js';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`agent presence: ${backend.name}`, () => {
    let env: BackendEnv;
    let app: App;
    let base: string;
    let admin: AgentClient;
    /** The admin's console, watching everyone's presence. */
    let watcher: AgentSocket;
    const sockets: AgentSocket[] = [];
    const connect = (client: AgentClient) => {
      const socket = new AgentSocket(base, { token: client.session.token });
      sockets.push(socket);
      return socket.ready();
    };
    const listed = async (agentId: string) => (await admin.get('/api/agents')).body.agents.find((a: { id: string }) => a.id === agentId).presence;
    const closed = (socket: AgentSocket) => {
      socket.close();
      return socket;
    };

    beforeAll(async () => {
      env = await backend.setup();
      app = await startTestApp({ ...env, channels: [], env: ADMIN_ENV });
      base = baseOf(app);
      admin = await AgentClient.login(base);
      watcher = await connect(admin);
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await app?.stop();
      await env?.cleanup();
    });

    it('shows an agent offline without a console, their choice while they have one, and offline again after the last one closes', async () => {
      expect((await admin.post('/api/agents', { email: 'pavel@example.com', name: 'Pavel', password: 'pavel-password-1' })).status).toBe(201);
      const pavel = await AgentClient.login(base, { email: 'pavel@example.com', password: 'pavel-password-1' });
      const id = pavel.agentId;
      const seen = () => watcher.events('agent_presence').filter((p) => p.agentId === id).map((p) => p.presence);
      expect(pavel.session.agent.presence).toBe('offline');
      expect(await listed(id)).toBe('offline');
      expect((await admin.get('/api/auth/me')).body.agent.presence).toBe('online'); // the admin's console is open

      const first = await connect(pavel);
      expect(first.events('ready')[0]!.agent).toMatchObject({ id, presence: 'online', locale: null });
      await watcher.waitFor('agent_presence', (p) => p.agentId === id && p.presence === 'online');
      expect(await listed(id)).toBe('online');
      expect((await pavel.get('/api/auth/me')).body.agent.presence).toBe('online');

      const away = await pavel.call('PATCH', '/api/auth/me', { presence: 'away' });
      expect(away.status).toBe(200);
      expect(away.body.agent.presence).toBe('away');
      await watcher.waitFor('agent_presence', (p) => p.agentId === id && p.presence === 'away');
      await first.waitFor('agent_presence', (p) => p.agentId === id && p.presence === 'away'); // the agent's own consoles hear it too
      expect(await listed(id)).toBe('away');

      const second = await connect(pavel);
      expect(second.events('ready')[0]!.agent.presence).toBe('away');
      closed(first);
      closed(second);
      await watcher.waitFor('agent_presence', (p) => p.agentId === id && p.presence === 'offline');
      expect(await listed(id)).toBe('offline');
      expect((await pavel.get('/api/auth/me')).body.agent.presence).toBe('offline');

      // The choice is kept: the next console shows it again.
      const third = await connect(pavel);
      expect(third.events('ready')[0]!.agent.presence).toBe('away');
      await watcher.waitFor('agent_presence', (p) => p.agentId === id && seen().length === 4);
      expect(seen()).toEqual(['online', 'away', 'offline', 'away']);
      closed(third);
      await watcher.waitFor('agent_presence', (p) => p.agentId === id && seen().length === 5);
      expect(seen().at(-1)).toBe('offline');
    });

    it('keeps an agent present while any of their consoles is open, and announces nothing for a choice that does not change', async () => {
      expect((await admin.post('/api/agents', { email: 'nina@example.com', name: 'Nina', password: 'nina-password-1' })).status).toBe(201);
      const nina = await AgentClient.login(base, { email: 'nina@example.com', password: 'nina-password-1' });
      const id = nina.agentId;
      const seen = () => watcher.events('agent_presence').filter((p) => p.agentId === id).map((p) => p.presence);
      const tab1 = await connect(nina);
      const tab2 = await connect(nina);
      await watcher.waitFor('agent_presence', (p) => p.agentId === id && p.presence === 'online');
      // Signing out of one session ends its console only (the server disconnects it).
      const other = await AgentClient.login(base, { email: 'nina@example.com', password: 'nina-password-1' });
      const tab3 = await connect(other);
      const ended = new Promise<string>((resolve) => tab3.socket.once('disconnect', resolve));
      expect((await other.post('/api/auth/logout')).status).toBe(204);
      expect(await ended).toBe('io server disconnect');
      closed(tab1);
      expect((await nina.call('PATCH', '/api/auth/me', { presence: 'online' })).status).toBe(200); // no change
      expect((await nina.call('PATCH', '/api/auth/me', { presence: 'away' })).status).toBe(200);
      await watcher.waitFor('agent_presence', (p) => p.agentId === id && p.presence === 'away');
      expect(await listed(id)).toBe('away');
      closed(tab2);
      await watcher.waitFor('agent_presence', (p) => p.agentId === id && p.presence === 'offline');
      expect(seen()).toEqual(['online', 'away', 'offline']);
    });

    // What another instance leaves in Redis: its sockets, and their leases.
    it.runIf(backend === productionBackend)('announces offline an agent whose last console was on an instance that stopped renewing it', async () => {
      expect((await admin.post('/api/agents', { email: 'ghost@example.com', name: 'Ghost', password: 'ghost-password-1' })).status).toBe(201);
      const ghost = await AgentClient.login(base, { email: 'ghost@example.com', password: 'ghost-password-1' });
      const deadInstance = createRedisConnections(app.redis!, { leaseMs: 0 });
      expect(await deadInstance.open(ghost.agentId, 'socket-on-a-dead-instance')).toBe(true);
      await app.console.refreshPresence();
      await watcher.waitFor('agent_presence', (p) => p.agentId === ghost.agentId && p.presence === 'offline');
      expect(await listed(ghost.agentId)).toBe('offline');
    });

    it.runIf(backend === productionBackend)("announces an agent again when the renewal brings back a console Redis had forgotten", async () => {
      expect((await admin.post('/api/agents', { email: 'back@example.com', name: 'Back', password: 'back-password-1' })).status).toBe(201);
      const back = await AgentClient.login(base, { email: 'back@example.com', password: 'back-password-1' });
      const tab = await connect(back);
      await watcher.waitFor('agent_presence', (p) => p.agentId === back.agentId && p.presence === 'online');
      // Another instance swept it, as it would after an outage kept this one from renewing.
      expect(await createRedisConnections(app.redis!).close(back.agentId, tab.socket.id!)).toBe(true);
      expect(await listed(back.agentId)).toBe('offline');
      await app.console.refreshPresence();
      await watcher.waitFor('agent_presence', (p) => p.agentId === back.agentId && watcher.events('agent_presence').filter((e) => e.agentId === back.agentId).length === 2);
      expect(watcher.events('agent_presence').filter((e) => e.agentId === back.agentId).map((e) => e.presence)).toEqual(['online', 'online']);
      expect(await listed(back.agentId)).toBe('online');
    });
  });
}

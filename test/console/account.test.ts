/**
 * My account: an agent changes their own password (checked against the
 * current one; their other sessions end, this one stays) and the console's
 * language (`PATCH /api/auth/me`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { startTestApp } from '../support/app.js';
import { BACKENDS, type BackendEnv } from '../support/backends.js';
import { ADMIN_ENV, AgentClient, AgentSocket, baseOf } from './console-client.js';

const KATE = { email: 'kate@example.com', password: 'kate-password-1' };

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`my account: ${backend.name}`, () => {
    let env: BackendEnv;
    let app: App;
    let base: string;
    let admin: AgentClient;
    const sockets: AgentSocket[] = [];
    const connect = (client: AgentClient) => {
      const socket = new AgentSocket(base, { token: client.session.token });
      sockets.push(socket);
      return socket.ready();
    };
    const signIn = (password: string) =>
      fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: KATE.email, password }) });

    beforeAll(async () => {
      env = await backend.setup();
      app = await startTestApp({ ...env, channels: [], env: { ...ADMIN_ENV, LOGIN_RATE: '4/15m' } });
      base = baseOf(app);
      admin = await AgentClient.login(base);
      expect((await admin.post('/api/agents', { ...KATE, name: 'Kate' })).status).toBe(201);
    });
    afterAll(async () => {
      for (const s of sockets) s.close();
      await app?.stop();
      await env?.cleanup();
    });

    it('changes the password given the current one: the other sessions end, this one stays', async () => {
      const here = await AgentClient.login(base, KATE);
      const there = await AgentClient.login(base, KATE);
      const hereSocket = await connect(here);
      const thereSocket = await connect(there);
      const ended = new Promise<string>((resolve) => thereSocket.socket.once('disconnect', resolve));

      const res = await here.call('PATCH', '/api/auth/me', { currentPassword: KATE.password, newPassword: 'kate-password-2' }, { viaCookie: true });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ csrfToken: here.session.csrfToken, agent: { id: here.agentId, email: KATE.email } });
      expect(JSON.stringify(res.body)).not.toContain('passwordHash');

      expect(await ended).toBe('io server disconnect');
      expect((await there.get('/api/auth/me')).status).toBe(401);
      expect((await here.get('/api/auth/me')).status).toBe(200);
      expect((await here.get('/api/auth/me')).body.agent.id).toBe(here.agentId);
      // This session's console is still connected: it hears what is announced after the change.
      expect((await here.call('PATCH', '/api/auth/me', { presence: 'away' })).status).toBe(200);
      await hereSocket.waitFor('agent_presence', (p) => p.agentId === here.agentId && p.presence === 'away');
      expect(hereSocket.socket.connected).toBe(true);

      expect((await signIn(KATE.password)).status).toBe(401);
      expect((await signIn('kate-password-2')).status).toBe(200);
      // Other agents' sessions are not touched.
      expect((await admin.get('/api/auth/me')).status).toBe(200);
    });

    it('refuses a wrong current password with 403 and changes nothing; wrong guesses are counted like sign-ins', async () => {
      const kate = await AgentClient.login(base, { email: KATE.email, password: 'kate-password-2' });
      const wrong = await kate.call('PATCH', '/api/auth/me', { currentPassword: 'not-my-password', newPassword: 'kate-password-3', locale: 'en' });
      expect(wrong.status).toBe(403);
      expect(wrong.body.error).toEqual({ code: 'forbidden', message: expect.stringContaining('currentPassword') });
      expect((await kate.get('/api/auth/me')).body.agent.locale).toBeNull();
      expect((await signIn('kate-password-3')).status).toBe(401);
      expect((await signIn('kate-password-2')).status).toBe(200);
      // LOGIN_RATE is 4/15m: the fifth attempt is refused, even with the right password.
      for (let i = 0; i < 3; i++) expect((await kate.call('PATCH', '/api/auth/me', { currentPassword: `guess-${i}`, newPassword: 'kate-password-3' })).status).toBe(403);
      const blocked = await kate.call('PATCH', '/api/auth/me', { currentPassword: 'kate-password-2', newPassword: 'kate-password-3' });
      expect(blocked.status).toBe(429);
      expect(blocked.body.error.code).toBe('rate_limited');
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await signIn('kate-password-2')).status).toBe(200);
    });

    it('names the field in every validation message', async () => {
      const kate = await AgentClient.login(base, { email: KATE.email, password: 'kate-password-2' });
      const cases: Array<[unknown, string]> = [
        [{ newPassword: 'kate-password-9' }, 'currentPassword'],
        [{ currentPassword: 'kate-password-2', newPassword: 'short' }, 'newPassword'],
        [{ currentPassword: 'kate-password-2' }, 'newPassword'],
        [{ currentPassword: 'kate-password-2', newPassword: 42 }, 'newPassword'],
        [{ locale: 'de' }, 'locale'],
        [{ presence: 'offline' }, 'presence'],
        [{ password: 'kate-password-9' }, 'password'],
        [{}, 'nothing to change'],
      ];
      for (const [body, field] of cases) {
        const res = await kate.call('PATCH', '/api/auth/me', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.code).toBe('bad_request');
        expect(res.body.error.message, JSON.stringify(body)).toContain(field);
      }
      expect((await signIn('kate-password-2')).status).toBe(200);
    });

    it("sets the console's language, which every view of the agent shows", async () => {
      const kate = await AgentClient.login(base, { email: KATE.email, password: 'kate-password-2' });
      expect(kate.session.agent.locale).toBeNull();
      const res = await kate.call('PATCH', '/api/auth/me', { locale: 'en' }, { viaCookie: true });
      expect(res.status).toBe(200);
      expect(res.body.agent.locale).toBe('en');
      expect((await kate.get('/api/auth/me')).body.agent.locale).toBe('en');
      const listed = (await admin.get('/api/agents')).body.agents.find((a: { id: string }) => a.id === kate.agentId);
      expect(listed.locale).toBe('en');
      const socket = await connect(kate);
      expect(socket.events('ready')[0]!.agent.locale).toBe('en');
      expect((await AgentClient.login(base, { email: KATE.email, password: 'kate-password-2' })).session.agent.locale).toBe('en');
      // Without the CSRF token a cookie session changes nothing.
      expect((await kate.call('PATCH', '/api/auth/me', { locale: 'ru' }, { viaCookie: true, csrf: false })).status).toBe(403);
      expect((await kate.get('/api/auth/me')).body.agent.locale).toBe('en');
    });
  });
}

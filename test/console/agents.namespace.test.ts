import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { hashToken } from '../../src/console/sessions.js';
import { makeTempDir, startTestApp } from '../support/app.js';
import { ADMIN, ADMIN_ENV, AgentClient, AgentSocket, baseOf } from './console-client.js';

describe('the /agents namespace and session expiry', () => {
  let app: App;
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;

  beforeAll(async () => {
    tmp = await makeTempDir();
    app = await startTestApp({ dataDir: tmp.dir, env: ADMIN_ENV });
  });
  afterAll(async () => {
    await app?.stop();
    await tmp?.remove();
  });

  it('disconnects a socket when its session expires, and refuses it afterwards', async () => {
    const admin = (await app.console.agents.findAgentByEmail(ADMIN.email))!;
    // A session about to end: what a week-old sign-in looks like in its last second and a half.
    const token = `rd_${randomBytes(32).toString('base64url')}`;
    await app.console.agents.createSession({ id: hashToken(token), agentId: admin.id, csrfToken: 'csrf', expiresAt: new Date(Date.now() + 1500) });
    const socket = await new AgentSocket(baseOf(app), { token }).ready();
    const reason = await new Promise<string>((resolve) => socket.socket.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
    const again = new AgentSocket(baseOf(app), { token });
    await expect(again.ready()).rejects.toThrow('unauthorized');
    again.close();
    const me = await fetch(`${baseOf(app)}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(401);
  });

  it('disconnects the sockets of an agent deactivated outside this instance (the CLI) at the next check', async () => {
    const admin = await AgentClient.login(baseOf(app));
    await admin.post('/api/agents', { email: 'cli-target@example.com', name: 'Target', password: 'target-password-1' });
    const target = await AgentClient.login(baseOf(app), { email: 'cli-target@example.com', password: 'target-password-1' });
    const socket = await new AgentSocket(baseOf(app), { token: target.session.token }).ready();
    const gone = new Promise<string>((resolve) => socket.socket.once('disconnect', resolve));
    // What `npm run agent -- deactivate` does: straight to the database.
    await app.console.agents.updateAgent(target.agentId, { active: false });
    await app.console.agents.deleteAgentSessions(target.agentId);
    expect(await app.console.recheckSockets()).toBe(1);
    expect(await gone).toBe('io server disconnect');
    socket.close();
  });

  it('disconnects an agent whose role changed, so their rooms follow the new role', async () => {
    const admin = await AgentClient.login(baseOf(app));
    const created = await admin.post('/api/agents', { email: 'second-admin@example.com', name: 'Second', password: 'second-password-1', role: 'admin' });
    const second = await AgentClient.login(baseOf(app), { email: 'second-admin@example.com', password: 'second-password-1' });
    const socket = await new AgentSocket(baseOf(app), { token: second.session.token }).ready();
    const gone = new Promise<string>((resolve) => socket.socket.once('disconnect', resolve));
    expect((await admin.call('PATCH', `/api/agents/${created.body.id}`, { role: 'agent' })).status).toBe(200);
    expect(await gone).toBe('io server disconnect');
    const again = await new AgentSocket(baseOf(app), { token: second.session.token }).ready();
    expect(again.received.find((r) => r.event === 'ready')?.payload).toMatchObject({ agent: { role: 'agent' } });
    again.close();
    socket.close();
  });
});

describe('the /agents origin check behind a proxy', () => {
  const EVIL = { origin: 'https://evil.example', headers: { 'x-forwarded-host': 'evil.example' } };
  /** What a proxy that rewrites Host sends on: the page's host in X-Forwarded-Host. */
  const PROXIED = { origin: 'https://desk.example.com', headers: { 'x-forwarded-host': 'desk.example.com' } };
  const dirs: Array<Awaited<ReturnType<typeof makeTempDir>>> = [];
  const apps: App[] = [];
  const sockets: AgentSocket[] = [];

  const start = async (env: Record<string, string>) => {
    const dir = await makeTempDir();
    dirs.push(dir);
    const app = await startTestApp({ dataDir: dir.dir, channels: [], env: { ...ADMIN_ENV, ...env } });
    apps.push(app);
    return app;
  };
  const connect = (app: App, cookie: string, opts: { origin: string; headers: Record<string, string> }) => {
    const socket = new AgentSocket(baseOf(app), { cookie, ...opts });
    sockets.push(socket);
    return socket.ready();
  };

  afterAll(async () => {
    for (const s of sockets) s.close();
    for (const a of apps) await a.stop();
    for (const d of dirs) await d.remove();
  });

  it('refuses a cookie from another origin that names itself in X-Forwarded-Host when no proxy is trusted', async () => {
    const app = await start({});
    const { cookie } = await AgentClient.login(baseOf(app));
    await expect(connect(app, cookie!, EVIL)).rejects.toThrow('unauthorized');
    await expect(connect(app, cookie!, PROXIED)).rejects.toThrow('unauthorized');
  });

  it('accepts the console behind a trusted proxy that rewrites Host, and still refuses another origin there', async () => {
    const app = await start({ TRUST_PROXY: '127.0.0.1' });
    const { cookie, agentId } = await AgentClient.login(baseOf(app));
    const socket = await connect(app, cookie!, PROXIED);
    expect(socket.events('ready')[0]!.agent.id).toBe(agentId);
    await expect(connect(app, cookie!, { origin: 'https://evil.example', headers: PROXIED.headers })).rejects.toThrow('unauthorized');
  });
});


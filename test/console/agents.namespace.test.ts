import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { hashToken } from '../../src/console/sessions.js';
import { makeTempDir, startTestApp } from '../support/app.js';
import { ADMIN, ADMIN_ENV, AgentSocket, baseOf } from './console-client.js';

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
});

/** The desk's settings over the agent API: every agent reads them, admins change them, every instance sees the change. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createDeskSettings, DEFAULT_DESK_SETTINGS } from '../../src/requests/desk-settings.js';
import { baseOf, makeTempDir, startTestApp } from '../support/app.js';
import { ADMIN_ENV, AgentClient } from './console-client.js';

describe('desk settings', () => {
  let app: App;
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  beforeAll(async () => {
    tmp = await makeTempDir();
    app = await startTestApp({ dataDir: tmp.dir, channels: [], env: ADMIN_ENV });
  });
  afterAll(async () => {
    await app?.stop();
    await tmp?.remove();
  });

  it('starts with the defaults, and lets an admin change them for everyone', async () => {
    const admin = await AgentClient.login(baseOf(app));
    expect((await admin.get('/api/settings')).body).toEqual(DEFAULT_DESK_SETTINGS);
    const changed = await admin.call('PATCH', '/api/settings', { prechat: true });
    expect(changed).toMatchObject({ status: 200, body: { prechat: true, agentNameInReplies: true } });
    // Another instance reads the database, not this one's copy.
    expect(await createDeskSettings(app.store).get()).toEqual({ prechat: true, agentNameInReplies: true });
    expect((await admin.call('PATCH', '/api/settings', {})).status).toBe(400);
    expect((await admin.call('PATCH', '/api/settings', { prechat: 'yes' })).status).toBe(400);
  });

  it('refuses changes from an agent who is not an admin', async () => {
    const admin = await AgentClient.login(baseOf(app));
    const created = await admin.post('/api/agents', { email: 'plain@example.com', name: 'Plain', password: 'plain-password-1' });
    expect(created.status).toBe(201);
    const agent = await AgentClient.login(baseOf(app), { email: 'plain@example.com', password: 'plain-password-1' });
    expect((await agent.get('/api/settings')).status).toBe(200);
    expect((await agent.call('PATCH', '/api/settings', { prechat: false })).status).toBe(403);
  });
});

/**
 * What agents type reaches the database and the customer as text the store
 * can keep: control characters (NUL first) are removed at the API boundary,
 * never turned into a failure the agent cannot get past. On PostgreSQL, which
 * refuses NUL in text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { startTestApp } from '../support/app.js';
import { productionBackend, type BackendEnv } from '../support/backends.js';
import { TestChannel } from '../support/test-channel.js';
import { ADMIN_ENV, AgentClient, baseOf, fileRequest } from './console-client.js';

describe.skipIf(!productionBackend.enabled)('agent API against control characters', () => {
  let env: BackendEnv;
  let app: App;
  let admin: AgentClient;
  const channel = new TestChannel();

  beforeAll(async () => {
    env = await productionBackend.setup();
    app = await startTestApp({ ...env, channels: [channel], env: ADMIN_ENV });
    admin = await AgentClient.login(baseOf(app));
  });
  afterAll(async () => {
    await app?.stop();
    await env?.cleanup();
  });

  it('strips them from replies, notes, status comments, canned responses and searches', async () => {
    const who = 'ctl-1';
    const number = await fileRequest(channel, who, { subject: 'Payroll export fails' });
    const sent = channel.textsTo(who).length;

    const reply = await admin.post(`/api/requests/${number}/messages`, { text: 'Restart\u0000 the export\u0007, please.\nThanks' });
    expect(reply.status).toBe(201);
    expect(reply.body.text).toBe('Restart the export, please.\nThanks');
    expect((await channel.waitFor(who, sent + 1)).at(-1)!.message.text).toBe('Restart the export, please.\nThanks');

    const note = await admin.post(`/api/requests/${number}/messages`, { text: 'internal\u0000 note', internal: true });
    expect(note.status).toBe(201);
    expect(note.body.text).toBe('internal note');

    const asked = await admin.post(`/api/requests/${number}/status`, { status: 'awaiting_customer', comment: 'Which\u0000 version?' });
    expect(asked.status).toBe(200);
    expect((await admin.get(`/api/requests/${number}`)).body.statusHistory.at(-1).comment).toBe('Which version?');

    const canned = await admin.post('/api/canned-responses', { title: 'Re\u0000start', text: 'Please\u001b restart.' });
    expect(canned.status).toBe(201);
    expect(canned.body).toMatchObject({ title: 'Restart', text: 'Please restart.' });

    const found = await admin.get(`/api/requests?q=${encodeURIComponent('Payroll\u0000')}`);
    expect(found.status).toBe(200);
    expect(found.body.requests.map((r: { number: string }) => r.number)).toContain(number);
  });

  it('refuses a text that is nothing but control characters as empty', async () => {
    const number = await fileRequest(channel, 'ctl-2');
    const res = await admin.post(`/api/requests/${number}/messages`, { text: '\u0000\u0001 ' });
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/must not be empty/);
  });
});

/**
 * The agent console across two gateway instances on one PostgreSQL database and
 * one Redis: agents connected to one instance see what happens on the other
 * (socket.io's Redis adapter), replies reach visitors connected elsewhere, and
 * a session signed in on one instance works on the other.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { webchatChannel } from '../../src/channels/webchat/index.js';
import type { ServerMessage } from '../../src/channels/webchat/webchat.protocol.js';
import { startTestApp } from '../support/app.js';
import { productionBackend, type BackendEnv } from '../support/backends.js';
import { Visitor } from '../channels/webchat/webchat-client.js';
import { ADMIN, ADMIN_ENV, AgentClient, AgentSocket, baseOf } from './console-client.js';

/** How long a message may take from one end to the other before a test gives up. */
const DELIVERY_DEADLINE_MS = 3_000;

async function waitUntil<T>(what: string, probe: () => T | null | undefined | false, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = probe();
    if (found) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function visitorGets(v: Visitor, what: string, match: (m: ServerMessage) => boolean, timeoutMs = 10_000): Promise<ServerMessage> {
  return waitUntil(`${what}; the visitor has ${JSON.stringify(v.messages.map((m) => [m.from, m.text]))}`, () => v.messages.find(match), timeoutMs);
}

/** Resolves with the reason once the (connected) socket is disconnected; call it before causing that. */
function disconnected(s: AgentSocket, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`socket still connected after ${timeoutMs} ms`)), timeoutMs);
    s.socket.once('disconnect', (reason) => {
      clearTimeout(t);
      resolve(reason);
    });
  });
}

/** Takes a web chat visitor through the intake (incident, no screenshot); returns the new request's number. */
async function webchatIntake(v: Visitor, subject: string): Promise<string> {
  await v.say('Hello');
  await v.waitForBot(1);
  await v.press('incident');
  await v.waitForBot(2);
  await v.say(subject);
  await v.waitForBot(3);
  await v.say('It started after the update this morning.');
  await v.waitForBot(4);
  await v.press('skip');
  await v.waitForBot(5);
  await v.press('confirm');
  const created = await v.waitForBot(6);
  const number = /[A-Z][A-Z0-9]*-\d+/.exec(created.text ?? '')?.[0];
  if (!number) throw new Error(`no request number in ${JSON.stringify(created.text)}`);
  return number;
}

describe.skipIf(!productionBackend.enabled)('agent console across two instances: PostgreSQL + Redis', () => {
  let env: BackendEnv;
  let a: App;
  let b: App;
  let baseA: string;
  let baseB: string;
  /** The admin, signed in on A. */
  let admin: AgentClient;
  /** The admin's socket on A's `/agents`, connected for the whole file. */
  let agentOnA: AgentSocket;
  let opened: Array<{ close(): void }> = [];
  const track = <T extends { close(): void }>(s: T): T => {
    opened.push(s);
    return s;
  };

  beforeAll(async () => {
    env = await productionBackend.setup();
    // Same database, Redis and WEBCHAT_SECRET (startTestApp sets it), as production runs them.
    a = await startTestApp({ ...env, channels: [webchatChannel], env: ADMIN_ENV });
    b = await startTestApp({ ...env, channels: [webchatChannel], env: ADMIN_ENV });
    // Only A delivers: every message for a visitor on B has to cross to B's socket through Redis.
    await b.outbox.stop();
    baseA = baseOf(a);
    baseB = baseOf(b);
    admin = await AgentClient.login(baseA);
    agentOnA = await new AgentSocket(baseA, { token: admin.session.token }).ready();
  });
  afterEach(() => {
    for (const s of opened) s.close();
    opened = [];
  });
  afterAll(async () => {
    agentOnA?.close();
    await a?.stop();
    await b?.stop();
    await env?.cleanup();
  });

  it('relays between an agent on one instance and a visitor on the other', async () => {
    const v = track(await new Visitor(baseB, { locale: 'en' }).ready());
    const number = await webchatIntake(v, 'Shared drive is read-only');

    const { request } = await agentOnA.waitFor('request_created', (p) => p.request.number === number);
    expect(request).toMatchObject({ number, subject: 'Shared drive is read-only', channel: 'webchat', status: 'new' });
    expect(request.unread).toBeGreaterThan(0);

    const text = 'Which folder on the shared drive do you mean?';
    const res = await admin.post(`/api/requests/${number}/messages`, { text });
    expect(res.status).toBe(201);
    const got = await visitorGets(v, 'the agent reply from the other instance', (m) => m.from === 'agent' && m.text === text, DELIVERY_DEADLINE_MS);
    expect(got.id).toBe(res.body.id);
    await agentOnA.waitFor('message', (p) => p.message.id === res.body.id);
    expect(await agentOnA.waitFor('message_status', (p) => p.messageId === res.body.id)).toMatchObject({ requestNumber: number, deliveryState: 'sent' });

    const answer = await v.say('The Finance folder');
    expect(answer.ok).toBe(true);
    const { message } = await agentOnA.waitFor('message', (p) => p.requestNumber === number && p.message.author === 'customer' && p.message.text === 'The Finance folder');
    expect(message.id).toBe(answer.id);

    // Typing crosses too: the visitor's to the agent, the agent's to the visitor.
    v.socket.emit('typing', { typing: true });
    expect(await agentOnA.waitFor('customer_typing', (p) => p.requestNumber === number)).toEqual({ requestNumber: number, typing: true });
    agentOnA.socket.emit('typing', { requestNumber: number, typing: true });
    await waitUntil('the agent typing indicator at the visitor on B', () => v.typing.includes(true), DELIVERY_DEADLINE_MS);
  });

  it('accepts a session signed in on one instance on the other, and ends it everywhere', async () => {
    const onB = new AgentClient(baseB, admin.session, admin.cookie);
    const me = await onB.get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.agent).toMatchObject({ id: admin.agentId, email: ADMIN.email });
    expect((await onB.get('/api/requests')).status).toBe(200);

    const socketOnB = track(await new AgentSocket(baseB, { token: admin.session.token }).ready());
    expect(socketOnB.events('ready')[0]!.agent.id).toBe(admin.agentId);
    const viaCookieOnB = track(await new AgentSocket(baseB, { cookie: admin.cookie!, origin: baseB }).ready());
    expect(viaCookieOnB.events('ready')[0]!.agent.id).toBe(admin.agentId);

    // What happens on A reaches the socket on B, and B's REST API shows it.
    const v = track(await new Visitor(baseA, { locale: 'en' }).ready());
    const number = await webchatIntake(v, 'Badge reader rejects my card');
    await socketOnB.waitFor('request_created', (p) => p.request.number === number);
    const note = await admin.post(`/api/requests/${number}/messages`, { text: 'Checked the badge system: card is active', internal: true });
    expect(note.status).toBe(201);
    expect((await socketOnB.waitFor('message', (p) => p.message.id === note.body.id)).message).toMatchObject({ internal: true, text: 'Checked the badge system: card is active' });
    const view = await onB.get(`/api/requests/${number}`);
    expect(view.status).toBe(200);
    expect(view.body.messages.map((m: { id: string }) => m.id)).toContain(note.body.id);
    // B's REST API acts for the session too.
    const reply = await onB.post(`/api/requests/${number}/messages`, { text: 'Please try the reader at the side door.' });
    expect(reply.status).toBe(201);
    await visitorGets(v, 'the reply sent through B', (m) => m.id === reply.body.id, DELIVERY_DEADLINE_MS);
    await agentOnA.waitFor('message', (p) => p.message.id === reply.body.id);

    // Signing out on A ends the session's sockets on B.
    const session = await AgentClient.login(baseA);
    const doomed = track(await new AgentSocket(baseB, { token: session.session.token }).ready());
    const ended = disconnected(doomed);
    expect((await session.post('/api/auth/logout')).status).toBe(204);
    expect(await ended).toBe('io server disconnect');
    await expect(track(new AgentSocket(baseB, { token: session.session.token })).ready()).rejects.toMatchObject({ message: 'unauthorized' });
    expect((await new AgentClient(baseB, session.session).get('/api/auth/me')).status).toBe(401);
    expect(socketOnB.socket.connected).toBe(true);
  });
});

/**
 * The agent console across two gateway instances on one PostgreSQL database and
 * one Redis: agents connected to one instance see what happens on the other
 * (socket.io's Redis adapter), replies reach visitors connected elsewhere, and
 * a session signed in on one instance works on the other.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { productionBackend } from '../support/backends.js';
import { startInstances, type Instances } from '../support/instances.js';
import { DELIVERY_DEADLINE_MS, OpenedClients, disconnected, visitorGets, waitUntil, webchatIntake } from '../support/relay.js';
import { Visitor } from '../channels/webchat/webchat-client.js';
import { ADMIN, ADMIN_ENV, AgentClient, AgentSocket, baseOf } from './console-client.js';

const DESCRIPTION = 'It started after the update this morning.';

describe.skipIf(!productionBackend.enabled)('agent console across two instances: PostgreSQL + Redis', () => {
  let instances: Instances;
  let baseA: string;
  let baseB: string;
  /** The admin, signed in on A. */
  let admin: AgentClient;
  /** The admin's socket on A's `/agents`, connected for the whole file. */
  let agentOnA: AgentSocket;
  const opened = new OpenedClients();
  const track = opened.track;

  beforeAll(async () => {
    // Same database, Redis and WEBCHAT_SECRET, as production runs them.
    instances = await startInstances(2, await productionBackend.setup(), { env: ADMIN_ENV });
    const [a, b] = instances.apps;
    // Only A delivers: every message for a visitor on B has to cross to B's socket through Redis.
    await b!.outbox.stop();
    baseA = baseOf(a!);
    baseB = baseOf(b!);
    admin = await AgentClient.login(baseA);
    agentOnA = await new AgentSocket(baseA, { token: admin.session.token }).ready();
  });
  afterEach(() => opened.closeAll());
  afterAll(async () => {
    agentOnA?.close();
    await instances?.close();
  });

  it('relays between an agent on one instance and a visitor on the other', async () => {
    const v = track(await new Visitor(baseB, { locale: 'en' }).ready());
    const number = await webchatIntake(v, 'Shared drive is read-only', DESCRIPTION);

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

  it("shows an agent's presence on every instance: their consoles on any of them count", async () => {
    expect((await admin.post('/api/agents', { email: 'roaming@example.com', name: 'Roaming', password: 'roaming-password-1' })).status).toBe(201);
    const roaming = await AgentClient.login(baseB, { email: 'roaming@example.com', password: 'roaming-password-1' });
    const id = roaming.agentId;
    const onA = new AgentClient(baseA, roaming.session, roaming.cookie);
    const listedOn = async (client: AgentClient) => (await client.get('/api/agents')).body.agents.find((a: { id: string }) => a.id === id).presence;
    const seen = () => agentOnA.events('agent_presence').filter((p) => p.agentId === id).map((p) => p.presence);
    expect(await listedOn(admin)).toBe('offline');

    // A console on B: the admin's console on A hears it, and A's API shows it.
    const consoleOnB = track(await new AgentSocket(baseB, { token: roaming.session.token }).ready());
    await agentOnA.waitFor('agent_presence', (p) => p.agentId === id && p.presence === 'online');
    expect(await listedOn(admin)).toBe('online');
    expect((await onA.get('/api/auth/me')).body.agent.presence).toBe('online');

    // A change of choice made through A reaches the agent's own console on B.
    expect((await onA.call('PATCH', '/api/auth/me', { presence: 'away' })).status).toBe(200);
    await consoleOnB.waitFor('agent_presence', (p) => p.agentId === id && p.presence === 'away');
    await agentOnA.waitFor('agent_presence', (p) => p.agentId === id && p.presence === 'away');

    // A second console, on A; B's closes: still present, with the same choice.
    const consoleOnA = track(await new AgentSocket(baseA, { token: roaming.session.token }).ready());
    expect(consoleOnA.events('ready')[0]!.agent.presence).toBe('away');
    consoleOnB.close();
    expect((await onA.call('PATCH', '/api/auth/me', { presence: 'online' })).status).toBe(200);
    await agentOnA.waitFor('agent_presence', (p) => p.agentId === id && seen().length === 3);
    expect(await listedOn(new AgentClient(baseB, admin.session))).toBe('online');

    consoleOnA.close();
    await agentOnA.waitFor('agent_presence', (p) => p.agentId === id && p.presence === 'offline');
    expect(seen()).toEqual(['online', 'away', 'online', 'offline']);
    expect(await listedOn(new AgentClient(baseB, admin.session))).toBe('offline');
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
    const number = await webchatIntake(v, 'Badge reader rejects my card', DESCRIPTION);
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

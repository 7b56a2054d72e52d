/**
 * The agent relay end to end, with real socket.io clients on both sides: a web
 * chat visitor on `/webchat`, agents on `/agents` and the agent REST API, on a
 * whole gateway started as `npm start` would start it, on every back end.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { App } from '../../src/app.js';
import { ChannelError } from '../../src/channels/channel.port.js';
import { webchatChannel } from '../../src/channels/webchat/index.js';
import { ConsoleQueries } from '../../src/console/console.queries.js';
import { startTestApp } from '../support/app.js';
import { BACKENDS, type Backend } from '../support/backends.js';
import { DELIVERY_DEADLINE_MS, OpenedClients, disconnected, visitorGets, waitUntil, webchatIntake } from '../support/relay.js';
import { TestChannel } from '../support/test-channel.js';
import { Visitor } from '../channels/webchat/webchat-client.js';
import { ADMIN, ADMIN_ENV, AgentClient, AgentSocket, baseOf, fileRequest } from './console-client.js';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`agent relay over socket.io: ${backend.name}`, () => {
    let env: Awaited<ReturnType<Backend['setup']>>;
    let app: App;
    let base: string;
    let testChannel: TestChannel;
    let admin: AgentClient;
    /** The admin's socket on `/agents`, connected for the whole file. */
    let agent: AgentSocket;
    /** Sockets a test opened; closed after it. */
    const opened = new OpenedClients();

    const visitor = (auth: Record<string, unknown> = { locale: 'en' }) => opened.track(new Visitor(base, auth));
    const agentSocket = (opts: ConstructorParameters<typeof AgentSocket>[1]) => opened.track(new AgentSocket(base, opts));
    /** A web chat visitor with a new request. */
    const openRequest = async (subject: string) => {
      const v = await visitor().ready();
      const number = await webchatIntake(v, subject);
      await agent.waitFor('request_created', (p) => p.request.number === number);
      return { v, number };
    };

    beforeAll(async () => {
      env = await backend.setup();
      testChannel = new TestChannel();
      app = await startTestApp({ ...env, channels: [webchatChannel, testChannel], env: ADMIN_ENV });
      base = baseOf(app);
      admin = await AgentClient.login(base);
      agent = await new AgentSocket(base, { token: admin.session.token }).ready();
    });
    afterEach(() => {
      opened.closeAll();
      testChannel?.clearFailures();
    });
    afterAll(async () => {
      agent?.close();
      await app?.stop();
      await env?.cleanup();
    });

    it('shows agents a request a web chat visitor files, with its messages', async () => {
      const v = await visitor().ready();
      const number = await webchatIntake(v, 'Printer does not print');

      const { request } = await agent.waitFor('request_created', (p) => p.request.number === number);
      expect(request).toMatchObject({
        number,
        subject: 'Printer does not print',
        type: 'incident',
        status: 'new',
        channel: 'webchat',
        customer: { channel: 'webchat', reachable: true },
        assignee: null,
      });
      expect(request.unread).toBeGreaterThan(0);

      // The bot's confirmation is filed under the request and shown to agents.
      const confirmation = await agent.waitFor('message', (p) => p.requestNumber === number && p.message.author === 'bot');
      expect(confirmation.message).toMatchObject({ direction: 'outbound', internal: false, agent: null });
      expect(confirmation.message.text).toContain(number);
      // And the request agents fetch is the one they were shown.
      const view = await admin.get(`/api/requests/${number}`);
      expect(view.status).toBe(200);
      expect(view.body).toMatchObject({ number, subject: 'Printer does not print', description: 'Since this morning the printer shows error E-42.' });
      expect(view.body.messages.map((m: { id: string }) => m.id)).toContain(confirmation.message.id);
    });

    it("delivers an agent's reply to the visitor's socket and tells agents it was sent", async () => {
      const { v, number } = await openRequest('Scanner is offline');
      const text = 'Hello, I am looking into it. Is the scanner switched on?';

      const res = await admin.post(`/api/requests/${number}/messages`, { text });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ author: 'agent', direction: 'outbound', text, internal: false, agent: { id: admin.agentId } });
      const messageId: string = res.body.id;

      const got = await visitorGets(v, 'the agent reply', (m) => m.from === 'agent' && m.text === text, DELIVERY_DEADLINE_MS);
      expect(got.id).toBe(messageId);

      const shown = await agent.waitFor('message', (p) => p.requestNumber === number && p.message.id === messageId);
      expect(shown.message).toMatchObject({ author: 'agent', text, internal: false, agent: { id: admin.agentId, name: admin.session.agent.name } });
      const status = await agent.waitFor('message_status', (p) => p.messageId === messageId);
      expect(status).toEqual({ requestNumber: number, messageId, deliveryState: 'sent', deliveryError: null });

      // The first answer takes a new request into work.
      const moved = await agent.waitFor('status_changed', (p) => p.requestNumber === number);
      expect(moved.change).toMatchObject({ from: 'new', to: 'in_progress', actor: { kind: 'agent', agent: { id: admin.agentId } } });
    });

    it("relays the visitor's next message to agents under the request", async () => {
      const { v, number } = await openRequest('Monitor flickers');
      const reply = await admin.post(`/api/requests/${number}/messages`, { text: 'Which cable do you use?' });
      expect(reply.status).toBe(201);
      await visitorGets(v, 'the agent question', (m) => m.from === 'agent', DELIVERY_DEADLINE_MS);

      const sent = await v.say('An HDMI cable, about 3 metres long');
      expect(sent.ok).toBe(true);
      const { message } = await agent.waitFor('message', (p) => p.requestNumber === number && p.message.author === 'customer' && p.message.text === 'An HDMI cable, about 3 metres long');
      expect(message).toMatchObject({ id: sent.id, direction: 'inbound', internal: false, agent: null });
      // The list row follows the message (the conversation's activity moved on).
      const messageAt = agent.received.findIndex((r) => r.event === 'message' && r.payload.message.id === sent.id);
      await waitUntil('a request_updated after the message', () =>
        agent.received.some((r, i) => i > messageAt && r.event === 'request_updated' && r.payload.request.number === number),
      );
    });

    it('shows internal notes to agents only, never to the visitor', async () => {
      const { v, number } = await openRequest('VPN drops every hour');
      const note = 'Internal: probably the known firewall issue, ticket NET-77';

      const res = await admin.post(`/api/requests/${number}/messages`, { text: note, internal: true });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ internal: true, deliveryState: 'internal', text: note, author: 'agent' });
      const shown = await agent.waitFor('message', (p) => p.requestNumber === number && p.message.id === res.body.id);
      expect(shown.message).toMatchObject({ internal: true, text: note, agent: { id: admin.agentId } });

      // A reply after the note: once it is at the visitor, the note had every chance to arrive.
      const reply = 'Could you tell me which VPN client version you use?';
      expect((await admin.post(`/api/requests/${number}/messages`, { text: reply })).status).toBe(201);
      await visitorGets(v, 'the reply after the note', (m) => m.text === reply, DELIVERY_DEADLINE_MS);
      expect(v.messages.map((m) => m.text)).not.toContain(note);
      expect(v.messages.some((m) => m.text?.includes('NET-77'))).toBe(false);

      // Nor is it in the history a reconnecting visitor gets.
      const again = await visitor({ token: v.session!.token }).ready();
      const history = again.histories[0]!.messages.map((m) => m.text);
      expect(history).toContain(reply);
      expect(history).not.toContain(note);
      expect(history.some((t) => t?.includes('NET-77'))).toBe(false);

      // Agents still see it in the conversation.
      const view = await admin.get(`/api/requests/${number}`);
      expect(view.body.messages).toEqual(expect.arrayContaining([expect.objectContaining({ id: res.body.id, internal: true, text: note })]));
    });

    it('carries a clarification and a proposed solution to the visitor, and their answers back to agents', async () => {
      const { v, number } = await openRequest('Printer prints blank pages');

      const asked = await admin.post(`/api/requests/${number}/status`, { status: 'awaiting_customer', comment: 'Which printer model?' });
      expect(asked.status).toBe(200);
      expect(asked.body.status).toBe('awaiting_customer');
      const question = await visitorGets(v, 'the clarification question', (m) => m.from !== 'customer' && (m.text ?? '').includes('Which printer model?'));
      expect(question.text).toContain(number);
      const toAwaiting = await agent.waitFor('status_changed', (p) => p.requestNumber === number && p.change.to === 'awaiting_customer');
      expect(toAwaiting.change).toMatchObject({ comment: 'Which printer model?', actor: { kind: 'agent', agent: { id: admin.agentId } } });

      const answer = await v.say('HP LaserJet 1020');
      expect(answer.ok).toBe(true);
      const back = await agent.waitFor('status_changed', (p) => p.requestNumber === number && p.change.to === 'in_progress');
      expect(back.change).toMatchObject({ from: 'awaiting_customer', to: 'in_progress', actor: { kind: 'customer', agent: null } });
      const answered = await agent.waitFor('message', (p) => p.requestNumber === number && p.message.text === 'HP LaserJet 1020');
      expect(answered.message).toMatchObject({ id: answer.id, author: 'customer' });

      const solution = 'Reinstall the driver from hp.com and print a test page.';
      const proposed = await admin.post(`/api/requests/${number}/status`, { status: 'solution_provided', comment: solution });
      expect(proposed.status).toBe(200);
      const notice = await visitorGets(v, 'the proposed solution', (m) => m.from !== 'customer' && (m.text ?? '').includes(solution));
      expect(notice.choices?.map((c) => c.id)).toEqual(['solved', 'not_solved']);

      expect((await v.press('solved')).ok).toBe(true);
      const closed = await agent.waitFor('status_changed', (p) => p.requestNumber === number && p.change.to === 'closed');
      expect(closed.change).toMatchObject({ from: 'solution_provided', actor: { kind: 'customer' } });
      const view = await admin.get(`/api/requests/${number}`);
      expect(view.body).toMatchObject({ number, status: 'closed', closedAt: expect.any(String) });
      expect(view.body.statusHistory.map((c: { to: string }) => c.to)).toEqual(['new', 'awaiting_customer', 'in_progress', 'solution_provided', 'closed']);
    });

    it('shows who is typing: the visitor to agents, an agent to the visitor and to the other agents only', async () => {
      const { v, number } = await openRequest('Keyboard types wrong letters');
      const created = await admin.post('/api/agents', { email: 'olga@example.com', name: 'Olga', password: 'olga-password-1', role: 'agent' });
      expect(created.status).toBe(201);
      const olga = await AgentClient.login(base, { email: 'olga@example.com', password: 'olga-password-1' });
      const olgaSocket = await agentSocket({ token: olga.session.token }).ready();

      v.socket.emit('typing', { typing: true });
      expect(await agent.waitFor('customer_typing', (p) => p.requestNumber === number)).toEqual({ requestNumber: number, typing: true });
      await olgaSocket.waitFor('customer_typing', (p) => p.requestNumber === number && p.typing);

      agent.socket.emit('typing', { requestNumber: number, typing: true });
      await waitUntil('the agent typing indicator at the visitor', () => v.typing.includes(true), DELIVERY_DEADLINE_MS);
      const seen = await olgaSocket.waitFor('agent_typing', (p) => p.requestNumber === number);
      expect(seen).toEqual({ requestNumber: number, agent: { id: admin.agentId, name: admin.session.agent.name }, typing: true });

      // Olga types too: once her indicator reaches the admin, the admin's own would have come before it.
      olgaSocket.socket.emit('typing', { requestNumber: number, typing: true });
      await agent.waitFor('agent_typing', (p) => p.requestNumber === number && p.agent.id === olga.agentId);
      expect(agent.events('agent_typing').filter((p) => p.agent.id === admin.agentId)).toEqual([]);
      await waitUntil('two typing indicators at the visitor', () => v.typing.filter(Boolean).length >= 2, DELIVERY_DEADLINE_MS);
      expect(olgaSocket.events('agent_typing').filter((p) => p.agent.id === olga.agentId)).toEqual([]);

      agent.socket.emit('typing', { requestNumber: number, typing: false });
      await waitUntil('the agent typing indicator switched off', () => v.typing.at(-1) === false, DELIVERY_DEADLINE_MS);
    });

    it('lets only agent sessions into /agents, and ends a socket with its session', async () => {
      await expect(agentSocket({}).ready()).rejects.toMatchObject({ message: 'unauthorized' });

      const v = await visitor().ready();
      await expect(agentSocket({ token: v.session!.token }).ready()).rejects.toMatchObject({ message: 'unauthorized' });
      await expect(agentSocket({ token: 'rd_not-a-session' }).ready()).rejects.toMatchObject({ message: 'unauthorized' });

      // A session of its own, so the file's socket stays connected.
      const session = await AgentClient.login(base);
      expect(session.cookie).toMatch(/^relaydesk_session=/);
      await expect(agentSocket({ cookie: session.cookie!, origin: 'https://evil.example' }).ready()).rejects.toMatchObject({ message: 'unauthorized' });
      const viaCookie = await agentSocket({ cookie: session.cookie!, origin: base }).ready();
      expect(viaCookie.events('ready')[0]!.agent).toMatchObject({ id: admin.agentId, email: ADMIN.email });
      const viaToken = await agentSocket({ token: session.session.token }).ready();

      const ended = [disconnected(viaCookie), disconnected(viaToken)];
      const logout = await session.post('/api/auth/logout');
      expect(logout.status).toBe(204);
      expect(await Promise.all(ended)).toEqual(['io server disconnect', 'io server disconnect']);
      await expect(agentSocket({ token: session.session.token }).ready()).rejects.toMatchObject({ message: 'unauthorized' });
      await expect(agentSocket({ cookie: session.cookie!, origin: base }).ready()).rejects.toMatchObject({ message: 'unauthorized' });
      // Other sessions of the same agent are not touched.
      expect(agent.socket.connected).toBe(true);
    });

    it('tells agents when a delivery fails for good, and shows the customer unreachable', async () => {
      const who = 'tc-blocked-customer';
      const number = await fileRequest(testChannel, who, { subject: 'Mail does not sync', displayName: 'Boris' });
      const { request } = await agent.waitFor('request_created', (p) => p.request.number === number);
      expect(request.customer).toMatchObject({ channel: 'test', reachable: true });

      testChannel.failAlways(new ChannelError('unreachable', 'blocked'));
      const res = await admin.post(`/api/requests/${number}/messages`, { text: 'Please restart the mail app.' });
      expect(res.status).toBe(201);
      const messageId: string = res.body.id;

      const status = await agent.waitFor('message_status', (p) => p.messageId === messageId);
      expect(status).toMatchObject({ requestNumber: number, deliveryState: 'failed', deliveryError: expect.stringContaining('blocked') });
      const row = await agent.waitFor('request_updated', (p) => p.request.number === number && !p.request.customer.reachable);
      expect(row.request.customer.reachable).toBe(false);

      const view = await admin.get(`/api/requests/${number}`);
      expect(view.status).toBe(200);
      expect(view.body.customer).toMatchObject({ channel: 'test', displayName: 'Boris', reachable: false });
      const failed = view.body.messages.find((m: { id: string }) => m.id === messageId);
      expect(failed).toMatchObject({ deliveryState: 'failed', deliveryError: status.deliveryError, text: 'Please restart the mail app.' });
      expect(failed.deliveryError).toContain('blocked');
      expect(testChannel.textsTo(who)).not.toContain('Please restart the mail app.');
    });

    // The gateway announces a step's events in the order they happened; agents must get them in that order too.
    describe('order of events', () => {
      afterEach(() => vi.restoreAllMocks());

      /** Where the first event about `number` of kind `event` is in what `s` received; -1 if none. */
      const positionOf = (s: AgentSocket, event: string, number: string) =>
        s.received.findIndex((r) => r.event === event && r.payload !== undefined && ('request' in r.payload ? r.payload.request.number : 'requestNumber' in r.payload ? r.payload.requestNumber : null) === number);

      it('announces a new request before any message or row update about it, even when counting its unread messages is slow', async () => {
        // A database under load: the unread count `request_created` carries is the slowest read of the step's events.
        const listItem = ConsoleQueries.prototype.listItem;
        vi.spyOn(ConsoleQueries.prototype, 'listItem').mockImplementation(async function (this: ConsoleQueries, ...args) {
          if (args[1] === 'all') await new Promise((r) => setTimeout(r, 300));
          return listItem.apply(this, args);
        });
        const v = await visitor().ready();
        const number = await webchatIntake(v, 'Order check of a new request');
        await agent.waitFor('request_created', (p) => p.request.number === number);
        await agent.waitFor('message', (p) => p.requestNumber === number);
        await agent.waitFor('request_updated', (p) => p.request.number === number);
        const order = { request_created: positionOf(agent, 'request_created', number), message: positionOf(agent, 'message', number), request_updated: positionOf(agent, 'request_updated', number) };
        // A client cannot file a message, or update a row, under a request it has not been told about.
        expect(order.request_created, `positions of the first events of ${number}: ${JSON.stringify(order)}`).toBeLessThan(Math.min(order.message, order.request_updated));
      });

      it("shows a reply's delivery status only after the reply, even when reading its list row is slow", async () => {
        const { v, number } = await openRequest('Order check of a reply');
        // A database under load: reading a list row takes longer than delivering a web chat message.
        const listItem = ConsoleQueries.prototype.listItem;
        vi.spyOn(ConsoleQueries.prototype, 'listItem').mockImplementation(async function (this: ConsoleQueries, ...args) {
          await new Promise((r) => setTimeout(r, 300));
          return listItem.apply(this, args);
        });
        const res = await admin.post(`/api/requests/${number}/messages`, { text: 'Reply whose status must come second' });
        expect(res.status).toBe(201);
        const messageId: string = res.body.id;
        await visitorGets(v, 'the reply', (m) => m.id === messageId, DELIVERY_DEADLINE_MS);
        await agent.waitFor('message', (p) => p.message.id === messageId);
        await agent.waitFor('message_status', (p) => p.messageId === messageId);
        const shownAt = agent.received.findIndex((r) => r.event === 'message' && r.payload.message.id === messageId);
        const statusAt = agent.received.findIndex((r) => r.event === 'message_status' && r.payload.messageId === messageId);
        // A console drops the status of a message it does not have yet, and then shows the reply `pending` for good.
        expect(shownAt, 'the `message` event of the reply comes before its `message_status`').toBeLessThan(statusAt);
      });
    });
  });
}

/**
 * The agent REST API against a whole gateway on a real database: every route,
 * authentication and authorisation, validation, and the status graph as the
 * customer lives it (clarification, solution, solved / not solved, auto-close).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { startTestApp } from '../support/app.js';
import { BACKENDS, type BackendEnv } from '../support/backends.js';
import { TestChannel } from '../support/test-channel.js';
import { ADMIN, ADMIN_ENV, AgentClient, baseOf, fileRequest, type Json } from './console-client.js';

const png = await readFile(new URL('../fixtures/screenshot.png', import.meta.url));
const disguised = await readFile(new URL('../fixtures/script-disguised.png', import.meta.url));
const UPLOAD_LIMIT = 64 * 1024;
const DAY = 24 * 3_600_000;
/** A made-up client address (one of 16 million), as a balancer would forward it. */
const randomAddress = () => `10.${randomInt(0, 256)}.${randomInt(0, 256)}.${randomInt(1, 255)}`;

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`agent API: ${backend.name}`, () => {
    let env: BackendEnv;
    let app: App;
    let base: string;
    let admin: AgentClient;
    const channel = new TestChannel();
    /** The gateway's clock: tests move it forward to reach the auto-close. */
    let offsetMs = 0;

    beforeAll(async () => {
      env = await backend.setup();
      app = await startTestApp({
        ...env,
        channels: [channel],
        clock: () => new Date(Date.now() + offsetMs),
        // Failed sign-ins come from made-up client addresses (X-Forwarded-For): the limiter's
        // counts live in the Redis every test shares, and must not block other tests' sign-ins.
        env: { ...ADMIN_ENV, UPLOAD_MAX_BYTES: String(UPLOAD_LIMIT), AGENT_SESSION_TTL: '60d', LOGIN_RATE: '4/15m', AUTO_CLOSE_AFTER: '7d', TRUST_PROXY: 'true' },
      });
      base = baseOf(app);
      admin = await AgentClient.login(base);
    });
    afterAll(async () => {
      await app?.stop();
      await env?.cleanup();
    });

    const signIn = (credentials: { email: string; password: string }, address: string) =>
      fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
        body: JSON.stringify(credentials),
      });

    describe('authentication', () => {
      it('refuses every API route without a session, and a web chat visitor token', async () => {
        const doc = (await (await fetch(`${base}/docs/json`)).json()) as { paths: Record<string, Record<string, unknown>> };
        const routes = Object.entries(doc.paths).flatMap(([path, methods]) =>
          Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path: path.replace(/\{[^}]+\}/g, 'SR-1001') })),
        );
        expect(routes.length).toBeGreaterThanOrEqual(14);
        for (const { method, path } of routes) {
          if (path === '/api/auth/login') continue;
          const headers: Record<string, string> = method === 'GET' ? {} : { 'content-type': 'application/json' };
          const body = method === 'GET' ? undefined : '{}';
          const anonymous = await fetch(`${base}${path}`, { method, headers, ...(body ? { body } : {}) });
          expect(anonymous.status, `${method} ${path}`).toBe(401);
          expect(((await anonymous.json()) as { error: { code: string } }).error.code).toBe('unauthorized');
          const visitor = await fetch(`${base}${path}`, {
            method,
            headers: { ...headers, authorization: 'Bearer v1.01234567-89ab-cdef-0123-456789abcdef.c2lnbmF0dXJl' },
            ...(body ? { body } : {}),
          });
          expect(visitor.status, `${method} ${path} with a visitor token`).toBe(401);
        }
      });

      it('refuses a wrong password with the same answer as an unknown email', async () => {
        const wrong = await signIn({ email: ADMIN.email, password: 'nope-nope-nope' }, randomAddress());
        const unknown = await signIn({ email: 'ghost@example.com', password: 'nope-nope-nope' }, randomAddress());
        expect([wrong.status, unknown.status]).toEqual([401, 401]);
        expect(await wrong.json()).toEqual(await unknown.json());
      });

      it('gives a session cookie that is httpOnly and SameSite, and needs the CSRF token for changes', async () => {
        const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
        const cookie = res.headers.get('set-cookie') ?? '';
        expect(cookie).toMatch(/^relaydesk_session=rd_/);
        expect(cookie).toMatch(/HttpOnly/i);
        expect(cookie).toMatch(/SameSite=Strict/i);
        const me = await admin.call('GET', '/api/auth/me', undefined, { viaCookie: true });
        expect(me.status).toBe(200);
        expect(me.body.agent.email).toBe(ADMIN.email);
        expect(me.body.token).toBeUndefined();
        const withoutCsrf = await admin.call('POST', '/api/canned-responses', { title: 'x', text: 'y' }, { viaCookie: true, csrf: false });
        expect(withoutCsrf.status).toBe(403);
        expect(withoutCsrf.body.error.message).toContain('x-csrf-token');
        const wrongCsrf = await admin.call('POST', '/api/canned-responses', { title: 'x', text: 'y' }, { viaCookie: true, csrf: false, headers: { 'x-csrf-token': 'forged' } });
        expect(wrongCsrf.status).toBe(403);
        const withCsrf = await admin.call('POST', '/api/canned-responses', { title: 'Cookie', text: 'made with the cookie' }, { viaCookie: true });
        expect(withCsrf.status).toBe(201);
      });

      it('ends the session on logout', async () => {
        const session = await AgentClient.login(base);
        expect((await session.get('/api/auth/me')).status).toBe(200);
        expect((await session.post('/api/auth/logout')).status).toBe(204);
        expect((await session.get('/api/auth/me')).status).toBe(401);
        expect((await admin.get('/api/auth/me')).status).toBe(200);
      });
    });

    describe('requests', () => {
      let number: string;
      const who = 'api-customer-1';

      beforeAll(async () => {
        number = await fileRequest(channel, who, { subject: 'VPN drops every hour', description: 'The VPN client disconnects every hour on the hour.', screenshot: png, displayName: 'Olga Ivanova' });
      });

      it('lists requests newest activity first, with filters, search and a cursor', async () => {
        const second = await fileRequest(channel, 'api-customer-2', { subject: 'Need a licence for Visio', description: 'Please tell me how to get a Visio licence.', displayName: 'Pavel Sidorov' });
        const third = await fileRequest(channel, 'api-customer-3', { subject: 'Mail is slow', description: 'Outlook takes a minute to open a message.' });
        const all = await admin.get('/api/requests');
        expect(all.status).toBe(200);
        const numbers = all.body.requests.map((r: { number: string }) => r.number);
        expect(numbers.slice(0, 3)).toEqual([third, second, number]);
        const row = all.body.requests.find((r: { number: string }) => r.number === number);
        expect(row).toMatchObject({ subject: 'VPN drops every hour', status: 'new', channel: 'test', customer: { displayName: 'Olga Ivanova', reachable: true }, assignee: null });
        expect(row.unread).toBeGreaterThan(0);
        expect(row.lastMessage).toMatchObject({ author: 'bot' });

        const page1 = await admin.get('/api/requests?limit=2');
        expect(page1.body.requests).toHaveLength(2);
        expect(page1.body.nextCursor).toEqual(expect.any(String));
        const page2 = await admin.get(`/api/requests?limit=2&cursor=${page1.body.nextCursor}`);
        expect(page2.body.requests[0].number).toBe(number);
        expect((await admin.get('/api/requests?cursor=garbage')).status).toBe(400);

        const byName = await admin.get(`/api/requests?q=${encodeURIComponent('sidorov')}`);
        expect(byName.body.requests.map((r: { number: string }) => r.number)).toEqual([second]);
        const byDescription = await admin.get(`/api/requests?q=${encodeURIComponent('outlook')}`);
        expect(byDescription.body.requests.map((r: { number: string }) => r.number)).toEqual([third]);
        const byNumber = await admin.get(`/api/requests?q=${number.toLowerCase()}`);
        expect(byNumber.body.requests.map((r: { number: string }) => r.number)).toContain(number);
        expect((await admin.get('/api/requests?status=closed')).body.requests).toEqual([]);
        expect((await admin.get('/api/requests?status=new,in_progress&type=incident&channel=test')).body.requests.length).toBeGreaterThanOrEqual(3);
        expect((await admin.get('/api/requests?type=consultation')).body.requests).toEqual([]);
        const bad = await admin.get('/api/requests?status=open');
        expect(bad.status).toBe(400);
        expect(bad.body.error.code).toBe('bad_request');
      });

      it('shows a request with its customer, conversation, screenshot and history', async () => {
        const view = await admin.get(`/api/requests/${number}`);
        expect(view.status).toBe(200);
        expect(view.body).toMatchObject({ number, description: 'The VPN client disconnects every hour on the hour.', status: 'new', closedAt: null });
        expect(view.body.statusHistory).toEqual([expect.objectContaining({ from: null, to: 'new', actor: { kind: 'customer', agent: null } })]);
        const authors = view.body.messages.map((m: { author: string }) => m.author);
        expect(authors).toContain('customer');
        expect(authors).toContain('bot');
        expect(view.body.attachments).toHaveLength(1);
        const shot = view.body.attachments[0];
        expect(shot).toMatchObject({ mimeType: 'image/png', size: png.length, url: `/api/attachments/${shot.id}` });
        const withShot = view.body.messages.find((m: { attachments: unknown[] }) => m.attachments.length > 0);
        expect(withShot.author).toBe('customer');

        const file = await admin.get(shot.url);
        expect(file.status).toBe(200);
        expect(file.headers.get('content-type')).toBe('image/png');
        expect(file.headers.get('x-content-type-options')).toBe('nosniff');
        expect(Buffer.compare(file.body, png)).toBe(0);
        expect((await admin.get('/api/attachments/00000000-0000-7000-8000-000000000000')).status).toBe(404);
        expect((await admin.get('/api/requests/SR-999999')).status).toBe(404);
        expect((await admin.get(`/api/requests/${number.toLowerCase()}`)).body.number).toBe(number);
      });

      it('marks a request read and counts new customer messages as unread', async () => {
        expect((await admin.post(`/api/requests/${number}/read`)).status).toBe(204);
        const row = async () => (await admin.get('/api/requests')).body.requests.find((r: { number: string }) => r.number === number);
        expect((await row()).unread).toBe(0);
        const sent = channel.textsTo(who).length;
        await channel.say(who, { text: 'It happened again at 10:00.' });
        await channel.waitFor(who, sent + 1);
        expect((await row()).unread).toBe(1);
        await admin.post('/api/agents', { email: 'reader@example.com', name: 'Reader', password: 'reader-password-1' });
        const other = await AgentClient.login(base, { email: 'reader@example.com', password: 'reader-password-1' });
        expect((await other.post(`/api/requests/${number}/read`)).status).toBe(204);
        expect((await row()).unread).toBe(1); // read marks are per agent
        const theirs = (await other.get('/api/requests')).body.requests.find((r: { number: string }) => r.number === number);
        expect(theirs.unread).toBe(0);
      });

      it('relays a reply to the customer and keeps an internal note from them', async () => {
        const sent = channel.textsTo(who).length;
        const note = await admin.post(`/api/requests/${number}/messages`, { text: 'Looks like the DHCP lease issue again', internal: true });
        expect(note.status).toBe(201);
        expect(note.body).toMatchObject({ author: 'agent', internal: true, deliveryState: 'internal', agent: { id: admin.agentId } });
        const customerId = (await app.store.getRequest(number))!.customer.id;
        const conversation = await app.store.loadConversation(customerId);
        const reply = await admin.post(`/api/requests/${number}/messages`, { text: 'Please restart the VPN client and tell me if it helps.' });
        expect(reply.status).toBe(201);
        // A reply leaves the conversation where it was: its snapshot is not written again.
        expect(await app.store.loadConversation(customerId)).toEqual(conversation);
        expect(reply.body).toMatchObject({ author: 'agent', internal: false, deliveryState: 'pending' });
        const delivered = await channel.waitFor(who, sent + 1);
        expect(delivered.at(-1)!.message).toMatchObject({ author: 'agent', text: 'Please restart the VPN client and tell me if it helps.' });
        await app.outbox.flush();
        expect(channel.textsTo(who).slice(sent)).toEqual(['Please restart the VPN client and tell me if it helps.']);

        const view = await admin.get(`/api/requests/${number}`);
        expect(view.body.status).toBe('in_progress'); // the first reply takes a new request into work
        const agentMessages = view.body.messages.filter((m: { author: string }) => m.author === 'agent');
        expect(agentMessages.map((m: { internal: boolean; deliveryState: string }) => [m.internal, m.deliveryState])).toEqual([[true, 'internal'], [false, 'sent']]);
        expect(view.body.statusHistory.at(-1)).toMatchObject({ from: 'new', to: 'in_progress', actor: { kind: 'agent', agent: { id: admin.agentId, name: 'Admin' } } });
      });

      it('sends an image with a reply, checked by content', async () => {
        const upload = async (data: Buffer, name: string) => {
          const form = new FormData();
          form.append('file', new Blob([new Uint8Array(data)]), name);
          const res = await fetch(`${base}/api/requests/${number}/attachments`, { method: 'POST', body: form, headers: { authorization: `Bearer ${admin.session.token}` } });
          return { status: res.status, body: (await res.json()) as Json };
        };
        expect((await upload(disguised, 'cat.png')).status).toBe(415);
        expect((await upload(Buffer.alloc(UPLOAD_LIMIT + 1, 1), 'big.png')).status).toBe(413);
        const image = await upload(png, 'steps.png');
        expect(image.status).toBe(201);
        expect(image.body).toMatchObject({ mimeType: 'image/png', size: png.length, fileName: 'steps.png' });

        const sent = channel.textsTo(who).length;
        const reply = await admin.post(`/api/requests/${number}/messages`, { text: 'These are the settings to use.', attachmentIds: [image.body.id] });
        expect(reply.status).toBe(201);
        expect(reply.body.attachments).toEqual([expect.objectContaining({ id: image.body.id })]);
        const delivered = (await channel.waitFor(who, sent + 1)).at(-1)!.message;
        expect(delivered.text).toBe('These are the settings to use.');
        expect(delivered.attachments?.map((a) => a.mimeType)).toEqual(['image/png']);
        expect(Buffer.compare(await delivered.attachments![0]!.read(), png)).toBe(0);
        // A file goes out once, and only to the customer it was uploaded for.
        expect((await admin.post(`/api/requests/${number}/messages`, { attachmentIds: [image.body.id] })).status).toBe(422);
        const imageOnly = await upload(png, 'again.png');
        expect((await admin.post(`/api/requests/${number}/messages`, { attachmentIds: [imageOnly.body.id] })).status).toBe(201);
        expect((await admin.post(`/api/requests/${number}/messages`, { text: 'note', internal: true, attachmentIds: [imageOnly.body.id] })).status).toBe(400);
      });

      it('validates message bodies', async () => {
        for (const body of [{}, { text: '' }, { text: '   ' }, { text: 'x'.repeat(10_001) }, { text: 42 }, { text: 'ok', internal: 'yes' }]) {
          const res = await admin.post(`/api/requests/${number}/messages`, body);
          expect(res.status, JSON.stringify(body).slice(0, 40)).toBe(400);
          expect(res.body.error.code).toBe('bad_request');
        }
        const malformed = await fetch(`${base}/api/requests/${number}/messages`, { method: 'POST', headers: { authorization: `Bearer ${admin.session.token}`, 'content-type': 'application/json' }, body: '{"text":' });
        expect(malformed.status).toBe(400);
        expect((await admin.post('/api/requests/SR-999999/messages', { text: 'hello' })).status).toBe(404);
      });

      it('asks for clarification: the customer gets the question and their answer moves it back to in progress', async () => {
        const sent = channel.textsTo(who).length;
        const asked = await admin.post(`/api/requests/${number}/status`, { status: 'awaiting_customer', comment: 'Which VPN client version do you use?' });
        expect(asked.status).toBe(200);
        expect(asked.body.status).toBe('awaiting_customer');
        const question = await channel.waitFor(who, sent + 1);
        expect(question.at(-1)!.message.text).toContain('Which VPN client version do you use?');
        await channel.say(who, { text: 'Version 5.2.1' });
        await channel.waitFor(who, sent + 2);
        const view = await admin.get(`/api/requests/${number}`);
        expect(view.body.status).toBe('in_progress');
        expect(view.body.statusHistory.at(-1)).toMatchObject({ from: 'awaiting_customer', to: 'in_progress', actor: { kind: 'customer' } });
        expect(view.body.messages.some((m: { author: string; text: string }) => m.author === 'customer' && m.text === 'Version 5.2.1')).toBe(true);
      });

      it('provides a solution: "not solved" reopens the request, "solved" closes it', async () => {
        let sent = channel.textsTo(who).length;
        const solved = await admin.post(`/api/requests/${number}/status`, { status: 'solution_provided', comment: 'Update the client to 5.3.' });
        expect(solved.status).toBe(200);
        const notice = (await channel.waitFor(who, sent + 1)).at(-1)!.message;
        expect(notice.text).toContain('Update the client to 5.3.');
        expect(notice.choices?.map((c) => c.id)).toEqual(['solved', 'not_solved']);
        await channel.say(who, { choiceId: 'not_solved' });
        await channel.waitFor(who, sent + 2);
        expect((await admin.get(`/api/requests/${number}`)).body.status).toBe('in_progress');

        sent = channel.textsTo(who).length;
        await admin.post(`/api/requests/${number}/status`, { status: 'solution_provided', comment: 'Then reinstall it, please.' });
        await channel.waitFor(who, sent + 1);
        await channel.say(who, { choiceId: 'solved' });
        await channel.waitFor(who, sent + 2);
        const view = await admin.get(`/api/requests/${number}`);
        expect(view.body.status).toBe('closed');
        expect(view.body.closedAt).toEqual(expect.any(String));
        // The customer's answer is part of the request's conversation, for agents to see.
        const answer = view.body.messages.filter((m: Json) => m.author === 'customer').at(-1);
        const question = view.body.messages.filter((m: Json) => m.choices.some((c: Json) => c.id === 'solved')).at(-1);
        expect(BigInt(answer.id)).toBeGreaterThan(BigInt(question.id));
        expect(view.body.statusHistory.slice(-4).map((c: { to: string; actor: { kind: string } }) => `${c.to}:${c.actor.kind}`)).toEqual([
          'solution_provided:agent', 'in_progress:customer', 'solution_provided:agent', 'closed:customer',
        ]);
      });

      it('refuses a move the status graph does not allow, and a question or solution without a comment', async () => {
        const closed = await admin.post(`/api/requests/${number}/status`, { status: 'solution_provided', comment: 'again' });
        expect(closed.status).toBe(409);
        expect(closed.body.error.code).toBe('conflict');
        for (const status of ['awaiting_customer', 'solution_provided']) {
          const res = await admin.post(`/api/requests/${number}/status`, { status });
          expect(res.status).toBe(400);
          expect(res.body.error.message).toContain('comment');
        }
        expect((await admin.post(`/api/requests/${number}/status`, { status: 'new', comment: null })).status).toBe(400);
        const reopened = await admin.post(`/api/requests/${number}/status`, { status: 'in_progress', comment: null });
        expect(reopened.status).toBe(200);
        expect(reopened.body.status).toBe('in_progress');
        expect((await admin.post(`/api/requests/${number}/status`, { status: 'closed', comment: 'Duplicate of another request' })).body.status).toBe('closed');
      });

      it('closes a solution the customer leaves unanswered after AUTO_CLOSE_AFTER', async () => {
        const customer = 'api-customer-silent';
        const silent = await fileRequest(channel, customer, { subject: 'Scanner is offline', description: 'The scanner on floor 2 does not show up.' });
        await admin.post(`/api/requests/${silent}/status`, { status: 'solution_provided', comment: 'The scanner is back online.' });
        const sent = (await channel.waitFor(customer, 7)).length;
        offsetMs = 6 * DAY;
        expect(await app.console.autoClose.runOnce()).toBe(0);
        offsetMs = 7 * DAY + 60_000;
        expect(await app.console.autoClose.runOnce()).toBe(1);
        const view = await admin.get(`/api/requests/${silent}`);
        expect(view.body.status).toBe('closed');
        expect(view.body.statusHistory.at(-1)).toMatchObject({ from: 'solution_provided', to: 'closed', actor: { kind: 'system', agent: null } });
        const told = await channel.waitFor(customer, sent + 1);
        expect(told.at(-1)!.message.text).toContain(silent);
        expect(await app.console.autoClose.runOnce()).toBe(0);
        offsetMs = 0;
      });

      it('assigns to an agent, filters by assignee, and unassigns', async () => {
        const mine = await admin.post(`/api/requests/${number}/assign`, { agentId: admin.agentId });
        expect(mine.status).toBe(200);
        expect(mine.body.assignee).toEqual({ id: admin.agentId, name: 'Admin' });
        expect((await admin.get('/api/requests?assignee=me')).body.requests.map((r: { number: string }) => r.number)).toEqual([number]);
        expect((await admin.get(`/api/requests?assignee=${admin.agentId}`)).body.requests.map((r: { number: string }) => r.number)).toEqual([number]);
        expect((await admin.get('/api/requests?assignee=none')).body.requests.map((r: { number: string }) => r.number)).not.toContain(number);
        expect((await admin.post(`/api/requests/${number}/assign`, { agentId: '00000000-0000-7000-8000-000000000000' })).status).toBe(404);
        expect((await admin.post(`/api/requests/${number}/assign`, {})).status).toBe(400);
        const none = await admin.post(`/api/requests/${number}/assign`, { agentId: null });
        expect(none.body.assignee).toBeNull();
      });
    });

    describe('agents and canned responses', () => {
      let agent: AgentClient;

      beforeAll(async () => {
        const created = await admin.post('/api/agents', { email: 'Maria@Example.com', name: 'Maria', password: 'maria-password-1' });
        expect(created.status).toBe(201);
        expect(created.body).toMatchObject({ email: 'maria@example.com', name: 'Maria', role: 'agent', active: true });
        agent = await AgentClient.login(base, { email: 'maria@example.com', password: 'maria-password-1' });
      });

      it('lets admins manage agents and refuses agents', async () => {
        expect((await admin.post('/api/agents', { email: 'maria@example.com', name: 'Maria 2', password: 'maria-password-2' })).status).toBe(409);
        expect((await admin.post('/api/agents', { email: 'not-an-email', name: 'X', password: 'long-enough-1' })).status).toBe(400);
        expect((await admin.post('/api/agents', { email: 'short@example.com', name: 'X', password: 'short' })).status).toBe(400);
        expect((await agent.post('/api/agents', { email: 'eve@example.com', name: 'Eve', password: 'eve-password-1' })).status).toBe(403);
        expect((await agent.call('PATCH', `/api/agents/${agent.agentId}`, { role: 'admin' })).status).toBe(403);
        const list = await agent.get('/api/agents');
        expect(list.status).toBe(200);
        expect(list.body.agents.map((a: { email: string }) => a.email)).toEqual(expect.arrayContaining([ADMIN.email, 'maria@example.com']));
        expect(JSON.stringify(list.body)).not.toContain('passwordHash');
        expect((await admin.call('PATCH', `/api/agents/${agent.agentId}`, {})).status).toBe(400);
      });

      it('keeps the last active admin', async () => {
        const demote = await admin.call('PATCH', `/api/agents/${admin.agentId}`, { role: 'agent' });
        expect(demote.status).toBe(409);
        expect(demote.body.error.message).toContain('last active admin');
        expect((await admin.call('PATCH', `/api/agents/${admin.agentId}`, { active: false })).status).toBe(409);
      });

      it('lets only one of two admins demoting each other at the same moment succeed', async () => {
        const created = await admin.post('/api/agents', { email: `rival-${randomUUID()}@example.com`, name: 'Rival', password: 'rival-password-1', role: 'admin' });
        const rival = await AgentClient.login(base, { email: created.body.email, password: 'rival-password-1' });
        const [a, b] = await Promise.all([
          admin.call('PATCH', `/api/agents/${rival.agentId}`, { role: 'agent' }),
          rival.call('PATCH', `/api/agents/${admin.agentId}`, { role: 'agent' }),
        ]);
        // One wins; the other is refused, as the last admin (409) or, if the first change landed before its
        // request was even authorised, as an agent no longer allowed to (403).
        expect([a.status, b.status].filter((s) => s === 200)).toHaveLength(1);
        expect([a.status, b.status].filter((s) => s === 409 || s === 403)).toHaveLength(1);
        const admins = (await admin.get('/api/agents')).body.agents.filter((x: Json) => x.role === 'admin' && x.active);
        expect(admins.length).toBeGreaterThanOrEqual(1);
        // Put things back for the tests after this one.
        if (b.status === 200) await rival.call('PATCH', `/api/agents/${admin.agentId}`, { role: 'admin' });
      });

      it('lets an agent delete their own canned responses but not others\'', async () => {
        const mine = await agent.post('/api/canned-responses', { title: 'Restart', text: 'Please restart the application.' });
        expect(mine.status).toBe(201);
        expect(mine.body.createdBy).toEqual({ id: agent.agentId, name: 'Maria' });
        const admins = await admin.post('/api/canned-responses', { title: 'Greeting', text: 'Hello! I am looking into it.' });
        const list = await agent.get('/api/canned-responses');
        expect(list.body.cannedResponses.map((c: { title: string }) => c.title)).toEqual(expect.arrayContaining(['Restart', 'Greeting']));
        expect((await agent.call('DELETE', `/api/canned-responses/${admins.body.id}`)).status).toBe(403);
        expect((await agent.call('DELETE', `/api/canned-responses/${mine.body.id}`)).status).toBe(204);
        expect((await admin.call('DELETE', `/api/canned-responses/${admins.body.id}`)).status).toBe(204);
        expect((await admin.call('DELETE', `/api/canned-responses/${admins.body.id}`)).status).toBe(404);
        expect((await agent.post('/api/canned-responses', { title: '', text: 'x' })).status).toBe(400);
      });

      it('ends the sessions of a deactivated agent and refuses their sign-in', async () => {
        expect((await agent.get('/api/auth/me')).status).toBe(200);
        const off = await admin.call('PATCH', `/api/agents/${agent.agentId}`, { active: false });
        expect(off.body.active).toBe(false);
        expect((await agent.get('/api/auth/me')).status).toBe(401);
        expect((await signIn({ email: 'maria@example.com', password: 'maria-password-1' }, randomAddress())).status).toBe(401);
        await admin.call('PATCH', `/api/agents/${agent.agentId}`, { active: true, password: 'maria-password-2' });
        const back = await AgentClient.login(base, { email: 'maria@example.com', password: 'maria-password-2' });
        expect((await back.get('/api/auth/me')).body.agent.active).toBe(true);
      });
    });

    it('serves the OpenAPI document and its viewer at /docs', async () => {
      const doc = (await (await fetch(`${base}/docs/json`)).json()) as Json;
      expect(doc.openapi).toMatch(/^3\./);
      expect(doc.paths['/api/requests/{number}/status'].post.requestBody.content['application/json'].schema).toBeDefined();
      expect(doc.components.schemas.Request).toBeDefined();
      expect((await fetch(`${base}/docs`)).status).toBe(200);
    });

    it('rate-limits failed sign-ins per email and per address', async () => {
      const email = `target-${randomUUID()}@example.com`;
      await admin.post('/api/agents', { email, name: 'Target', password: 'target-password-1' });
      // LOGIN_RATE is 4/15m: four failures for one email, from four addresses, block that email.
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await signIn({ email, password: `wrong-${i}` }, randomAddress())).status);
      expect(statuses).toEqual([401, 401, 401, 401, 429, 429]);
      const blocked = await signIn({ email, password: 'target-password-1' }, randomAddress());
      expect(blocked.status).toBe(429); // even the right password, until the window ends
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await blocked.json()) as Json).error.code).toBe('rate_limited');
      // Four failures from one address, on four emails, block that address for every email.
      const address = randomAddress();
      for (let i = 0; i < 4; i++) expect((await signIn({ email: `ghost-${i}-${randomUUID()}@example.com`, password: 'x' }, address)).status).toBe(401);
      expect((await signIn(ADMIN, address)).status).toBe(429);
      expect((await signIn(ADMIN, randomAddress())).status).toBe(200);
      expect((await admin.get('/api/auth/me')).status).toBe(200); // existing sessions are unaffected

      // Attempts sent all at once are counted before any password is checked.
      const burstEmail = `burst-${randomUUID()}@example.com`;
      const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => signIn({ email: burstEmail, password: `guess-${i}` }, randomAddress())));
      const checked = burst.filter((r) => r.status === 401).length;
      expect(checked).toBe(4);
      expect(burst.filter((r) => r.status === 429)).toHaveLength(16);
    });
  });
}

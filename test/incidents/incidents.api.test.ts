/**
 * Mass incidents through the agent API, on a whole gateway, on every back end:
 * every route with its errors, the fan-out of an update to each linked
 * customer on their channel and in their language, the solution's cascade and
 * the customers' own answers, and the audit trail in each request's history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { NOT_MINE_ID, incidentChoiceId } from '../../src/conversation/index.js';
import { startTestApp } from '../support/app.js';
import { BACKENDS, type Backend } from '../support/backends.js';
import { waitUntil } from '../support/relay.js';
import { TestChannel } from '../support/test-channel.js';
import { ADMIN_ENV, AgentClient, baseOf, fileRequest, type Json } from '../console/console-client.js';

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`mass incidents over the agent API: ${backend.name}`, () => {
    let env: Awaited<ReturnType<Backend['setup']>>;
    let app: App;
    let channel: TestChannel;
    let admin: AgentClient;

    beforeAll(async () => {
      env = await backend.setup();
      channel = new TestChannel();
      app = await startTestApp({ ...env, channels: [channel], env: ADMIN_ENV });
      admin = await AgentClient.login(baseOf(app));
    });
    afterAll(async () => {
      await app?.stop();
      await env?.cleanup();
    });

    const declare = async (title: string, extra: Json = {}) => {
      const res = await admin.post('/api/incidents', { title, description: 'Payments fail', ...extra });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      return res.body;
    };
    const history = async (number: string) => (await admin.get(`/api/requests/${number}`)).body.statusHistory as Json[];
    /** The customer's request, filed before any incident is open (no offer in the intake). */
    const customerRequest = (who: string, subject = 'Cannot pay') => fileRequest(channel, who, { subject });

    it('declares, lists, links (idempotently), refuses what cannot be linked, unlinks, and records each in the history', async () => {
      const a = await customerRequest('inc-a');
      const b = await customerRequest('inc-b');
      const incident = await declare('Payments are down', { titles: { en: 'Payments are down', ru: 'Не проходят платежи' } });
      // Numbered from the requests' own sequence, with no customer of its own.
      expect(Number(incident.number.split('-')[1])).toBeGreaterThan(Number(b.split('-')[1]));
      expect(incident).toMatchObject({ status: 'new', titles: { ru: 'Не проходят платежи', en: 'Payments are down' }, linkedCount: 0, requests: [] });
      expect((await admin.get(`/api/requests/${incident.number}`)).status).toBe(404);
      const listed = (await admin.get('/api/requests?limit=100')).body.requests.map((r: Json) => r.number);
      expect(listed).not.toContain(incident.number);
      expect((await admin.get('/api/incidents?status=open')).body.incidents.map((i: Json) => i.number)).toContain(incident.number);

      const linked = await admin.post(`/api/incidents/${incident.number}/requests`, { numbers: [a, b] });
      expect(linked.status).toBe(200);
      expect(linked.body).toMatchObject({ linked: [a, b], alreadyLinked: [] });
      expect(linked.body.incident.requests.map((r: Json) => r.number)).toEqual([a, b]);
      const again = await admin.post(`/api/incidents/${incident.number}/requests`, { numbers: [a.toLowerCase()] });
      expect(again.body).toMatchObject({ linked: [], alreadyLinked: [a] });
      const row = (await admin.get(`/api/requests/${a}`)).body;
      expect(row.incident).toEqual({ number: incident.number, title: 'Payments are down', status: 'new' });
      // Still the customer's own request.
      expect(row).toMatchObject({ number: a, status: 'new', channel: 'test' });

      // Linked elsewhere: 409, and nothing of the batch is linked.
      const other = await declare('Mail is slow');
      const c = await customerRequest('inc-c');
      const refused = await admin.post(`/api/incidents/${other.number}/requests`, { numbers: [c, a] });
      expect(refused.status).toBe(409);
      expect(refused.body.error.message).toContain(incident.number);
      expect((await admin.get(`/api/requests/${c}`)).body.incident).toBeNull();
      // An incident cannot be linked to one; a closed request neither; an unknown one is 404.
      expect((await admin.post(`/api/incidents/${other.number}/requests`, { numbers: [incident.number] })).status).toBe(422);
      await admin.post(`/api/requests/${c}/status`, { status: 'closed' });
      expect((await admin.post(`/api/incidents/${other.number}/requests`, { numbers: [c] })).status).toBe(422);
      expect((await admin.post(`/api/incidents/${other.number}/requests`, { numbers: ['SR-999999'] })).status).toBe(404);
      expect((await admin.post('/api/incidents/SR-999999/requests', { numbers: [a] })).status).toBe(404);
      expect((await admin.post(`/api/incidents/${other.number}/requests`, { numbers: [] })).status).toBe(400);

      expect((await admin.call('DELETE', `/api/incidents/${incident.number}/requests/${b}`)).status).toBe(204);
      expect((await admin.call('DELETE', `/api/incidents/${incident.number}/requests/${b}`)).status).toBe(404);
      const events = (await history(b)).filter((h) => h.event !== 'status');
      expect(events.map((h) => [h.event, h.incidentNumber, h.actor.agent?.id])).toEqual([
        ['incident_linked', incident.number, admin.agentId],
        ['incident_unlinked', incident.number, admin.agentId],
      ]);
    });

    it('promotes a request: a new incident from its subject, the request linked to it', async () => {
      const r = await customerRequest('promo-a', 'VPN drops every hour');
      const res = await admin.post(`/api/requests/${r}/promote`);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ title: 'VPN drops every hour', requests: [{ number: r, channel: 'test' }] });
      expect((await admin.post(`/api/requests/${r}/promote`)).status).toBe(409);
      expect((await admin.post(`/api/requests/${res.body.number}/promote`)).status).toBe(409);
      expect((await admin.post('/api/requests/SR-999999/promote')).status).toBe(404);
    });

    it('fans an update out to each linked customer in their language, keeps notes internal, and counts the deliveries', async () => {
      const ru = await customerRequest('fan-ru');
      await channel.say('fan-en', { text: '/lang en' });
      await channel.waitFor('fan-en', 1);
      const en = await customerRequest('fan-en');
      const incident = await declare('Checkout outage', { titles: { ru: 'Сбой оплаты', en: 'Checkout outage' } });
      await admin.post(`/api/incidents/${incident.number}/requests`, { numbers: [ru, en] });
      const before = { ru: channel.textsTo('fan-ru').length, en: channel.textsTo('fan-en').length };

      const note = await admin.post(`/api/incidents/${incident.number}/updates`, { text: 'Root cause: a certificate', internal: true });
      expect(note.status).toBe(202);
      expect(note.body).toMatchObject({ recipients: 0, update: { internal: true } });
      const posted = await admin.post(`/api/incidents/${incident.number}/updates`, { text: 'We are restoring payments.' });
      expect(posted.status).toBe(202);
      expect(posted.body.recipients).toBe(2);

      const [toRu] = (await channel.waitFor('fan-ru', before.ru + 1)).slice(before.ru);
      const [toEn] = (await channel.waitFor('fan-en', before.en + 1)).slice(before.en);
      expect(toRu!.message.text).toContain('Сбой оплаты');
      expect(toRu!.message.text).toContain(ru);
      expect(toRu!.message.text).toContain('We are restoring payments.');
      expect(toEn!.message.text).toContain('Checkout outage');
      expect(toEn!.message.text).toContain(en);
      expect(channel.sent.some((s) => s.message.text?.includes('certificate'))).toBe(false);
      const view = await waitUntil('deliveries counted', async () => {
        const v = (await admin.get(`/api/incidents/${incident.number}`)).body;
        return v.deliveries.delivered === 2 ? v : null;
      });
      expect(view.deliveries).toMatchObject({ delivered: 2, pending: 0, failed: 0, byChannel: { test: { delivered: 2, pending: 0, failed: 0 } } });
      expect(view.latestUpdate.text).toBe('We are restoring payments.');
      expect((await history(ru)).some((h) => h.event === 'incident_update' && h.incidentNumber === incident.number)).toBe(true);
      expect((await admin.post('/api/incidents/SR-999999/updates', { text: 'x' })).status).toBe(404);
      expect((await admin.post(`/api/incidents/${incident.number}/updates`, { text: '' })).status).toBe(400);
    });

    it('cascades a solution to the linked requests; "not solved" takes one out, closing the incident closes the rest', async () => {
      const s = await customerRequest('solve-yes');
      const n = await customerRequest('solve-no');
      const incident = await declare('DNS failure');
      await admin.post(`/api/incidents/${incident.number}/requests`, { numbers: [s, n] });
      const before = channel.textsTo('solve-no').length;

      expect((await admin.post(`/api/incidents/${incident.number}/status`, { status: 'solution_provided' })).status).toBe(400);
      const solved = await admin.post(`/api/incidents/${incident.number}/status`, { status: 'solution_provided', comment: 'DNS records fixed' });
      expect(solved.status).toBe(200);
      const notice = (await channel.waitFor('solve-no', before + 1)).at(-1)!;
      expect(notice.message.text).toContain('DNS records fixed');
      expect(notice.message.choices?.map((c) => c.id)).toEqual(['solved', 'not_solved']);
      await waitUntil('both moved', async () => (await admin.get(`/api/requests/${s}`)).body.status === 'solution_provided');
      const cascade = (await history(s)).find((h) => h.event === 'incident_cascade');
      expect(cascade).toMatchObject({ to: 'solution_provided', comment: 'DNS records fixed', incidentNumber: incident.number, actor: { agent: { id: admin.agentId } } });

      await channel.say('solve-no', { choiceId: 'not_solved' });
      await waitUntil('taken out', async () => (await admin.get(`/api/requests/${n}`)).body.incident === null);
      const left = (await admin.get(`/api/requests/${n}`)).body;
      expect(left.status).toBe('in_progress');
      expect(left.statusHistory.at(-1)).toMatchObject({ event: 'incident_unlinked', comment: 'not_solved', actor: { kind: 'customer' } });

      expect((await admin.post(`/api/incidents/${incident.number}/status`, { status: 'closed', comment: null })).status).toBe(200);
      await waitUntil('closed with it', async () => (await admin.get(`/api/requests/${s}`)).body.status === 'closed');
      expect((await admin.get(`/api/requests/${n}`)).body.status).toBe('in_progress');
      expect((await admin.post(`/api/incidents/${incident.number}/requests`, { numbers: [n] })).status).toBe(409);
    });

    it('offers the open incident at the start of an intake; "yes" files a linked request at once', async () => {
      const incident = await declare('Login page is down', { titles: { en: 'Login page is down', ru: 'Не открывается вход' } });
      await admin.post(`/api/incidents/${incident.number}/updates`, { text: 'Engineers are on it.' });
      await channel.say('offer-yes', { text: 'Hello' });
      const [offer] = await channel.waitFor('offer-yes', 1);
      // Earlier tests left other incidents open: the three newest are offered, this one first, then "something else".
      const ids = offer!.message.choices?.map((c) => c.id) ?? [];
      expect(ids).toHaveLength(4);
      expect(ids[0]).toBe(incidentChoiceId(incident.number));
      expect(ids.at(-1)).toBe(NOT_MINE_ID);
      expect(offer!.message.choices?.[0]?.label).toContain('Не открывается вход');
      await channel.say('offer-yes', { choiceId: incidentChoiceId(incident.number) });
      const confirmed = (await channel.waitFor('offer-yes', 2)).at(-1)!.message.text ?? '';
      const own = /[A-Z]+-\d+/g.exec(confirmed.replace(incident.number, ''))?.[0];
      expect(confirmed).toContain('Engineers are on it.');
      const view = (await admin.get(`/api/incidents/${incident.number}`)).body;
      const joined = view.requests.find((r: Json) => confirmed.includes(r.number));
      expect(joined, `${own} in ${confirmed}`).toBeDefined();
      const request = (await admin.get(`/api/requests/${joined.number}`)).body;
      expect(request).toMatchObject({ type: 'mass_incident', subject: 'Не открывается вход', incident: { number: incident.number } });
      expect(request.statusHistory.map((h: Json) => h.event)).toEqual(['status', 'incident_linked']);

      // /status shows the incident and its latest update.
      await channel.say('offer-yes', { text: '/status' });
      const status = (await channel.waitFor('offer-yes', 3)).at(-1)!.message.text ?? '';
      expect(status).toContain(incident.number);
      expect(status).toContain('Engineers are on it.');
    });

    it('refuses without a session', async () => {
      const res = await fetch(`${baseOf(app)}/api/incidents`);
      expect(res.status).toBe(401);
      const post = await fetch(`${baseOf(app)}/api/incidents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"title":"x"}' });
      expect(post.status).toBe(401);
      // A console session must send its CSRF token with a change.
      expect((await admin.call('POST', '/api/incidents', { title: 'x' }, { viaCookie: true, csrf: false })).status).toBe(403);
    });
  });
}

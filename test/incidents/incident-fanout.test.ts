/**
 * A mass incident's fan-out under stress: written in batches, across a restart
 * in the middle (what was queued is delivered once, what was not is queued by
 * the next run), behind every ordinary message in the outbox, and on two
 * instances sharing PostgreSQL and Redis with web chat visitors connected to
 * the other one.
 */
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { webchatChannel } from '../../src/channels/webchat/index.js';
import { createSqlIncidentStore } from '../../src/incidents/sql.incidents.js';
import { startTestApp } from '../support/app.js';
import { BACKENDS, productionBackend } from '../support/backends.js';
import { startInstances, type Instances } from '../support/instances.js';
import { OpenedClients, visitorGets, waitUntil, webchatIntake } from '../support/relay.js';
import { TestChannel } from '../support/test-channel.js';
import { Visitor } from '../channels/webchat/webchat-client.js';
import { ADMIN_ENV, AgentClient, baseOf, fileRequest } from '../console/console-client.js';

const COPIES = `SELECT m.request_id, count(*)::int AS n FROM message m JOIN incident_update u ON u.id = m.incident_update_id
  WHERE u.incident_id = (SELECT id FROM request WHERE number = $1) GROUP BY m.request_id`;

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`incident fan-out: ${backend.name}`, () => {
    it('survives a restart in the middle: each linked customer gets the update once', async () => {
      const env = await backend.setup();
      const who = ['r1', 'r2', 'r3', 'r4', 'r5'];
      let first = new TestChannel();
      const app = await startTestApp({ ...env, channels: [first], env: ADMIN_ENV });
      let second: Awaited<ReturnType<typeof startTestApp>> | null = null;
      try {
        const admin = await AgentClient.login(baseOf(app));
        const numbers: string[] = [];
        for (const w of who) numbers.push(await fileRequest(first, w));
        const incident = (await admin.post('/api/incidents', { title: 'Storage outage' })).body;
        await admin.post(`/api/incidents/${incident.number}/requests`, { numbers });
        // This run's worker is stopped: the update is posted, and one batch of two is queued, as if it crashed then.
        await app.incidentWorker.stop();
        const store = createSqlIncidentStore(app.db.sql, { requestPrefix: 'SR' });
        await store.postUpdate({ incidentNumber: incident.number, text: 'Disks are being replaced', internal: false, texts: { ru: 'RU \uE000 Disks', en: 'EN \uE000 Disks' }, agentId: admin.agentId, at: new Date() });
        const batch = await store.fanoutBatch(2, new Date());
        expect(batch).toMatchObject({ queued: 2, done: false });
        await waitUntil('the queued two delivered', () => first.sent.filter((s) => s.message.text?.includes('Disks')).length === 2);
        await app.stop();

        const after = new TestChannel();
        second = await startTestApp({ ...env, channels: [after], env: ADMIN_ENV });
        await waitUntil('the other three delivered by the next run', () => after.sent.filter((s) => s.message.text?.includes('Disks')).length === 3);
        const got = [...first.sent, ...after.sent].filter((s) => s.message.text?.includes('Disks'));
        expect(got.map((s) => s.externalId).sort()).toEqual(who);
        // Each copy names the customer's own request.
        for (const s of got) expect(numbers.some((n) => s.message.text?.includes(n))).toBe(true);
        const copies = (await second.db.sql.query<{ n: number }>(COPIES, [incident.number])).rows;
        expect(copies.map((c) => c.n)).toEqual([1, 1, 1, 1, 1]);
        expect(await createSqlIncidentStore(second.db.sql, { requestPrefix: 'SR' }).fanoutBatch(2, new Date())).toBeNull();
      } finally {
        first = null as never;
        await second?.stop();
        if (!second) await app.stop().catch(() => undefined);
        await env.cleanup();
      }
    });

    it('claims a fan-out copy after every ordinary message, whatever their age', async () => {
      const env = await backend.setup();
      const app = await startTestApp({ ...env, channels: [], env: ADMIN_ENV });
      try {
        const { sql } = app.db;
        // A channel no outbox on this instance serves: only the claim below takes these rows.
        await sql.query(`INSERT INTO customer (id, channel, external_id, locale, created_at, updated_at) VALUES
          ('c-bulk', 'ghost', 'bulk', 'ru', now(), now()), ('c-own', 'ghost', 'own', 'ru', now(), now())`);
        await sql.query(`WITH m AS (INSERT INTO message (customer_id, channel, direction, author, text, delivery_state, created_at)
          VALUES ('c-bulk', 'ghost', 'outbound', 'agent', 'update', 'pending', now()) RETURNING id)
          INSERT INTO outbox (message_id, customer_id, channel, priority, next_attempt_at, created_at, updated_at)
          SELECT id, 'c-bulk', 'ghost', 1, now() - interval '1 minute', now(), now() FROM m`);
        await sql.query(`WITH m AS (INSERT INTO message (customer_id, channel, direction, author, text, delivery_state, created_at)
          VALUES ('c-own', 'ghost', 'outbound', 'agent', 'reply', 'pending', now()) RETURNING id)
          INSERT INTO outbox (message_id, customer_id, channel, next_attempt_at, created_at, updated_at)
          SELECT id, 'c-own', 'ghost', now(), now(), now() FROM m`);
        const [firstClaim] = await app.store.claimDeliveries({ limit: 1, leaseMs: 60_000, now: new Date(), channels: ['ghost'] });
        expect(firstClaim).toMatchObject({ message: { text: 'reply' }, bulk: false });
        const [next] = await app.store.claimDeliveries({ limit: 1, leaseMs: 60_000, now: new Date(), channels: ['ghost'] });
        expect(next).toMatchObject({ message: { text: 'update' }, bulk: true });
      } finally {
        await app.stop();
        await env.cleanup();
      }
    });
  });
}

describe.skipIf(!productionBackend.enabled)('incident fan-out on two instances (PostgreSQL + Redis)', () => {
  let instances: Instances;
  const opened = new OpenedClients();
  afterEach(() => opened.closeAll());
  afterAll(async () => instances?.close());

  it('reaches web chat visitors connected to the other instance live, once each', async () => {
    instances = await startInstances(2, await productionBackend.setup(), { channels: () => [webchatChannel], env: ADMIN_ENV });
    const [a, b] = instances.apps as [NonNullable<Instances['apps'][0]>, NonNullable<Instances['apps'][0]>];
    const visitors = await Promise.all([0, 1, 2].map(() => opened.track(new Visitor(baseOf(b), { locale: 'en' })).ready()));
    const numbers: string[] = [];
    for (const [i, v] of visitors.entries()) numbers.push(await webchatIntake(v, `Cannot sign in ${i}`));
    const admin = await AgentClient.login(baseOf(a));
    const incident = (await admin.post('/api/incidents', { title: 'Sign-in outage' })).body;
    await admin.post(`/api/incidents/${incident.number}/requests`, { numbers });
    const posted = await admin.post(`/api/incidents/${incident.number}/updates`, { text: 'Sign-in works again for most users.' });
    expect(posted.body.recipients).toBe(3);
    for (const v of visitors) await visitorGets(v, 'the update', (m) => m.text?.includes('Sign-in works again') ?? false);
    await waitUntil('all counted delivered', async () => (await admin.get(`/api/incidents/${incident.number}`)).body.deliveries.delivered === 3);
    for (const v of visitors) expect(v.messages.filter((m) => m.text?.includes('Sign-in works again'))).toHaveLength(1);
  });
});

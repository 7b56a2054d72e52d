/**
 * One reading of request numbers on every agent route that takes one, and the
 * request list's search over the customer's contact details.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { startTestApp } from '../support/app.js';
import { BACKENDS, type BackendEnv } from '../support/backends.js';
import { TestChannel } from '../support/test-channel.js';
import { ADMIN_ENV, AgentClient, baseOf, fileRequest, type ApiResponse } from './console-client.js';

const png = await readFile(new URL('../fixtures/screenshot.png', import.meta.url));

for (const backend of BACKENDS) {
  describe.skipIf(!backend.enabled)(`request numbers and search in the agent API: ${backend.name}`, () => {
    let env: BackendEnv;
    let app: App;
    let admin: AgentClient;
    let number: string;
    let other: string;
    const channel = new TestChannel();

    beforeAll(async () => {
      env = await backend.setup();
      app = await startTestApp({ ...env, channels: [channel], env: ADMIN_ENV });
      admin = await AgentClient.login(baseOf(app));
      number = await fileRequest(channel, 'lookup-1', { subject: 'Label printer jams', displayName: 'Olga Petrova' });
      other = await fileRequest(channel, 'lookup-2', { subject: 'Mouse is broken', displayName: 'Ivan Orlov' });
      await app.db.prisma.customer.updateMany({ where: { externalId: 'lookup-1' }, data: { email: 'olga.petrova@example.com', phone: '+79001234567' } });
      await app.db.prisma.customer.updateMany({ where: { externalId: 'lookup-2' }, data: { email: 'ivan@example.org', phone: '+74951112233' } });
    });
    afterAll(async () => {
      await app?.stop();
      await env?.cleanup();
    });

    const upload = async (path: string): Promise<ApiResponse> => {
      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(png)]), 'shot.png');
      const res = await fetch(`${admin.base}${path}/attachments`, { method: 'POST', body: form, headers: { authorization: `Bearer ${admin.session.token}` } });
      return { status: res.status, body: await res.json(), headers: res.headers };
    };

    /** Every route that takes a request number, called with `typed` as the number. */
    const everyRoute = (typed: string, status: string) => {
      const path = `/api/requests/${encodeURIComponent(typed)}`;
      return {
        view: () => admin.get(path),
        read: () => admin.post(`${path}/read`),
        note: () => admin.post(`${path}/messages`, { text: `note on ${typed}`, internal: true }),
        reply: () => admin.post(`${path}/messages`, { text: `reply on ${typed}` }),
        upload: () => upload(path),
        assign: () => admin.post(`${path}/assign`, { agentId: admin.agentId }),
        status: () => admin.post(`${path}/status`, { status, comment: null }),
      };
    };

    it('takes SR-1001, sr-1001, SR 1001, 1001 and SR1001 for the same request on every route', async () => {
      const [prefix, counter] = number.split('-') as [string, string];
      const forms = [number, number.toLowerCase(), `${prefix} ${counter}`, counter, `${prefix}${counter}`];
      let closed = false;
      for (const typed of forms) {
        const routes = everyRoute(typed, closed ? 'in_progress' : 'closed');
        for (const [name, call] of Object.entries(routes)) {
          const res = await call();
          expect(res.status, `${name} ${typed}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
          if (name === 'view' || name === 'assign' || name === 'status') expect(res.body.number, `${name} ${typed}`).toBe(number);
        }
        closed = !closed;
      }
      const view = (await admin.get(`/api/requests/${number}`)).body;
      const texts = view.messages.map((m: { text: string | null }) => m.text);
      for (const typed of forms) expect(texts).toEqual(expect.arrayContaining([`note on ${typed}`, `reply on ${typed}`]));
      expect(view.statusHistory.filter((c: { actor: { kind: string } }) => c.actor.kind === 'agent').map((c: { to: string }) => c.to)).toEqual(
        expect.arrayContaining(['closed', 'in_progress']),
      );
      // Marked read, whichever form it was marked with: nothing the customer wrote is unread.
      const row = (await admin.get('/api/requests')).body.requests.find((r: { number: string }) => r.number === number);
      expect(row.unread).toBe(0);
      expect((await admin.get(`/api/requests/${encodeURIComponent(`#${counter}`)}`)).body.number).toBe(number);
    });

    it('answers 404 on every route for garbage and for a number with another prefix', async () => {
      const counter = number.split('-')[1]!;
      for (const typed of ['garbage', `XX-${counter}`, `xx ${counter}`, `${counter}abc`, `${number}-1`, 'SR-', '%', `${counter}${counter}${counter}${counter}`]) {
        for (const [name, call] of Object.entries(everyRoute(typed, 'closed'))) {
          const res = await call();
          expect(res.status, `${name} ${typed}`).toBe(404);
          expect(res.body.error.code, `${name} ${typed}`).toBe('not_found');
        }
      }
    });

    it("finds requests by the customer's e-mail and phone, and by their number in any form", async () => {
      const search = async (q: string) => (await admin.get(`/api/requests?q=${encodeURIComponent(q)}`)).body.requests.map((r: { number: string }) => r.number);
      expect(await search('olga.petrova@example.com')).toEqual([number]);
      expect(await search('PETROVA@EXAMPLE')).toEqual([number]);
      expect(await search('example.org')).toEqual([other]);
      expect(await search('+79001234567')).toEqual([number]);
      expect(await search('9001234567')).toEqual([number]);
      expect(await search('+7 (900) 123-45-67')).toEqual([number]);
      expect(await search('495 111')).toEqual([other]);
      const [prefix, counter] = other.split('-') as [string, string];
      expect(await search(`${prefix.toLowerCase()} ${counter}`)).toEqual([other]);
      expect(await search(`${prefix}${counter}`)).toEqual([other]);
      expect(await search(`XX-${counter}`)).toEqual([]);
      expect(await search('nobody@nowhere.test')).toEqual([]);
    });
  });
}

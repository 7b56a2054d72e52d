/**
 * The console's Drafts over the agent API (issue 11, item 13): intakes in
 * progress, read-only, live through `drafts_changed`, and the take-over that
 * creates the request from what was collected, assigns it and tells the
 * customer. Real web chat visitors and a real `/agents` socket on a whole gateway.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { Visitor } from '../channels/webchat/webchat-client.js';
import { baseOf, makeTempDir, startTestApp } from '../support/app.js';
import { ADMIN_ENV, AgentClient, AgentSocket } from './console-client.js';

let app: App;
let base: string;
let admin: AgentClient;
let socket: AgentSocket;
let cleanup: () => Promise<void>;
const visitors: Visitor[] = [];

beforeAll(async () => {
  const tmp = await makeTempDir();
  app = await startTestApp({ dataDir: tmp.dir, env: ADMIN_ENV });
  base = baseOf(app);
  admin = await AgentClient.login(base);
  socket = await new AgentSocket(base, { token: admin.session.token }).ready();
  cleanup = async () => {
    socket.close();
    for (const v of visitors) v.close();
    await app.stop();
    await tmp.remove();
  };
}, 120_000);
afterAll(() => cleanup?.());

async function visitor(): Promise<Visitor> {
  const v = new Visitor(base, { locale: 'en' });
  visitors.push(v);
  return v.ready();
}

interface DraftJson {
  customer: { id: string; displayName: string | null };
  step: string;
  draft: { type: string | null; subject: string | null; description: string | null; screenshot: unknown };
  messages: Array<{ author: string; text: string | null; chosen: { id: string; label: string } | null }>;
}

const drafts = async (): Promise<DraftJson[]> => {
  const res = await admin.get('/api/drafts');
  expect(res.status).toBe(200);
  return res.body.drafts as DraftJson[];
};
const draftOf = async (customerId: string) => (await drafts()).find((d) => d.customer.id === customerId);

describe("the console's Drafts", () => {
  it('lists an intake in progress with what was collected and said, live, and drops it once the request is filed', async () => {
    const v = await visitor();
    const before = socket.events('drafts_changed').length;
    await v.press('incident');
    await v.say('Reports page times out');
    await v.waitForBot(2);
    const customerId = (await app.store.findCustomer('webchat', v.session!.visitorId))!.id;
    await expect.poll(() => socket.events('drafts_changed').length).toBeGreaterThan(before);

    const listed = await draftOf(customerId);
    expect(listed).toMatchObject({ step: 'description', draft: { type: 'incident', subject: 'Reports page times out', description: null, screenshot: null } });
    expect(listed!.messages[0]!.chosen).toEqual({ id: 'incident', label: 'Incident' }); // a press, labelled in the customer's language
    expect(listed!.messages.map((m) => [m.author, m.text])).toEqual([
      ['customer', null],
      ['bot', expect.stringMatching(/subject/i)],
      ['customer', 'Reports page times out'],
      ['bot', expect.stringMatching(/Describe the problem/)],
    ]);

    await v.say('The monthly report spins for a minute and then shows a timeout error.');
    await v.press('skip');
    await v.press('confirm');
    await v.waitForBot(5);
    expect(await draftOf(customerId)).toBeUndefined();

    // A second request: its draft shows its own intake, not the first one's.
    await v.press('menu:new');
    await v.waitForBot(6);
    await v.press('consultation');
    await v.waitForBot(7);
    await expect.poll(async () => (await draftOf(customerId))?.draft.type).toBe('consultation');
    const texts = (await draftOf(customerId))!.messages.map((m) => m.text);
    expect(texts).not.toContain('Reports page times out');
    expect(texts.at(-1)).toMatch(/subject/i);
  });

  it('lets an agent take an intake over: the request is created from what was given, assigned to them, and the customer is told', async () => {
    const v = await visitor();
    await v.say('Since the update, printing an invoice produces an empty page.');
    await v.waitForBot(1);
    const customerId = (await app.store.findCustomer('webchat', v.session!.visitorId))!.id;
    expect(await draftOf(customerId)).toMatchObject({ step: 'choose_type', draft: { type: null, description: 'Since the update, printing an invoice produces an empty page.' } });

    const res = await admin.post(`/api/drafts/${customerId}/take-over`);
    expect(res.status).toBe(201);
    const request = res.body.request;
    expect(request).toMatchObject({
      number: expect.stringMatching(/^SR-\d+$/),
      type: 'consultation', // no type chosen yet
      status: 'new',
      assignee: { id: admin.session.agent.id },
      customer: { id: customerId },
    });
    const stored = await app.store.getRequest(request.number);
    expect(stored!.description).toBe('Since the update, printing an invoice produces an empty page.');
    const told = await v.waitForBot(2);
    expect(told.text).toContain(admin.session.agent.name);
    expect(told.text).toContain(request.number);
    await socket.waitFor('request_created', (p) => p.request.number === request.number);
    expect(await draftOf(customerId)).toBeUndefined();

    // The customer goes on in the request, not in a new intake.
    await v.say('It happens with every printer.');
    await expect
      .poll(async () => (await admin.get(`/api/requests/${request.number}`)).body.messages.map((m: { text: string | null }) => m.text))
      .toContain('It happens with every printer.');

    // Taken over once: there is no intake any more.
    const again = await admin.post(`/api/drafts/${customerId}/take-over`);
    expect(again).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
  });

  it('answers 404 for a customer with no intake or no such customer', async () => {
    expect((await admin.post('/api/drafts/no-such-customer/take-over')).status).toBe(404);
    const cancelled = await visitor();
    await cancelled.say('The export button does nothing at all.');
    await cancelled.waitForBot(1);
    await cancelled.say('/cancel');
    await cancelled.waitForBot(2);
    const customerId = (await app.store.findCustomer('webchat', cancelled.session!.visitorId))!.id;
    expect(await draftOf(customerId)).toBeUndefined();
    expect(await admin.post(`/api/drafts/${customerId}/take-over`)).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    const idle = await visitor(); // greeted, but nothing stored
    expect(await app.store.findCustomer('webchat', idle.session!.visitorId)).toBeNull();
    expect((await admin.get('/api/drafts')).status).toBe(200);
    expect((await fetch(`${base}/api/drafts`)).status).toBe(401); // agents only
  });
});

/**
 * Two gateway instances on PostgreSQL + Redis: a visitor connected to one
 * instance gets replies delivered by the other (socket.io's Redis adapter),
 * and the token one instance issued is accepted by the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { baseOf } from '../../support/app.js';
import { productionBackend } from '../../support/backends.js';
import { startInstances, type Instances } from '../../support/instances.js';
import { Visitor } from './webchat-client.js';

describe.skipIf(!productionBackend.enabled)('web chat across two instances', () => {
  let instances: Instances;
  let a: App;
  let b: App;

  beforeAll(async () => {
    instances = await startInstances(2, await productionBackend.setup());
    [a, b] = instances.apps as [App, App];
  });
  afterAll(() => instances?.close());

  it('delivers through the instance the visitor is connected to, whichever instance sends', async () => {
    // Only A delivers: every reply has to cross from A to B's socket through Redis.
    await b.outbox.stop();
    const v = await new Visitor(baseOf(b), { locale: 'en' }).ready();
    await v.say('Hello');
    // The four types, and the language (the web chat's menu).
    expect((await v.waitForBot(1)).choices).toHaveLength(5);
    await v.press('consultation');
    await v.waitForBot(2);

    const token = v.session!.token;
    v.close();
    const onA = await new Visitor(baseOf(a), { token }).ready();
    expect(onA.session!.visitorId).toBe(v.session!.visitorId);
    expect(onA.histories[0]!.messages.map((m) => m.text)).toEqual(v.messages.map((m) => m.text));
    onA.close();
  });
});

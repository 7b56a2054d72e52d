/**
 * Two gateway instances on PostgreSQL + Redis: a visitor connected to one
 * instance gets replies delivered by the other (socket.io's Redis adapter),
 * and the token one instance issued is accepted by the other.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { makeTempDir, startTestApp } from '../../support/app.js';
import { createScratchDatabase, havePostgres, haveRedis, redisUrl } from '../../support/services.js';
import { Visitor } from './webchat-client.js';

describe.skipIf(!(havePostgres() && haveRedis()))('web chat across two instances', () => {
  let a: App;
  let b: App;
  let cleanup: () => Promise<void>;
  const urlOf = (app: App) => `http://127.0.0.1:${(app.server.server.address() as { port: number }).port}`;

  beforeAll(async () => {
    const db = await createScratchDatabase();
    const tmp = await makeTempDir();
    a = await startTestApp({ databaseUrl: db.url, redisUrl, dataDir: tmp.dir });
    b = await startTestApp({ databaseUrl: db.url, redisUrl, dataDir: tmp.dir });
    cleanup = async () => {
      await a?.stop();
      await b?.stop();
      await db.drop();
      await tmp.remove();
    };
  });
  afterAll(() => cleanup?.());

  it('delivers through the instance the visitor is connected to, whichever instance sends', async () => {
    // Only A delivers: every reply has to cross from A to B's socket through Redis.
    await b.outbox.stop();
    const v = await new Visitor(urlOf(b), { locale: 'en' }).ready();
    await v.say('Hello');
    expect((await v.waitForBot(1)).choices).toHaveLength(4);
    await v.press('consultation');
    await v.waitForBot(2);

    const token = v.session!.token;
    v.close();
    const onA = await new Visitor(urlOf(a), { token }).ready();
    expect(onA.session!.visitorId).toBe(v.session!.visitorId);
    expect(onA.histories[0]!.messages.map((m) => m.text)).toEqual(v.messages.map((m) => m.text));
    onA.close();
  });
});

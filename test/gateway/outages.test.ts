/**
 * Redis and PostgreSQL going away under a running gateway, in process: each is
 * reached through a TCP proxy the test cuts (the shared servers are never
 * touched). The gateway must keep running (an unhandled rejection fails the
 * run), answer /ready with 503 while a service is gone, and carry on by itself
 * when it returns.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { baseOf, makeTempDir, startTestApp } from '../support/app.js';
import { createScratchDatabase, havePostgres, haveRedis, redisUrl } from '../support/services.js';
import { startTcpProxy, targetOf, type TcpProxy } from '../support/tcp-proxy.js';
import { Visitor } from '../channels/webchat/webchat-client.js';

describe.runIf(havePostgres() && haveRedis())('outages of Redis and PostgreSQL', () => {
  let app: App;
  let base: string;
  let pg: TcpProxy;
  let redis: TcpProxy;
  let cleanup: () => Promise<void>;
  const visitors: Visitor[] = [];
  const ready = async () => (await fetch(`${base}/ready`)).status;
  const visitor = async () => {
    const v = new Visitor(base);
    visitors.push(v);
    return v.ready();
  };

  beforeAll(async () => {
    const tmp = await makeTempDir();
    const db = await createScratchDatabase();
    pg = await startTcpProxy(targetOf(db.url, 5432));
    redis = await startTcpProxy(targetOf(redisUrl!, 6379));
    app = await startTestApp({ dataDir: tmp.dir, databaseUrl: pg.via(db.url), redisUrl: redis.via(redisUrl!) });
    base = baseOf(app);
    cleanup = async () => {
      for (const v of visitors) v.close();
      await pg.restore();
      await redis.restore();
      await app.stop();
      await pg.close();
      await redis.close();
      await db.drop();
      await tmp.remove();
    };
  });
  afterAll(() => cleanup?.());

  it('takes messages while Redis is down, broadcasts fail quietly, and the conversation catches up when it returns', async () => {
    const v = await visitor();
    expect(await v.say('hello')).toMatchObject({ ok: true });
    await v.waitForBot(1);
    await redis.cut();
    try {
      await expect.poll(ready).toBe(503);
      // Recorded in PostgreSQL although no conversation lock can be had; its echo's broadcast to other instances fails.
      expect(await v.press('incident')).toMatchObject({ ok: true });
      expect(await v.say('Printer on fire')).toMatchObject({ ok: true });
      // The echo's broadcast to other instances is given up on after a few reconnections of the
      // publisher (the adapter never awaits it): counted, never an unhandled rejection.
      await expect.poll(async () => (await app.metrics.broadcastsLost.get()).values[0]?.value ?? 0).toBeGreaterThan(0);
      expect(await ready()).toBe(503);
    } finally {
      await redis.restore();
    }
    await expect.poll(ready, { timeout: 20_000 }).toBe(200);
    // Applied by the retry of deferred conversations: the type and the subject were taken in order.
    await v.waitForBot(3, 20_000);
    expect(v.botMessages()[2]!.text).toMatch(/describe|опишите/i);
  });

  it('keeps running while PostgreSQL is down with conversations waiting for a retry, and applies them when it returns', async () => {
    const v = await visitor();
    expect(await v.say('hi')).toMatchObject({ ok: true });
    await v.waitForBot(1);
    // A message recorded while Redis was down waits for the retry pass; then PostgreSQL goes too.
    await redis.cut();
    expect(await v.press('consultation')).toMatchObject({ ok: true });
    await pg.cut();
    await redis.restore();
    try {
      await expect.poll(ready).toBe(503);
      // Retry passes meet an unreachable database: they must fail quietly.
      await app.gateway.retryDeferred();
      expect(await v.say('while the database is down')).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    } finally {
      await pg.restore();
    }
    await expect.poll(ready, { timeout: 20_000 }).toBe(200);
    await v.waitForBot(2, 20_000);
    expect(await v.say('A question about invoices')).toMatchObject({ ok: true });
    await v.waitForBot(3);
  });
});

describe('a start without Redis', () => {
  it('fails with a clear error and lets go of the embedded database', async () => {
    const tmp = await makeTempDir();
    try {
      await expect(startTestApp({ dataDir: tmp.dir, redisUrl: 'redis://127.0.0.1:1' })).rejects.toThrow(/Redis at redis:\/\/127\.0\.0\.1:1\/? does not answer/);
      expect(existsSync(path.join(tmp.dir, 'pglite.pid'))).toBe(false);
    } finally {
      await tmp.remove();
    }
  });
});

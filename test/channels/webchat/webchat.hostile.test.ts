/**
 * The web chat against hostile and odd visitors, on PostgreSQL + Redis, behind
 * a trusted proxy (each test speaks from its own X-Forwarded-For address, so
 * per-address limits never cross between tests). PostgreSQL is reached through
 * a TCP proxy the tests can cut. An unhandled rejection anywhere fails the run.
 */
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../../src/app.js';
import { identityHash } from '../../../src/channels/webchat/visitor-token.js';
import { baseOf, makeTempDir, startTestApp } from '../../support/app.js';
import { createScratchDatabase, havePostgres, haveRedis, redisUrl } from '../../support/services.js';
import { startTcpProxy, targetOf, type TcpProxy } from '../../support/tcp-proxy.js';
import { upload, Visitor } from './webchat-client.js';
import { ADMIN_ENV, AgentClient } from '../../console/console-client.js';

const png = await readFile(new URL('../../fixtures/screenshot.png', import.meta.url));
const IDENTITY_SECRET = 'identity-secret-for-tests';
const DAY = 24 * 3_600_000;

describe.runIf(havePostgres() && haveRedis())('web chat against hostile input', () => {
  let app: App;
  let base: string;
  let pgProxy: TcpProxy;
  let clockOffset = 0;
  let cleanup: () => Promise<void>;
  const visitors: Visitor[] = [];
  let lastAddress = 0;
  /** A client address of its own (the gateway trusts the proxy's X-Forwarded-For). */
  const newAddress = () => `203.0.113.${++lastAddress}`;
  const visitor = (address: string, auth: Record<string, unknown> = {}) => {
    const v = new Visitor(base, auth, { headers: { 'x-forwarded-for': address } });
    visitors.push(v);
    return v;
  };
  const countCustomers = async () => (await app.db.prisma.customer.count({ where: { channel: 'webchat' } }));

  beforeAll(async () => {
    const tmp = await makeTempDir();
    const db = await createScratchDatabase();
    pgProxy = await startTcpProxy(targetOf(db.url, 5432));
    app = await startTestApp({
      dataDir: tmp.dir,
      databaseUrl: pgProxy.via(db.url),
      redisUrl,
      clock: () => new Date(Date.now() + clockOffset),
      env: {
        TRUST_PROXY: 'true',
        WEBCHAT_IDENTITY_SECRET: IDENTITY_SECRET,
        WEBCHAT_CONNECTION_RATE: '5/1m',
        WEBCHAT_ADDRESS_MESSAGE_RATE: '8/1m',
        WEBCHAT_ADDRESS_UPLOAD_RATE: '3/1m',
        MAX_SOCKETS_PER_ADDRESS: '4',
        UPLOAD_MAX_BYTES: '1KB',
        WEBCHAT_UNSENT_UPLOADS_MAX: '1KB',
        ...ADMIN_ENV,
      },
    });
    base = baseOf(app);
    cleanup = async () => {
      for (const v of visitors) v.close();
      await app.stop();
      await pgProxy.close();
      await db.drop();
      await tmp.remove();
    };
  });
  afterAll(() => cleanup?.());

  it('answers a history request for an id no row can have, even one sent before the session arrives', async () => {
    const v = visitor(newAddress());
    // Emitted at once: handlers are in place before the server awaits anything.
    const early = v.socket.timeout(10_000).emitWithAck('history', { beforeId: '99999999999999999999' });
    expect(await early).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    await v.ready();
    expect(await v.say('hello')).toMatchObject({ ok: true });
    for (const beforeId of ['9223372036854775808', '18446744073709551616']) {
      expect(await v.socket.timeout(10_000).emitWithAck('history', { beforeId })).toMatchObject({ ok: false, error: { code: 'invalid_message' } });
    }
    expect(await v.socket.timeout(10_000).emitWithAck('history', { beforeId: '9223372036854775807' })).toMatchObject({ ok: true });
    // A lastSeenId no row can have is ignored: the newest page comes instead.
    const again = await visitor(newAddress(), { token: v.session!.token, lastSeenId: '99999999999999999999' }).ready();
    expect(again.histories[0]!.messages.some((m) => m.text === 'hello')).toBe(true);
  });

  it('answers history and handshakes with unavailable while PostgreSQL is down, and recovers by itself', async () => {
    const address = newAddress();
    const v = await visitor(address).ready();
    expect(await v.say('before the outage')).toMatchObject({ ok: true });
    await pgProxy.cut();
    try {
      const history = await v.socket.timeout(15_000).emitWithAck('history', { limit: 5 });
      expect(history).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      expect(await v.say('during the outage')).toMatchObject({ ok: false, error: { code: 'unavailable' } });
      await expect(visitor(address, { token: v.session!.token }).ready()).rejects.toMatchObject({ message: 'unavailable' });
    } finally {
      await pgProxy.restore();
    }
    await expect.poll(async () => (await v.socket.timeout(10_000).emitWithAck('history', { limit: 5 })).ok).toBe(true);
    expect(await v.say('after the outage')).toMatchObject({ ok: true });
    expect((await visitor(address, { token: v.session!.token }).ready()).session?.visitorId).toBe(v.session!.visitorId);
  });

  it('makes no customer for a visitor who only connects: the first message does', async () => {
    const before = await countCustomers();
    const idle = await Promise.all([1, 2, 3].map(() => visitor(newAddress()).ready()));
    expect(await countCustomers()).toBe(before);
    // Each is greeted, with nothing stored.
    for (const v of idle) expect(v.histories[0]).toEqual({ messages: [expect.objectContaining({ id: '0', from: 'bot' })], hasMore: false });
    expect(await idle[0]!.say('my first words')).toMatchObject({ ok: true });
    expect(await countCustomers()).toBe(before + 1);
    const customer = await app.store.findCustomer('webchat', idle[0]!.session!.visitorId);
    expect(customer).not.toBeNull();
  });

  it('admits new visitors per client address behind a trusted proxy, and returning visitors apart', async () => {
    const office = newAddress();
    const first = await visitor(office).ready();
    first.close();
    // Closed once admitted: this counts admissions, not open connections (bounded apart, below).
    for (let i = 0; i < 4; i++) (await visitor(office).ready()).close();
    await expect(visitor(office).ready()).rejects.toMatchObject({ message: 'rate_limited', data: { retryAfterMs: expect.any(Number) } });
    // Another address behind the same proxy is not held back, nor a returning visitor of the full one.
    await visitor(newAddress()).ready();
    expect((await visitor(office, { token: first.session!.token }).ready()).session?.visitorId).toBe(first.session!.visitorId);
  });

  it('bounds the connections one address holds open', async () => {
    const address = newAddress();
    const open = [await visitor(address).ready(), await visitor(address).ready(), await visitor(address).ready(), await visitor(address).ready()];
    await expect(visitor(address, { token: open[0]!.session!.token }).ready()).rejects.toThrow();
    open[3]!.close();
    await expect.poll(async () => visitor(address, { token: open[0]!.session!.token }).ready().then(() => true, () => false)).toBe(true);
  });

  it("limits messages per address across that address's visitors", async () => {
    const address = newAddress();
    const [a, b] = [await visitor(address).ready(), await visitor(address).ready()];
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await a.say(`a${i}`), await b.say(`b${i}`));
    expect(results.filter((r) => r.ok)).toHaveLength(8);
    expect(results.filter((r) => !r.ok)[0]?.error).toMatchObject({ code: 'rate_limited', retryAfterMs: expect.any(Number) });
  });

  it('limits uploads per address and caps what a visitor uploaded and did not send', async () => {
    const address = newAddress();
    const headers = { 'x-forwarded-for': address };
    const v = await visitor(address).ready();
    const padded = Buffer.concat([png, Buffer.alloc(600)]);
    expect((await upload(base, v.session!.token, padded, 'one.png', headers)).status).toBe(201);
    const second = await upload(base, v.session!.token, padded, 'two.png', headers);
    expect(second.status).toBe(413);
    expect(second.body.error?.message).toMatch(/not sent yet/);
    const w = await visitor(address).ready();
    expect((await upload(base, w.session!.token, png, 'three.png', headers)).status).toBe(201);
    const fourth = await upload(base, w.session!.token, png, 'four.png', headers);
    expect(fourth.status).toBe(429);
  });

  it('relays a flood of typing events as a few signals', async () => {
    const v = await visitor(newAddress()).ready();
    expect(await v.say('typing soon')).toMatchObject({ ok: true });
    const customerId = (await app.store.findCustomer('webchat', v.session!.visitorId))!.id;
    const relayed: boolean[] = [];
    const off = app.events.on('customer_typing', (e) => {
      if (e.customerId === customerId) relayed.push(e.typing);
    });
    try {
      for (let i = 0; i < 3000; i++) v.socket.emit('typing', { typing: i % 2 === 0 });
      // A message after the flood: once it is acknowledged, every typing event before it was handled.
      expect(await v.say('done typing')).toMatchObject({ ok: true });
      expect(relayed.length).toBeGreaterThan(0);
      expect(relayed.length).toBeLessThanOrEqual(8);
    } finally {
      off();
    }
  });

  it('strips NUL and other control characters instead of wedging the conversation', async () => {
    const v = await visitor(newAddress()).ready();
    const sent = await v.say('Hel\u0000lo\u0007 there\ttab\nline');
    expect(sent).toMatchObject({ ok: true });
    const stored = await app.db.prisma.message.findUnique({ where: { id: BigInt(sent.id!) } });
    expect(stored?.text).toBe('Hello there\ttab\nline');
    // The echo to the visitor's tabs shows it as stored.
    await expect.poll(() => v.messages.find((m) => m.id === sent.id)?.text).toBe('Hello there\ttab\nline');
    await v.waitForBot(1);
    expect(await v.say('and\u0000 on')).toMatchObject({ ok: true });
    await v.waitForBot(2);
  });

  describe('visitor tokens', () => {
    it('refuses an expired token; each connection renews it', async () => {
      const address = newAddress();
      const v = await visitor(address).ready();
      clockOffset = 89 * DAY;
      try {
        const renewed = await visitor(address, { token: v.session!.token }).ready();
        clockOffset = 91 * DAY;
        await expect(visitor(address, { token: v.session!.token }).ready()).rejects.toMatchObject({ message: 'invalid_token' });
        expect((await visitor(address, { token: renewed.session!.token }).ready()).session?.visitorId).toBe(v.session!.visitorId);
      } finally {
        clockOffset = 0;
      }
    });

    it('refuses a revoked token, for the socket and for uploads', async () => {
      const address = newAddress();
      const v = await visitor(address).ready();
      expect(await v.say('hi')).toMatchObject({ ok: true });
      const customer = await app.store.findCustomer('webchat', v.session!.visitorId);
      await app.store.revokeVisitorTokens(customer!.id, new Date(Date.now() + 1000));
      await expect(visitor(address, { token: v.session!.token }).ready()).rejects.toMatchObject({ message: 'invalid_token' });
      expect((await upload(base, v.session!.token, png, 'x.png', { 'x-forwarded-for': address })).status).toBe(401);
    });

    it('lets an admin sign a visitor out everywhere: sockets closed, tokens refused', async () => {
      const address = newAddress();
      const v = await visitor(address).ready();
      expect(await v.say('hi')).toMatchObject({ ok: true });
      const customer = (await app.store.findCustomer('webchat', v.session!.visitorId))!;
      const admin = await AgentClient.login(base);
      const disconnected = new Promise<string>((resolve) => v.socket.once('disconnect', resolve));
      expect((await admin.post(`/api/customers/${customer.id}/revoke-tokens`)).status).toBe(204);
      expect(await disconnected).toBe('io server disconnect');
      await expect(visitor(address, { token: v.session!.token }).ready()).rejects.toMatchObject({ message: 'invalid_token' });
      // A fresh visitor is welcome; a Telegram customer has no tokens; an unknown one is not found.
      await visitor(address).ready();
      const telegram = await app.store.upsertCustomer({ channel: 'telegram', externalId: '4242', locale: 'ru' });
      expect((await admin.post(`/api/customers/${telegram.id}/revoke-tokens`)).status).toBe(409);
      expect((await admin.post('/api/customers/01900000-0000-7000-8000-000000000000/revoke-tokens')).status).toBe(404);
    });

    it('refuses an old token without an expiry, and a signed-in visitor\'s token without the identity', async () => {
      const address = newAddress();
      await expect(visitor(address, { token: 'v1.v_abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }).ready()).rejects.toMatchObject({ message: 'invalid_token' });
      const identity = { externalId: 'user-77', hash: identityHash(IDENTITY_SECRET, 'user-77') };
      const signedIn = await visitor(address, { identity }).ready();
      await expect(visitor(address, { token: signedIn.session!.token }).ready()).rejects.toMatchObject({ message: 'invalid_token' });
      expect((await visitor(address, { identity, token: signedIn.session!.token }).ready()).session?.visitorId).toBe(signedIn.session!.visitorId);
    });

    it('gives a signed-in visitor with a long id a token the server accepts', async () => {
      const address = newAddress();
      const externalId = `customer:${'x'.repeat(190)}`;
      const v = await visitor(address, { identity: { externalId, hash: identityHash(IDENTITY_SECRET, externalId) } }).ready();
      const up = await upload(base, v.session!.token, png, 'long.png', { 'x-forwarded-for': address });
      expect(up.status).toBe(201);
      expect(await v.send({ clientId: 'long-1', attachmentId: up.body.id })).toMatchObject({ ok: true });
    });
  });
});

/**
 * GET /api/system/status: what the public /ready keeps to itself, for admins.
 * The test builds the console the way app.ts does, with one Readiness shared by
 * /ready and the console, and a Redis check that always fails.
 */
import { createDeskSettings } from '../../src/requests/desk-settings.js';
import pino from 'pino';
import { Server } from 'socket.io';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { createConsole } from '../../src/console/index.js';
import { createReadiness, type ReadinessCheck } from '../../src/http/routes/health.routes.js';
import { buildServer } from '../../src/http/server.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { makeTempDir, startTestApp } from '../support/app.js';
import { ADMIN, ADMIN_ENV } from './console-client.js';

const REDIS_ERROR = 'connect ECONNREFUSED 127.0.0.1:6390';

describe('the system status for admins', () => {
  let app: App;
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  let server: Awaited<ReturnType<typeof buildServer>>;

  const login = async (credentials: { email: string; password: string }) => {
    const res = await server.inject({ method: 'POST', url: '/api/auth/login', payload: credentials });
    expect(res.statusCode).toBe(200);
    return { authorization: `Bearer ${res.json().token as string}` };
  };

  beforeAll(async () => {
    tmp = await makeTempDir();
    app = await startTestApp({ dataDir: tmp.dir, channels: [], env: ADMIN_ENV });
    const logger = pino({ level: 'silent' });
    const checks: ReadinessCheck[] = [
      { name: 'database', check: () => app.store.ping() },
      { name: 'redis', check: async () => Promise.reject(new Error(REDIS_ERROR)) },
    ];
    const channelStatus = async () => ({ whatsapp: { state: 'waiting_for_scan', reason: null, since: '2026-12-01T10:00:00.000Z', qr: '2@pairing-code', runsClient: true } });
    const readiness = createReadiness({ checks, isAccepting: () => true, channels: channelStatus, logger });
    const agentConsole = createConsole({
      config: app.config, settings: createDeskSettings(app.store), db: app.db, store: app.store, gateway: app.gateway, events: app.events, attachments: app.attachments,
      io: new Server(), redis: null, ports: new Map(), clock: () => new Date(), channelStatus, logger, readiness, incidents: app.incidents,
    });
    server = await buildServer({ logger, health: { readiness, registry: createMetrics({ defaultMetrics: false }).registry }, plugins: [agentConsole.routes] });
  });
  afterAll(async () => {
    await server?.close(); // io was never attached to a server: nothing of it to close
    await app?.stop();
    await tmp?.remove();
  });

  it('shows admins each check with its error, the channels and the outbox, while /ready says only which check fails', async () => {
    const ready = await server.inject('/ready');
    expect(ready.statusCode).toBe(503);
    expect(ready.body).not.toContain('ECONNREFUSED');

    const res = await server.inject({ url: '/api/system/status', headers: await login(ADMIN) });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({
      ready: false,
      accepting: true,
      checks: [
        { name: 'database', ok: true, error: null, since: expect.any(String) },
        { name: 'redis', ok: false, error: REDIS_ERROR, since: expect.any(String) },
      ],
      channels: [{ channel: 'whatsapp', state: 'waiting_for_scan', reason: null, since: '2026-12-01T10:00:00.000Z', flags: { runsClient: true } }],
      outbox: { pending: 0, sent: 0, failed: 0 },
    });
  });

  it('is for admins only, and documented', async () => {
    expect((await server.inject('/api/system/status')).statusCode).toBe(401);
    const admin = await login(ADMIN);
    const created = await server.inject({
      method: 'POST', url: '/api/agents', headers: admin,
      payload: { email: 'plain-agent@example.com', name: 'Plain', password: 'plain-password-1' },
    });
    expect(created.statusCode).toBe(201);
    const agent = await login({ email: 'plain-agent@example.com', password: 'plain-password-1' });
    const refused = await server.inject({ url: '/api/system/status', headers: agent });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toContain('ECONNREFUSED');

    const doc = (await server.inject('/docs/json')).json();
    const route = doc.paths['/api/system/status'].get;
    expect(route.tags).toEqual(['system']);
    expect(Object.keys(route.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '503']));
    expect(doc.components.schemas.SystemStatus.properties.checks).toBeDefined();
  });
});

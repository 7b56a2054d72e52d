import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { buildServer } from '../../src/http/server.js';
import { createMetrics } from '../../src/observability/metrics.js';

async function server(opts: { failing?: boolean; accepting?: boolean } = {}) {
  const metrics = createMetrics({ defaultMetrics: false });
  metrics.messagesIn.inc({ channel: 'telegram' }, 3);
  return buildServer({
    logger: pino({ level: 'silent' }),
    health: {
      registry: metrics.registry,
      isAccepting: () => opts.accepting ?? true,
      checks: [
        { name: 'database', check: async () => undefined },
        { name: 'redis', check: async () => (opts.failing ? Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:6379')) : undefined) },
      ],
      beforeScrape: async () => metrics.outboxRows.set({ status: 'pending' }, 7),
    },
  });
}

describe('operational endpoints', () => {
  it('answers /health while the process runs', async () => {
    const app = await server({ failing: true });
    const res = await app.inject('/health');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('answers /ready with every dependency reachable', async () => {
    const res = await (await server()).inject('/ready');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', accepting: true, checks: { database: 'ok', redis: 'ok' } });
  });

  it('answers /ready with 503 naming the dependency that is down, but not why (no host, port or driver text)', async () => {
    const res = await (await server({ failing: true })).inject('/ready');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ status: 'unavailable', accepting: true, checks: { database: 'ok', redis: 'unavailable' } });
    expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|6379/);
  });

  it('answers /ready with 503 once shutdown began', async () => {
    const res = await (await server({ accepting: false })).inject('/ready');
    expect(res.statusCode).toBe(503);
    expect(res.json().accepting).toBe(false);
  });

  it('serves Prometheus metrics, refreshed before the scrape', async () => {
    const res = await (await server()).inject('/metrics');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('relaydesk_messages_in_total{channel="telegram"} 3');
    expect(res.body).toContain('relaydesk_outbox_rows{status="pending"} 7');
    for (const name of ['relaydesk_messages_out_total', 'relaydesk_requests_created_total', 'relaydesk_deliveries_failed_total', 'relaydesk_transition_seconds']) {
      expect(res.body).toContain(`# TYPE ${name}`);
    }
  });

  it('answers unknown routes from the error catalogue', async () => {
    const res = await (await server()).inject('/nope?x=1');
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'not_found', message: 'no route for GET /nope' } });
  });

  it('keeps the request id the balancer sent, or makes one', async () => {
    const app = await server();
    const kept = await app.inject({ url: '/health', headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers['x-request-id']).toBe('abc-123');
    const made = await app.inject('/health');
    expect(made.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });
});

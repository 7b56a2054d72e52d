/**
 * The agent API's error answers: a database outage is a 503 that says so in
 * its own words; what the driver said (hosts, ports, SQLSTATE text) goes to
 * the log only.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { handleConsoleError } from '../../src/console/console.http.js';
import { GatewayError } from '../../src/gateway/gateway.errors.js';
import { buildServer } from '../../src/http/server.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { StoreError } from '../../src/requests/request-store.port.js';

const DRIVER_TEXT = 'list requests failed: connect ECONNREFUSED 127.0.0.1:5432';
const SQL_TEXT = 'load request failed: terminating connection due to administrator command (SQLSTATE 57P01)';

async function serverThrowing(errors: Record<string, Error>) {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  const app = await buildServer({
    logger: pino({ level: 'info' }, stream),
    health: { registry: createMetrics({ defaultMetrics: false }).registry, isAccepting: () => true, checks: [] },
    plugins: [
      async (api) => {
        api.setErrorHandler(handleConsoleError);
        for (const [url, error] of Object.entries(errors)) {
          api.get(url, async () => {
            throw error;
          });
        }
      },
    ],
  });
  return { app, lines };
}

describe('agent API 503 answers', () => {
  it('keep the driver\'s and the database\'s text in the log, out of the body', async () => {
    const { app, lines } = await serverThrowing({
      '/refused': new StoreError('unavailable', DRIVER_TEXT, { cause: new Error('connect ECONNREFUSED 127.0.0.1:5432') }),
      '/terminated': new StoreError('unavailable', SQL_TEXT),
      '/stopping': new GatewayError('shutting_down', 'the gateway is shutting down'),
    });
    for (const url of ['/refused', '/terminated']) {
      const res = await app.inject(url);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ error: { code: 'unavailable', message: 'the database is unavailable; try again shortly' } });
    }
    expect((await app.inject('/stopping')).json()).toEqual({ error: { code: 'unavailable', message: 'the gateway is shutting down; try again shortly' } });
    const logged = JSON.stringify(lines);
    expect(logged).toContain('connect ECONNREFUSED 127.0.0.1:5432');
    expect(logged).toContain('SQLSTATE 57P01');
    await app.close();
  });
});

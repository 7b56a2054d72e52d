/**
 * Readiness: what the public /ready says (which check fails, never why), and
 * what operators get instead: a warning in the log each time a check's result
 * changes, with the error, and the whole report for the admin API.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createReadiness, type ReadinessCheck } from '../../src/http/routes/health.routes.js';
import { buildServer } from '../../src/http/server.js';
import { createMetrics } from '../../src/observability/metrics.js';

/** A logger whose lines are kept, parsed. */
function capturingLogger() {
  const lines: Array<Record<string, unknown> & { msg: string; level: number }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines, warnings: () => lines.filter((l) => l.level === 40) };
}

/** A check that fails with `error` while it is set. */
function switchable(name: string): ReadinessCheck & { error: Error | null } {
  const c = {
    name,
    error: null as Error | null,
    check: async () => {
      if (c.error) throw c.error;
    },
  };
  return c;
}

describe('readiness', () => {
  it('logs a check going down once, with the error, and coming back once', async () => {
    const { logger, warnings } = capturingLogger();
    const redis = switchable('redis');
    const readiness = createReadiness({ checks: [switchable('database'), redis], isAccepting: () => true, logger, clock: () => new Date('2026-12-01T10:00:00Z') });
    await readiness.report();
    expect(warnings()).toEqual([]);

    redis.error = new Error('connect ECONNREFUSED 127.0.0.1:6379');
    const down = await readiness.report();
    await readiness.report();
    redis.error = new Error('connect ETIMEDOUT 10.0.0.7:6379'); // still down, for another reason: no new line
    await readiness.report();
    expect(down).toMatchObject({ ready: false, checks: [{ name: 'database', ok: true }, { name: 'redis', ok: false, error: 'connect ECONNREFUSED 127.0.0.1:6379' }] });
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]).toMatchObject({ check: 'redis', msg: 'readiness check redis failed', err: { message: 'connect ECONNREFUSED 127.0.0.1:6379' } });

    redis.error = null;
    expect((await readiness.report()).ready).toBe(true);
    expect(warnings()).toHaveLength(2);
    expect(warnings()[1]).toMatchObject({ check: 'redis', msg: 'readiness check redis answers again' });
  });

  it('keeps channel reasons and check errors out of the public /ready', async () => {
    const { logger } = capturingLogger();
    const metrics = createMetrics({ defaultMetrics: false });
    const database = switchable('database');
    database.error = Object.assign(new Error('password authentication failed for user "relaydesk" (SQLSTATE 28P01)'), { code: '28P01' });
    const readiness = createReadiness({
      checks: [database],
      isAccepting: () => true,
      logger,
      channels: async () => ({
        whatsapp: { state: 'disconnected', reason: 'Protocol error: net::ERR_CONNECTION_REFUSED at 10.1.2.3', since: '2026-12-01T10:00:00.000Z', qr: 'secret', runsClient: false },
        odd: { state: 'Error: connect ECONNREFUSED 127.0.0.1:9' },
      }),
    });
    const app = await buildServer({ logger, health: { readiness, registry: metrics.registry } });
    const res = await app.inject('/ready');
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({
      status: 'unavailable',
      accepting: true,
      checks: { database: 'unavailable' },
      channels: { whatsapp: { state: 'disconnected', runsClient: false }, odd: { state: 'unknown' } },
    });
    expect(res.body).not.toMatch(/SQLSTATE|28P01|password|10\.1\.2\.3|127\.0\.0\.1|secret/);
    // The details are there for operators.
    const report = await readiness.report();
    expect(report.checks[0]!.error).toContain('SQLSTATE 28P01');
    expect(report.channels[0]).toEqual({ channel: 'whatsapp', state: 'disconnected', reason: 'Protocol error: net::ERR_CONNECTION_REFUSED at 10.1.2.3', since: '2026-12-01T10:00:00.000Z', flags: { runsClient: false } });
    await app.close();
  });

  it('shows channel states by name only in the form app.ts builds today (info)', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    const app = await buildServer({
      logger: pino({ level: 'silent' }),
      health: {
        registry: metrics.registry,
        isAccepting: () => true,
        checks: [],
        info: async () => ({ channels: { whatsapp: { state: 'logged_out', reason: 'LOGOUT from 10.1.2.3', since: null } } }),
      },
    });
    const res = await app.inject('/ready');
    expect(res.json()).toEqual({ status: 'ready', accepting: true, checks: {}, channels: { whatsapp: { state: 'logged_out' } } });
    await app.close();
  });
});

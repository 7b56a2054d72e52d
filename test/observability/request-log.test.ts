/**
 * HTTP requests in the log: one line each, at debug, except a slow request or
 * a server error, at warn with the route and the time taken. Every line keeps
 * the request's id (`reqId`, echoed as `x-request-id`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import type { ChannelModule } from '../../src/channels/channel.port.js';
import { loadConfig } from '../../src/config.js';
import { buildServer } from '../../src/http/server.js';
import { createLogger } from '../../src/observability/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { baseOf, makeTempDir } from '../support/app.js';
import { LEVEL, LogCapture } from './log-capture.js';

/** A channel that only serves two routes: an ordinary one, and one that fails as a bug would. */
const testRoutes: ChannelModule = {
  port: { name: 'routes', send: async () => ({ channelMessageId: 'unused' }) },
  routes: async (app) => {
    app.get('/test/ok/:id', async () => ({ ok: true }));
    app.get('/test/fails/:id', async () => {
      throw new Error('a bug');
    });
  },
};

describe('HTTP request lines, through a whole gateway at LOG_LEVEL=debug', () => {
  const log = new LogCapture();
  let app: App;
  let remove: () => Promise<void>;

  beforeAll(async () => {
    const tmp = await makeTempDir();
    remove = tmp.remove;
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tmp.dir, LOG_LEVEL: 'debug', LOG_FORMAT: 'json' });
    app = await createApp(config, { logger: createLogger(config, { stream: log }), channels: [testRoutes] });
    await app.start();
  }, 120_000);
  afterAll(async () => {
    await app?.stop();
    await remove?.();
  });

  /** Lines of one request, by its id. */
  const linesOf = (reqId: string) => log.lines.filter((l) => l.reqId === reqId);

  it('logs an ordinary request at debug only, with its id, route, status and time', async () => {
    const res = await fetch(`${baseOf(app)}/test/ok/7?sig=secret-signature`, { headers: { 'x-request-id': 'ordinary-1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('ordinary-1');
    const line = await log.waitFor('for the answered request', (l) => l.reqId === 'ordinary-1' && l.msg === 'request completed');
    expect(line).toMatchObject({ level: LEVEL.debug, method: 'GET', route: '/test/ok/:id', path: '/test/ok/7', statusCode: 200, responseTimeMs: expect.any(Number) });
    expect(linesOf('ordinary-1').filter((l) => l.level >= LEVEL.info)).toEqual([]);
    expect(JSON.stringify(linesOf('ordinary-1'))).not.toContain('secret-signature');
  });

  it('logs a server error at warn with the route and the time, beside the error itself', async () => {
    const res = await fetch(`${baseOf(app)}/test/fails/42?sig=secret-signature`, { headers: { 'x-request-id': 'fails-1' } });
    expect(res.status).toBe(500);
    const line = await log.waitFor('for the failed request', (l) => l.reqId === 'fails-1' && l.level === LEVEL.warn);
    expect(line).toMatchObject({ method: 'GET', route: '/test/fails/:id', path: '/test/fails/42', statusCode: 500, responseTimeMs: expect.any(Number) });
    expect(line.msg).toMatch(/^server error: GET \/test\/fails\/:id answered 500 in \d+ ms$/);
    expect(linesOf('fails-1')).toContainEqual(expect.objectContaining({ level: LEVEL.error, err: expect.objectContaining({ message: 'a bug' }) }));
    expect(JSON.stringify(linesOf('fails-1'))).not.toContain('secret-signature');
  });
});

describe('slow requests', () => {
  it('are logged at warn with the route and the time, over the threshold', async () => {
    const log = new LogCapture();
    const metrics = createMetrics({ defaultMetrics: false });
    const server = await buildServer({
      logger: createLogger({ logLevel: 'info', logFormat: 'json' }, { stream: log }),
      health: { registry: metrics.registry, isAccepting: () => true, checks: [] },
      slowRequestMs: 0, // every request is "slow": no clock in the assertion
    });
    const res = await server.inject({ url: '/health', headers: { 'x-request-id': 'slow-1' } });
    expect(res.statusCode).toBe(200);
    const line = await log.waitFor('for the slow request', (l) => l.reqId === 'slow-1');
    expect(line).toMatchObject({ level: LEVEL.warn, method: 'GET', route: '/health', statusCode: 200, responseTimeMs: expect.any(Number) });
    expect(line.msg).toMatch(/^slow request: GET \/health answered 200 in \d+ ms$/);
    await server.close();
  });
});

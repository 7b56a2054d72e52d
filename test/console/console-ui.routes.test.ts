import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { consoleUiRoutes } from '../../src/console/console-ui.routes.js';
import { buildServer } from '../../src/http/server.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { makeTempDir } from '../support/app.js';

/** The console page's policy, as the server's @fastify/helmet writes it. */
const CONSOLE_CSP =
  "default-src 'self';img-src 'self' blob: data:;connect-src 'self' ws: wss:;style-src 'self';script-src 'self';object-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'self'";
const INDEX = '<!doctype html><title>RelayDesk</title><script src="/console/assets/console-ABCD1234.js" defer></script>';

async function server(consoleDir: string) {
  const metrics = createMetrics({ defaultMetrics: false });
  return buildServer({
    logger: pino({ level: 'silent' }),
    health: { registry: metrics.registry, isAccepting: () => true, checks: [] },
    plugins: [(app) => consoleUiRoutes(app, { consoleDir })],
  });
}

describe('the console page and its assets', () => {
  let dir: string;
  let remove: () => Promise<void>;
  let app: Awaited<ReturnType<typeof server>>;

  beforeAll(async () => {
    ({ dir, remove } = await makeTempDir('relaydesk-console-ui-'));
    await mkdir(path.join(dir, 'dist'));
    await writeFile(path.join(dir, 'dist', 'index.html'), INDEX);
    await writeFile(path.join(dir, 'dist', 'console-ABCD1234.js'), 'console.log(1)');
    await writeFile(path.join(dir, 'dist', 'console-WXYZ5678.css'), 'body{color:red}');
    await writeFile(path.join(dir, 'dist', 'notes.txt'), 'not an asset');
    await writeFile(path.join(dir, 'secret.js'), 'outside dist');
    app = await server(dir);
  });
  afterAll(async () => {
    await app?.close();
    await remove?.();
  });

  it('answers /console with index.html under a strict content security policy', async () => {
    const res = await app.inject('/console');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.body).toBe(INDEX);
    expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['referrer-policy']).toBe('same-origin');
    expect(res.headers['cache-control']).toBe('no-cache');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });

  it.each(['/console/', '/console/requests/SR-1001', '/console/agents', '/console/channels', '/console/requests/SR-1001?tab=all', '/console/anything/else'])(
    'answers the deep link %s with the same page, for the client-side router',
    async (url) => {
      const res = await app.inject(url);
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe(INDEX);
      expect(res.headers['content-security-policy']).toBe(CONSOLE_CSP);
    },
  );

  it('serves hashed assets with their content type, cached for good', async () => {
    const js = await app.inject('/console/assets/console-ABCD1234.js');
    expect(js.statusCode).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(js.body).toBe('console.log(1)');
    const css = await app.inject('/console/assets/console-WXYZ5678.css');
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.body).toBe('body{color:red}');
  });

  it.each([
    '/console/assets/console-NOPE0000.js',
    '/console/assets/notes.txt',
    '/console/assets/index.html',
    '/console/assets/..%2Fsecret.js',
    '/console/assets/%2E%2E%2Fsecret.js',
    '/console/assets/sub/console-ABCD1234.js',
    '/console/assets/',
    '/console/assets',
  ])('answers 404 from the error catalogue for %s', async (url) => {
    const res = await app.inject(url);
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: { code: 'not_found' } });
    expect(res.body).not.toContain('outside dist');
  });

  it('answers 503 saying how to build the console when console/dist is missing, without its path', async () => {
    const { dir: empty, remove: removeEmpty } = await makeTempDir('relaydesk-console-ui-empty-');
    const bare = await server(empty);
    try {
      for (const url of ['/console', '/console/requests/SR-1', '/console/assets/console-ABCD1234.js']) {
        const res = await bare.inject(url);
        expect(res.statusCode).toBe(503);
        expect(res.json().error).toMatchObject({ code: 'unavailable', message: expect.stringContaining('npm run build:console') });
        expect(res.body, 'no server path in a public answer').not.toContain('relaydesk-console-ui-empty-');
      }
    } finally {
      await bare.close();
      await removeEmpty();
    }
  });
});

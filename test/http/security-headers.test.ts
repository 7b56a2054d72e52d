/**
 * Security headers of a whole gateway (@fastify/helmet): pages cannot be
 * framed and run only their own code; files other sites embed stay
 * embeddable. The pages themselves are checked in Chromium in
 * test/e2e/security.e2e.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { makeTempDir, startTestApp } from '../support/app.js';

/** A Content-Security-Policy header as directive → sources. */
function policy(header: string | string[] | number | undefined): Record<string, string[]> {
  expect(typeof header).toBe('string');
  return Object.fromEntries(
    String(header)
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('security headers', () => {
  let app: App;
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  const get = (url: string) => app.server.inject(url);

  beforeAll(async () => {
    tmp = await makeTempDir();
    app = await startTestApp({ dataDir: tmp.dir, channels: [] });
  });
  afterAll(async () => {
    await app?.stop();
    await tmp?.remove();
  });

  it.each(['/', '/console', '/console/requests/SR-1001', '/docs', '/docs/'])('%s cannot be framed and runs no inline code but its own', async (url) => {
    const res = await get(url);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    const csp = policy(res.headers['content-security-policy']);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['default-src']).toEqual(["'self'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['base-uri']).toEqual(["'none'"]);
    expect(csp['script-src']).toContain("'self'");
    expect(csp['script-src']).not.toContain("'unsafe-inline'");
    expect(csp['script-src']).not.toContain("'unsafe-eval'");
  });

  it('allows the demo page exactly its inline script and handlers, by hash', async () => {
    const csp = policy((await get('/')).headers['content-security-policy']);
    const hashes = csp['script-src']!.filter((s) => s.startsWith("'sha256-"));
    expect(hashes).toHaveLength(3); // the stub that queues calls, onsubmit and onclick
    expect(csp['script-src']).toContain("'unsafe-hashes'");
    expect(csp['connect-src']).toEqual(["'self'", 'ws:', 'wss:']);
  });

  it('serves Swagger UI\'s files under its policy, which lets it call only this API', async () => {
    for (const url of ['/docs', '/docs/static/swagger-initializer.js', '/docs/json']) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(200);
      expect(policy(res.headers['content-security-policy'])['connect-src'], url).toEqual(["'self'"]);
    }
  });

  it('lets other sites load the widget script, and allows nothing in JSON answers', async () => {
    const widget = await get('/widget.js');
    expect(widget.statusCode).toBe(200);
    expect(widget.headers['cross-origin-resource-policy']).toBe('cross-origin');
    expect(widget.headers['access-control-allow-origin']).toBe('*');

    for (const url of ['/health', '/api/requests', '/no-such-page']) {
      const res = await get(url);
      expect(policy(res.headers['content-security-policy'])['default-src'], url).toEqual(["'none'"]);
      expect(res.headers['cross-origin-resource-policy'], url).toBe('same-origin');
      expect(res.headers['x-frame-options'], url).toBe('DENY');
    }
    expect((await get('/health')).headers['strict-transport-security']).toBeUndefined();
  });
});

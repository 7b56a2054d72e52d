import type { FastifyInstance } from 'fastify';

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>RelayDesk</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#1f2933}code{background:#f0f4f8;padding:.1rem .3rem;border-radius:4px}</style>
</head><body>
<h1>RelayDesk is running</h1>
<p>The gateway is up. Operational endpoints:</p>
<ul>
<li><a href="/health"><code>/health</code></a> — liveness</li>
<li><a href="/ready"><code>/ready</code></a> — database and state store reachable</li>
<li><a href="/metrics"><code>/metrics</code></a> — Prometheus metrics</li>
</ul>
</body></html>`;

/** The landing page of a running gateway. */
export async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
}

import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/** A dependency that must answer for the instance to take traffic. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

export interface HealthRoutesOptions {
  checks: ReadinessCheck[];
  registry: Registry;
  /** Refreshes gauges that are read on demand (outbox counts) before a scrape. */
  beforeScrape?: () => Promise<void>;
  /** false once shutdown began: /ready then answers 503 so the balancer stops sending. */
  isAccepting: () => boolean;
  /** What /ready also reports without depending on it (a channel's connection state). */
  info?: () => Promise<Record<string, unknown>>;
}

const CHECK_TIMEOUT_MS = 2000;

export async function healthRoutes(app: FastifyInstance, opts: HealthRoutesOptions): Promise<void> {
  app.get('/health', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/ready', { logLevel: 'warn' }, async (_request, reply) => {
    const results = await Promise.all(opts.checks.map(runCheck));
    const checks = Object.fromEntries(results.map((r) => [r.name, r.ok ? 'ok' : r.error]));
    const ready = opts.isAccepting() && results.every((r) => r.ok);
    const info = opts.info ? await opts.info().catch((error: unknown) => ({ error: String(error) })) : {};
    return reply.status(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', accepting: opts.isAccepting(), checks, ...info });
  });

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    await opts.beforeScrape?.().catch((error: unknown) => app.log.warn({ err: error }, 'metrics refresh failed'));
    return reply.type(opts.registry.contentType).send(await opts.registry.metrics());
  });
}

async function runCheck(c: ReadinessCheck): Promise<{ name: string; ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([c.check(), timeout]);
    return { name: c.name, ok: true };
  } catch (error) {
    return { name: c.name, ok: false, error: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}

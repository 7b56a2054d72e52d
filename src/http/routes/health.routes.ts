import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

/** A dependency that must answer for the instance to take traffic. */
export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/** One check's latest result; `error` (the reason it failed) is for operators only. */
export interface CheckStatus {
  name: string;
  ok: boolean;
  error: string | null;
  /** Since when the check has had this result (ok or not), as far as this instance has seen. */
  since: string;
}

/** A channel's connection as it reports it (see ChannelModule.status), without its pairing code. */
export interface ChannelState {
  channel: string;
  state: string;
  reason: string | null;
  since: string | null;
  /** Its yes/no facts, e.g. WhatsApp's `runsClient` (this instance drives the client). */
  flags: Record<string, boolean>;
}

/** Everything readiness knows, details included: for logs and admins, never for the public /ready. */
export interface ReadinessReport {
  ready: boolean;
  accepting: boolean;
  checks: CheckStatus[];
  channels: ChannelState[];
}

/** Runs the checks and remembers their results, logging each change once. */
export interface Readiness {
  report(): Promise<ReadinessReport>;
}

export interface ReadinessOptions {
  checks: ReadinessCheck[];
  /** false once shutdown began: /ready then answers 503 so the balancer stops sending. */
  isAccepting: () => boolean;
  /** Each reporting channel's status by channel name; informational, it never makes readiness fail. */
  channels?: () => Promise<Record<string, Record<string, unknown>>>;
  logger: { warn(obj: object, msg: string): void };
  clock?: () => Date;
}

/** The form before `readiness` existed: a Readiness is built from these, logging to the server's log. */
interface LegacyReadinessOptions {
  checks: ReadinessCheck[];
  isAccepting: () => boolean;
  /** `{ channels: { <name>: { state, … } } }`, as app.ts builds it. */
  info?: () => Promise<Record<string, unknown>>;
}

export type HealthRoutesOptions = {
  registry: Registry;
  /** Refreshes gauges that are read on demand (outbox counts) before a scrape. */
  beforeScrape?: () => Promise<void>;
} & ({ readiness: Readiness } | LegacyReadinessOptions);

const CHECK_TIMEOUT_MS = 2000;
/** What a channel's state may look like in public: a word, never free text. */
const STATE_WORD = /^[a-z][a-z0-9_]{0,39}$/;
/** The name of a yes/no fact a channel reports (`runsClient`). */
const FLAG_NAME = /^[a-zA-Z][a-zA-Z0-9_]{0,39}$/;

/**
 * `/health` (liveness), `/ready` (readiness) and `/metrics`. `/ready` is
 * public: it says which check fails, never why (an error names internal hosts,
 * ports or SQL); the why is logged when it changes and shown to admins
 * (GET /api/system/status).
 */
export async function healthRoutes(app: FastifyInstance, opts: HealthRoutesOptions): Promise<void> {
  const readiness = 'readiness' in opts ? opts.readiness : createReadiness({ ...opts, channels: legacyChannels(opts.info), logger: app.log });

  app.get('/health', { logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/ready', { logLevel: 'warn' }, async (_request, reply) => {
    const report = await readiness.report();
    return reply.status(report.ready ? 200 : 503).send(toPublicReadiness(report));
  });

  app.get('/metrics', { logLevel: 'warn' }, async (_request, reply) => {
    await opts.beforeScrape?.().catch((error: unknown) => app.log.warn({ err: error }, 'metrics refresh failed'));
    return reply.type(opts.registry.contentType).send(await opts.registry.metrics());
  });
}

/** What anyone may see: per check `ok` or `unavailable`, per channel its state word and yes/no facts, never text. */
export function toPublicReadiness(report: ReadinessReport): Record<string, unknown> {
  const checks = Object.fromEntries(report.checks.map((c) => [c.name, c.ok ? 'ok' : 'unavailable']));
  const channels = Object.fromEntries(report.channels.map((c) => [c.channel, { state: STATE_WORD.test(c.state) ? c.state : 'unknown', ...c.flags }]));
  return {
    status: report.ready ? 'ready' : 'unavailable',
    accepting: report.accepting,
    checks,
    ...(report.channels.length > 0 ? { channels } : {}),
  };
}

export function createReadiness(opts: ReadinessOptions): Readiness {
  const clock = opts.clock ?? (() => new Date());
  const last = new Map<string, CheckStatus>();

  /** Logs a check whose result changed (the first result only if it fails), with the error. */
  function remember(name: string, error: unknown): CheckStatus {
    const ok = error === undefined;
    const message = ok ? null : error instanceof Error ? error.message : String(error);
    const previous = last.get(name);
    if (previous && previous.ok === ok && previous.error === message) return previous;
    if (!ok && previous?.ok !== false) opts.logger.warn({ check: name, err: error }, `readiness check ${name} failed`);
    if (ok && previous?.ok === false) opts.logger.warn({ check: name, down: previous.since }, `readiness check ${name} answers again`);
    // A failing check whose error changes keeps its `since`: it has been down since then.
    const since = previous && previous.ok === ok ? previous.since : clock().toISOString();
    const status = { name, ok, error: message, since };
    last.set(name, status);
    return status;
  }

  async function channels(): Promise<ChannelState[]> {
    if (!opts.channels) return [];
    try {
      return Object.entries(await opts.channels()).map(([channel, s]) => ({
        channel,
        state: typeof s.state === 'string' ? s.state : 'unknown',
        reason: typeof s.reason === 'string' ? s.reason : null,
        since: typeof s.since === 'string' ? s.since : null,
        flags: Object.fromEntries(Object.entries(s).filter((e): e is [string, boolean] => typeof e[1] === 'boolean' && FLAG_NAME.test(e[0]))),
      }));
    } catch (error) {
      opts.logger.warn({ err: error }, 'channel status unavailable for readiness');
      return [];
    }
  }

  return {
    async report() {
      const [checks, states] = await Promise.all([
        Promise.all(opts.checks.map(async (c) => remember(c.name, await runCheck(c)))),
        channels(),
      ]);
      const accepting = opts.isAccepting();
      return { ready: accepting && checks.every((c) => c.ok), accepting, checks, channels: states };
    },
  };
}

function legacyChannels(info: LegacyReadinessOptions['info']): ReadinessOptions['channels'] {
  if (!info) return undefined;
  return async () => ((await info()).channels ?? {}) as Record<string, Record<string, unknown>>;
}

/** Resolves with the check's error (undefined when it answered) within CHECK_TIMEOUT_MS. */
async function runCheck(c: ReadinessCheck): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([c.check(), timeout]);
    return undefined;
  } catch (error) {
    return error ?? new Error('failed');
  } finally {
    clearTimeout(timer);
  }
}

import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { ChannelFactory, ChannelModule } from '../../src/channels/channel.port.js';
import { webchatChannel } from '../../src/channels/webchat/index.js';

export interface TestAppOptions {
  dataDir: string;
  databaseUrl?: string | null;
  redisUrl?: string | null;
  /** Defaults to the web chat channel, as `npm start` runs it. */
  channels?: Array<ChannelModule | ChannelFactory>;
  clock?: () => Date;
  env?: Record<string, string>;
}

/** Builds and starts a whole gateway on a free port, configured the way `npm start` would be. */
export async function startTestApp(opts: TestAppOptions): Promise<App> {
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: opts.dataDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    OUTBOX_POLL_INTERVAL: '200ms',
    // Shared by instances started side by side, as production requires with Redis.
    WEBCHAT_SECRET: 'test-webchat-secret-0123456789',
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : {}),
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl, REDIS_PREFIX: redisPrefixFor(opts.databaseUrl) } : {}),
    ...opts.env,
  });
  const app = await createApp(config, { channels: opts.channels ?? [webchatChannel], ...(opts.clock ? { clock: opts.clock } : {}) });
  await app.start();
  return app;
}

/** The origin a started gateway listens on, e.g. `http://127.0.0.1:41234`. */
export function baseOf(app: App): string {
  const address = app.server.server.address();
  if (!address || typeof address === 'string') throw new Error('the app is not listening');
  return `http://127.0.0.1:${address.port}`;
}

/**
 * Test files run side by side on one Redis: each deployment (a scratch
 * database, shared by the instances a test starts on it) gets its own Redis
 * namespace, so broadcasts and rate limits never cross between tests.
 */
function redisPrefixFor(databaseUrl: string | null | undefined): string {
  const name = databaseUrl ? new URL(databaseUrl).pathname.slice(1) : `embedded_${Math.random().toString(36).slice(2, 10)}`;
  return `t_${name}:`;
}

export async function makeTempDir(prefix = 'relaydesk-test-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

/** A TCP port free on 127.0.0.1 right now, for a process that must listen on a port known in advance. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

import { mkdtemp, rm } from 'node:fs/promises';
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
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
    ...opts.env,
  });
  const app = await createApp(config, { channels: opts.channels ?? [webchatChannel], ...(opts.clock ? { clock: opts.clock } : {}) });
  await app.start();
  return app;
}

export async function makeTempDir(prefix = 'relaydesk-test-'): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

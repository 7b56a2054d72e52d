/**
 * Several gateway instances side by side, as production runs them behind a
 * load balancer: one PostgreSQL database, one Redis, one DATA_DIR and one
 * WEBCHAT_SECRET (startTestApp sets it) for all of them.
 */
import type { App } from '../../src/app.js';
import type { ChannelFactory, ChannelModule } from '../../src/channels/channel.port.js';
import { startTestApp, type TestAppOptions } from './app.js';
import type { BackendEnv } from './backends.js';

export interface InstanceOptions {
  /** The channels of instance `index` (0-based); by default the web chat, as `npm start` runs it. */
  channels?: (index: number) => Array<ChannelModule | ChannelFactory>;
  env?: TestAppOptions['env'];
}

export interface Instances {
  apps: App[];
  /** Stops every instance, then removes the back end (its database and DATA_DIR). */
  close(): Promise<void>;
}

/** Starts `n` gateways on the back end `env` (usually productionBackend's); `close()` cleans `env` up too. */
export async function startInstances(n: number, env: BackendEnv, opts: InstanceOptions = {}): Promise<Instances> {
  const apps: App[] = [];
  const close = async () => {
    for (const app of apps) await app.stop();
    await env.cleanup();
  };
  try {
    for (let i = 0; i < n; i++) {
      apps.push(await startTestApp({ ...env, ...(opts.channels ? { channels: opts.channels(i) } : {}), ...(opts.env ? { env: opts.env } : {}) }));
    }
  } catch (err) {
    await close();
    throw err;
  }
  return { apps, close };
}

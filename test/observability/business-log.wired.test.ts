import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/observability/logger.js';
import { fileRequest } from '../console/console-client.js';
import { embeddedBackend } from '../support/backends.js';
import { TestChannel } from '../support/test-channel.js';
import { LogCapture } from './log-capture.js';

describe('the gateway itself', () => {
  it('logs business events through its own logger, once each', async () => {
    const env = await embeddedBackend.setup();
    const log = new LogCapture();
    const channel = new TestChannel();
    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: env.dataDir, LOG_LEVEL: 'info', LOG_FORMAT: 'json' });
    const app = await createApp(config, { logger: createLogger(config, { stream: log }), channels: [channel] });
    await app.start();
    try {
      const number = await fileRequest(channel, 'wired');
      await log.waitFor('request created', (l) => l.msg === 'request created' && l.request === number && l.component === 'desk');
      expect(log.lines.filter((l) => l.msg === 'request created' && l.request === number)).toHaveLength(1);
    } finally {
      await app.stop();
      await env.cleanup();
    }
  }, 120_000);
});

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ChannelFactory } from '../channel.port.js';
import { createWebchatChannel } from './webchat.adapter.js';

export { createWebchatChannel, type WebchatChannel, type WebchatOptions } from './webchat.adapter.js';

/**
 * The secret that signs visitor tokens: WEBCHAT_SECRET, or one generated on
 * first start and kept in DATA_DIR so tokens survive restarts of a single
 * instance (config refuses REDIS_URL without WEBCHAT_SECRET).
 */
export function resolveWebchatSecret(configured: string | null, dataDir: string): string {
  if (configured) return configured;
  const file = path.join(dataDir, 'webchat-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
    return secret;
  }
}

/** The web chat channel, configured from the environment. */
export const webchatChannel: ChannelFactory = (ctx) =>
  createWebchatChannel(
    {
      secret: resolveWebchatSecret(ctx.config.webchat.secret, ctx.config.dataDir),
      identitySecret: ctx.config.webchat.identitySecret,
      allowedOrigins: ctx.config.webchat.allowedOrigins,
      messageRate: ctx.config.webchat.messageRate,
      uploadRate: ctx.config.webchat.uploadRate,
      uploadMaxBytes: ctx.config.uploadMaxBytes,
      defaultLocale: ctx.config.defaultLocale,
    },
    {
      store: ctx.store,
      attachments: ctx.attachments,
      logger: ctx.logger,
      clock: ctx.clock,
      redis: ctx.redis,
      io: ctx.io,
      onVisitorTyping: (customer, typing) => ctx.events.emit('customer_typing', { customer, typing }),
    },
  );

import { randomBytes } from 'node:crypto';
import type { RequestStore } from '../../requests/request-store.port.js';
import type { ChannelFactory } from '../channel.port.js';
import { createWebchatChannel } from './webchat.adapter.js';

export { createWebchatChannel, type WebchatChannel, type WebchatOptions } from './webchat.adapter.js';

/** The setting that keeps a generated signing secret (see resolveWebchatSecret). */
export const WEBCHAT_SECRET_SETTING = 'webchat.secret';

/**
 * The secret that signs visitor tokens: WEBCHAT_SECRET, or one generated on
 * the first start and kept in the database, so that every instance on that
 * database signs alike and tokens survive restarts.
 */
export async function resolveWebchatSecret(configured: string | null, store: Pick<RequestStore, 'ensureSetting'>): Promise<string> {
  if (configured) return configured;
  return store.ensureSetting(WEBCHAT_SECRET_SETTING, randomBytes(32).toString('base64url'));
}

/** The web chat channel, configured from the environment. */
export const webchatChannel: ChannelFactory = async (ctx) => {
  const { config } = ctx;
  const channel = createWebchatChannel(
    {
      ...config.webchat,
      secret: await resolveWebchatSecret(config.webchat.secret, ctx.store),
      uploadMaxBytes: config.uploadMaxBytes,
      defaultLocale: config.defaultLocale,
      trustProxy: config.trustProxy,
    },
    {
      store: ctx.store,
      settings: ctx.settings,
      attachments: ctx.attachments,
      logger: ctx.logger,
      clock: ctx.clock,
      redis: ctx.redis,
      io: ctx.io,
      onVisitorTyping: (customerId, typing) => ctx.events.emit('customer_typing', { customerId, typing }),
    },
  );
  ctx.events.on('customer_signed_out', ({ customer }) => {
    if (customer.channel === channel.port.name) channel.signOut(customer.externalId);
  });
  return channel;
};

import type { ChannelFactory } from '../channel.port.js';
import type { ChannelDesk } from '../channel-desk.port.js';
import { createWebchatChannel } from './webchat.adapter.js';
import { WEBCHAT_CHANNEL } from './webchat.protocol.js';

export { createWebchatChannel, type WebchatChannel, type WebchatOptions } from './webchat.adapter.js';

/**
 * The secret that signs visitor tokens: WEBCHAT_SECRET, or one generated on
 * the first start and kept in the database, so that every instance on that
 * database signs alike and tokens survive restarts.
 */
export async function resolveWebchatSecret(configured: string | null, desk: Pick<ChannelDesk, 'sharedSecret'>): Promise<string> {
  if (configured) return configured;
  return desk.sharedSecret('secret');
}

/** The web chat channel, configured from the environment. */
export const webchatChannel: ChannelFactory = async (ctx) => {
  const { config } = ctx;
  const desk = ctx.desk(WEBCHAT_CHANNEL);
  const channel = createWebchatChannel(
    {
      ...config.webchat,
      secret: await resolveWebchatSecret(config.webchat.secret, desk),
      uploadMaxBytes: config.uploadMaxBytes,
      defaultLocale: config.defaultLocale,
      trustProxy: config.trustProxy,
    },
    {
      desk,
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

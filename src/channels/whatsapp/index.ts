import path from 'node:path';
import QRCode from 'qrcode';
import type { ChannelContext, ChannelFactory } from '../channel.port.js';
import { createWhatsappChannel, type WhatsappChannel } from './whatsapp.adapter.js';
import type { WaDriver } from './whatsapp.client.port.js';
import { createWhatsappWebDriver } from './whatsapp.driver.js';

export { createWhatsappChannel, type WhatsappChannel, type WhatsappOptions } from './whatsapp.adapter.js';
export type { WhatsappStatus } from './whatsapp.status.js';

/**
 * The WhatsApp channel, configured from the environment (WHATSAPP_ENABLED=true).
 * `driver` replaces whatsapp-web.js (tests pass the fake one). Each pairing QR
 * code is printed in the terminal and shown to admins in the console.
 */
export function whatsappChannelWith(driver?: WaDriver): ChannelFactory {
  return (ctx: ChannelContext): WhatsappChannel => {
    const config = ctx.config.whatsapp;
    if (!config) throw new Error('the WhatsApp channel needs WHATSAPP_ENABLED=true');
    let lastQr: string | null = null;
    return createWhatsappChannel(
      {
        sessionDir: path.join(ctx.config.dataDir, 'whatsapp'),
        maxBytes: ctx.config.uploadMaxBytes,
        chatGapMs: config.chatGapMs,
        sendGapMs: config.sendGapMs,
      },
      {
        driver: driver ?? createWhatsappWebDriver({ chromiumPath: config.chromiumPath }),
        logger: ctx.logger,
        redis: ctx.redis,
        onStatus: (status) => {
          ctx.events.emit('channel_status', { channel: 'whatsapp', status: { ...status } });
          // Printed with the logs: a quiet log (LOG_LEVEL error or silent) prints no code either.
          if (status.state !== 'waiting_for_scan' || !status.qr || status.qr === lastQr || !ctx.logger.isLevelEnabled('warn')) return;
          lastQr = status.qr;
          ctx.logger.warn('WhatsApp is waiting for a scan: open WhatsApp on the phone, Linked devices → Link a device, and scan this code (also shown to admins in the console)');
          QRCode.toString(status.qr, { type: 'terminal', small: true })
            .then((art) => process.stdout.write(`${art}\n`))
            .catch(() => undefined);
        },
      },
    );
  };
}

export const whatsappChannel: ChannelFactory = whatsappChannelWith();

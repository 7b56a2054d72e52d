import path from 'node:path';
import type { Logger } from 'pino';
import QRCode from 'qrcode';
import type { ChannelContext, ChannelFactory } from '../channel.port.js';
import { createWhatsappChannel, type WhatsappChannel } from './whatsapp.adapter.js';
import type { WaDriver } from './whatsapp.client.port.js';
import type { WhatsappStatus } from './whatsapp.status.js';

export { createWhatsappChannel, type WhatsappChannel, type WhatsappDeps, type WhatsappOptions } from './whatsapp.adapter.js';
export type { WaDriver } from './whatsapp.client.port.js';
export { createWhatsappWebDriver } from './whatsapp.driver.js';
export type { WhatsappStatus } from './whatsapp.status.js';

/**
 * The WhatsApp channel on `driver`, configured from the environment
 * (WHATSAPP_ENABLED=true). The composition root chooses the driver:
 * whatsapp-web.js (`createWhatsappWebDriver`) in src/main.ts, the fake one in
 * tests. Each pairing QR code is printed in the terminal and shown to admins in the console.
 */
export function whatsappChannelWith(driver: WaDriver): ChannelFactory {
  return (ctx: ChannelContext): WhatsappChannel => {
    const config = ctx.config.whatsapp;
    if (!config) throw new Error('the WhatsApp channel needs WHATSAPP_ENABLED=true');
    const printQr = qrPrinter(ctx.logger);
    return createWhatsappChannel(
      { sessionDir: path.join(ctx.config.dataDir, 'whatsapp'), maxBytes: ctx.config.uploadMaxBytes, chatGapMs: config.chatGapMs, sendGapMs: config.sendGapMs },
      {
        driver,
        logger: ctx.logger,
        redis: ctx.redis,
        onStatus: (status) => {
          ctx.events.emit('channel_status', { channel: 'whatsapp', status: { ...status } });
          printQr(status);
        },
      },
    );
  };
}

/**
 * Prints each new pairing QR code in the terminal, with the logs: a quiet log
 * (LOG_LEVEL error or silent) prints no code either.
 */
function qrPrinter(logger: Logger): (status: WhatsappStatus) => void {
  let lastQr: string | null = null;
  return (status) => {
    if (status.state !== 'waiting_for_scan' || !status.qr || status.qr === lastQr || !logger.isLevelEnabled('warn')) return;
    lastQr = status.qr;
    logger.warn('WhatsApp is waiting for a scan: open WhatsApp on the phone, Linked devices → Link a device, and scan this code (also shown to admins in the console)');
    QRCode.toString(status.qr, { type: 'terminal', small: true })
      .then((art) => process.stdout.write(`${art}\n`))
      .catch(() => undefined);
  };
}

import QRCode from 'qrcode';
import type { ChannelStatusView } from './console.api.js';

/** A channel's status as admins see it, the pairing code drawn as an SVG QR code. */
export async function toChannelStatusView(channel: string, status: Record<string, unknown>): Promise<ChannelStatusView> {
  const qr = typeof status.qr === 'string' ? status.qr : null;
  return {
    channel,
    state: typeof status.state === 'string' ? status.state : 'unknown',
    reason: typeof status.reason === 'string' ? status.reason : null,
    since: typeof status.since === 'string' ? status.since : null,
    qrSvg: qr ? await QRCode.toString(qr, { type: 'svg', margin: 2 }) : null,
  };
}

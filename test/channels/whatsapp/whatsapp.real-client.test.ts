/**
 * The real whatsapp-web.js Client on the system Chromium: it must reach the
 * pairing stage (a QR code), or fail with a clear error when WhatsApp cannot
 * be reached (as on this offline machine), and never hang.
 */
import { describe, expect, it } from 'vitest';
import { describeStartFailure } from '../../../src/channels/whatsapp/whatsapp.session.js';
import { createWhatsappWebDriver } from '../../../src/channels/whatsapp/whatsapp.driver.js';
import { makeTempDir } from '../../support/app.js';
import { chromiumPath, haveChromium } from '../../e2e/support/browser.js';

const DEADLINE_MS = 90_000;

type Outcome = { kind: 'qr'; qr: string } | { kind: 'initialized' } | { kind: 'error'; message: string } | { kind: 'timeout' };

describe.skipIf(!haveChromium())('whatsapp-web.js with the system Chromium', () => {
  it('reaches the QR stage or fails with a clear offline error, without hanging', async () => {
    const tmp = await makeTempDir('relaydesk-wa-');
    const client = createWhatsappWebDriver({ chromiumPath }).createClient(tmp.dir);
    let timer: NodeJS.Timeout | undefined;
    try {
      const outcome = await Promise.race<Outcome>([
        new Promise((resolve) => client.on('qr', (qr) => resolve({ kind: 'qr', qr }))),
        client.initialize().then(
          (): Outcome => ({ kind: 'initialized' }),
          (error: unknown): Outcome => ({ kind: 'error', message: error instanceof Error ? error.message : String(error) }),
        ),
        new Promise((resolve) => {
          timer = setTimeout(() => resolve({ kind: 'timeout' }), DEADLINE_MS);
        }),
      ]);
      expect(outcome.kind).not.toBe('timeout');
      if (outcome.kind === 'qr') expect(outcome.qr).toMatch(/^\d@/);
      if (outcome.kind === 'error') expect(describeStartFailure(new Error(outcome.message))).toMatch(/^cannot reach web\.whatsapp\.com \(offline\?\)/);
      // Without network there is no QR code; say which way it went.
      console.error(`whatsapp-web.js outcome: ${JSON.stringify(outcome).slice(0, 300)}`);
    } finally {
      clearTimeout(timer);
      await client.destroy().catch(() => undefined);
      await tmp.remove();
    }
  }, DEADLINE_MS + 30_000);
});

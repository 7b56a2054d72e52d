/**
 * The real driver: whatsapp-web.js with its LocalAuth session store under
 * DATA_DIR, on the system Chromium (no browser is downloaded: see
 * .puppeteerrc.cjs). https://wwebjs.dev/guide/
 */
import path from 'node:path';
import wweb from 'whatsapp-web.js';
import type { WaClient, WaDriver, WaMedia } from './whatsapp.client.port.js';

const { Client, LocalAuth, MessageMedia } = wweb;

/** Flags that let Chromium run headless in a container without a GPU or a sandbox user namespace. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-setuid-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
];

export function createWhatsappWebDriver(opts: { chromiumPath: string }): WaDriver {
  return {
    createClient(sessionDir) {
      const client = new Client({
        authStrategy: new LocalAuth({ dataPath: sessionDir }),
        // The WhatsApp Web build is cached with the session, not in the working directory.
        webVersionCache: { type: 'local', path: path.join(sessionDir, 'web-version-cache') },
        puppeteer: { executablePath: opts.chromiumPath, headless: true, args: CHROMIUM_ARGS },
      });
      // The library's typings overload `on` per event; the shapes are the port's.
      return client as unknown as WaClient;
    },
    createMedia(mimetype, data, filename): WaMedia {
      return new MessageMedia(mimetype, data.toString('base64'), filename ?? undefined, data.length);
    },
  };
}

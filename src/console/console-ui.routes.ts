import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyHelmetRouteOptions } from '@fastify/helmet';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { findPackageRoot } from '../db/migrate.js';
import { HttpError } from '../http/errors.js';

export interface ConsoleUiRoutesOptions {
  /** Folder holding `dist/` as `npm run build:console` writes it; defaults to the package's `console/`. */
  consoleDir?: string;
}

/**
 * The console's page: only its own script and styles, no inline code, images
 * from the API (and blob:/data: ones), the socket.io connection, never framed.
 */
export const CONSOLE_CSP: Readonly<Record<string, string[]>> = {
  defaultSrc: ["'self'"],
  imgSrc: ["'self'", 'blob:', 'data:'],
  connectSrc: ["'self'", 'ws:', 'wss:'],
  styleSrc: ["'self'"],
  scriptSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};

/** The page's headers (the server's helmet adds X-Frame-Options, nosniff and the rest). */
const PAGE: FastifyHelmetRouteOptions = {
  helmet: { contentSecurityPolicy: { useDefaults: false, directives: CONSOLE_CSP }, referrerPolicy: { policy: 'same-origin' } },
};

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

/** A plain file name: no folders, no `..`. */
const FILE_NAME = /^[\w-]+(\.[\w-]+)+$/;
/** esbuild's content-hashed output names (`console-QXIDCVBQ.js`): their content never changes. */
const HASHED = /-[A-Z0-9]{8}\.\w+$/;
const FOREVER = 'public, max-age=31536000, immutable';

/**
 * Serves the agent console, a single-page app: `GET /console` and every path
 * under it (deep links such as `/console/requests/SR-1001`) answer index.html,
 * whose router shows the screen; `GET /console/assets/<file>` answers the
 * bundle from `console/dist`, built by `npm run build:console` (run by
 * `npm install` and `npm start`).
 */
export async function consoleUiRoutes(app: FastifyInstance, opts: ConsoleUiRoutesOptions): Promise<void> {
  const dist = path.join(opts.consoleDir ?? path.join(findPackageRoot(), 'console'), 'dist');
  const index = path.join(dist, 'index.html');
  // The path is in the cause, which goes to the log (handleError), not to the browser.
  const unavailable = (cause: unknown) => new HttpError('unavailable', 'the console is not built: run "npm run build:console"', { cause });

  const sendIndex = async (reply: FastifyReply) => {
    const html = await readFile(index).catch((error: unknown) => {
      throw unavailable(error);
    });
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(html);
  };

  app.get('/console', PAGE, async (_request, reply) => sendIndex(reply));

  app.get<{ Params: { '*': string } }>('/console/*', PAGE, async (request, reply) => {
    const rest = request.params['*'];
    if (rest === 'assets' || rest.startsWith('assets/')) throw new HttpError('not_found', `no console asset ${rest.slice('assets/'.length)}`);
    return sendIndex(reply);
  });

  app.get<{ Params: { file: string } }>('/console/assets/:file', async (request, reply) => {
    const { file } = request.params;
    const type = CONTENT_TYPES[path.extname(file)];
    if (!type || !FILE_NAME.test(file)) throw new HttpError('not_found', `no console asset ${file}`);
    const body = await readFile(path.join(dist, file)).catch(async (error: unknown) => {
      const built = await stat(dist).then(
        () => true,
        () => false,
      );
      throw built ? new HttpError('not_found', `no console asset ${file}`, { cause: error }) : unavailable(error);
    });
    return reply
      .type(type)
      .header('cache-control', HASHED.test(file) ? FOREVER : 'no-cache')
      .header('x-content-type-options', 'nosniff')
      .send(body);
  });
}

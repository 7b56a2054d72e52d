import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { findPackageRoot } from '../../db/migrate.js';
import { HttpError } from '../errors.js';

export interface WidgetRoutesOptions {
  /** Folder holding `dist/widget.js` and `demo.html`; defaults to the package's `widget/`. */
  widgetDir?: string;
}

/**
 * Serves the embeddable widget bundle at `/widget.js` and, at `/`, a demo page
 * that embeds it the way a customer's site would. The bundle is built by
 * `npm run build:widget` (run by `npm install` and `npm start`).
 */
export async function widgetRoutes(app: FastifyInstance, opts: WidgetRoutesOptions): Promise<void> {
  const dir = opts.widgetDir ?? path.join(findPackageRoot(), 'widget');
  const bundle = path.join(dir, 'dist', 'widget.js');
  const demo = path.join(dir, 'demo.html');
  const read = async (file: string) => {
    try {
      return await readFile(file);
    } catch {
      throw new HttpError('unavailable', `${path.relative(process.cwd(), file)} is missing: run "npm run build:widget"`);
    }
  };

  app.get('/widget.js', async (_request, reply) =>
    reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .send(await read(bundle)),
  );

  app.get('/', async (_request, reply) => reply.type('text/html; charset=utf-8').send(await read(demo)));
}

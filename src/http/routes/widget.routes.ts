import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type {} from '@fastify/helmet';
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
  // The path and the error stay in the log (handleError logs a 5xx's cause).
  const read = (file: string, missing: string) =>
    readFile(file).catch((error: unknown) => {
      throw new HttpError('unavailable', missing, { cause: error });
    });

  // Other sites load it with a script tag: a cross-origin, no-cors request that a same-origin CORP would block.
  app.get('/widget.js', { helmet: { crossOriginResourcePolicy: { policy: 'cross-origin' } } }, async (_request, reply) =>
    reply
      .type('application/javascript; charset=utf-8')
      .header('cache-control', 'public, max-age=300')
      .header('access-control-allow-origin', '*')
      .send(await read(bundle, 'the widget is not built: run "npm run build:widget"')),
  );

  app.get('/', async (_request, reply) => {
    const html = await read(demo, 'the demo page is missing');
    reply.helmet({ contentSecurityPolicy: { useDefaults: false, directives: demoPageDirectives(html.toString('utf8')) } });
    return reply.type('text/html; charset=utf-8').send(html);
  });
}

/**
 * The demo page's policy: its own inline script and event handlers by hash
 * (taken from the page itself, so editing it needs no change here), inline
 * styles (the page's, and the `<style>` the widget puts in its shadow root),
 * the socket.io connection, never framed.
 */
export function demoPageDirectives(html: string): Record<string, string[]> {
  const scripts = [...html.matchAll(/<script(?![^>]*\ssrc=)[^>]*>([\s\S]*?)<\/script>/gi)].map((m) => m[1] ?? '');
  const handlers = [...html.matchAll(/\son[a-z]+\s*=\s*"([^"]*)"/gi)].map((m) => decodeEntities(m[1] ?? ''));
  const hashes = [...new Set([...scripts, ...handlers].map(cspHash))];
  return {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'", ...(handlers.length > 0 ? ["'unsafe-hashes'"] : []), ...hashes],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'blob:', 'data:'],
    connectSrc: ["'self'", 'ws:', 'wss:'],
    objectSrc: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
  };
}

/** A CSP source expression for exactly this inline code. */
function cspHash(code: string): string {
  return `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`;
}

/** An attribute's value as the browser hashes it: after character references are decoded. */
function decodeEntities(value: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
  return value.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, ref: string) => {
    if (ref.startsWith('#x') || ref.startsWith('#X')) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith('#')) return String.fromCodePoint(Number(ref.slice(1)));
    return named[ref.toLowerCase()] ?? whole;
  });
}

/**
 * The agent API's document at /docs/json and its viewer at /docs: each schema
 * once, and RelayDesk's name and mark rather than fastify's and Swagger's.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/app.js';
import { makeTempDir, startTestApp } from '../support/app.js';
import { ADMIN_ENV, baseOf, type Json } from './console-client.js';

const swaggerUiDir = path.dirname(createRequire(import.meta.url).resolve('@fastify/swagger-ui/package.json'));

describe('the agent API document and its viewer', () => {
  let app: App;
  let tmp: Awaited<ReturnType<typeof makeTempDir>>;
  let base: string;

  beforeAll(async () => {
    tmp = await makeTempDir();
    app = await startTestApp({ dataDir: tmp.dir, channels: [], env: ADMIN_ENV });
    base = baseOf(app);
  });
  afterAll(async () => {
    await app?.stop();
    await tmp?.remove();
  });

  it('lists each schema once, every one of them used', async () => {
    const doc = (await (await fetch(`${base}/docs/json`)).json()) as Json;
    const schemas = doc.components.schemas as Record<string, unknown>;
    const names = Object.keys(schemas);
    expect(names).toEqual(expect.arrayContaining(['Agent', 'Session', 'Request', 'RequestPage', 'Error']));
    // The same schema under two names (`Agent` and `AgentInput`) is listed twice.
    const bodies = names.map((n) => JSON.stringify(schemas[n]));
    const twice = names.filter((n, i) => bodies.indexOf(bodies[i]!) !== i);
    expect(twice, 'schemas listed under a second name').toEqual([]);
    expect(names.filter((n) => n.endsWith('Input'))).toEqual([]);
    const text = JSON.stringify(doc);
    for (const name of names) expect(text, `${name} is referred to`).toContain(`"#/components/schemas/${name}"`);
    // Every reference still resolves.
    for (const [, ref] of text.matchAll(/"#\/components\/schemas\/([^"]+)"/g)) expect(schemas[ref!], ref).toBeDefined();
    expect(doc.info.title).toBe('RelayDesk agent API');
    expect(doc.paths['/api/auth/me'].patch.requestBody.content['application/json'].schema.properties).toHaveProperty('newPassword');
    expect(schemas.Agent).toMatchObject({ properties: { presence: { enum: ['online', 'away', 'offline'] }, locale: { enum: ['ru', 'en'] } } });
  });

  it("shows RelayDesk's name, logo and icon, not fastify's or Swagger's", async () => {
    const page = await fetch(`${base}/docs/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<title>RelayDesk agent API</title>');
    expect(html).not.toContain('Swagger UI</title>');
    expect(html).not.toContain('favicon-32x32.png');
    const icon = /<link rel="icon" type="image\/svg\+xml" href="([^"]+)"/.exec(html)?.[1];
    expect(icon).toBeDefined();
    const favicon = await fetch(new URL(icon!, `${base}/docs/`));
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get('content-type')).toContain('image/svg+xml');

    const initializer = await (await fetch(`${base}/docs/static/swagger-initializer.js`)).text();
    const logo = /img\.src = 'data:image\/svg\+xml;base64,([^']+)'/.exec(initializer)?.[1];
    expect(logo, 'the top bar logo is replaced').toBeDefined();
    const svg = Buffer.from(logo!, 'base64').toString('utf8');
    expect(svg).toContain('RelayDesk');
    const fastifyLogo = await readFile(path.join(swaggerUiDir, 'static/logo.svg'));
    expect(logo).not.toBe(fastifyLogo.toString('base64'));
  });
});

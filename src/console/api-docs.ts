/**
 * The agent API's OpenAPI document and its viewer at /docs: @fastify/swagger's
 * options (each schema once) and @fastify/swagger-ui's (RelayDesk's name and
 * mark instead of fastify's logo and Swagger's title and icons).
 */
import type { SwaggerTransformObject } from '@fastify/swagger';
import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui';
import { jsonSchemaTransformObject } from 'fastify-type-provider-zod';

const SCHEMA_REF = '#/components/schemas/';

/**
 * The document with each component schema once. fastify-type-provider-zod
 * writes every schema registered with an id twice, as `X` for responses and
 * `XInput` for request bodies and parameters, whether a route uses it that way
 * or not (registry.ts, generateIORegistries). Ours are response shapes, so
 * half were copies nothing refers to: only the schemas the routes reach (and
 * the schemas those reach) are kept.
 */
export const transformApiDocument: SwaggerTransformObject = (input) => {
  const doc = jsonSchemaTransformObject(input) as { paths?: unknown; components?: { schemas?: Record<string, unknown> } };
  const schemas = doc.components?.schemas ?? {};
  const used = new Set<string>();
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== 'object') return;
    for (const [key, child] of Object.entries(value)) {
      if (key === '$ref' && typeof child === 'string' && child.startsWith(SCHEMA_REF)) {
        const name = child.slice(SCHEMA_REF.length);
        if (used.has(name)) continue;
        used.add(name);
        visit(schemas[name]);
      } else {
        visit(child);
      }
    }
  };
  visit(doc.paths);
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => used.has(name)));
  return { ...doc, components: { ...doc.components, schemas: kept } } as ReturnType<SwaggerTransformObject>;
};

/** RelayDesk's mark: two arrows relaying a message, on the console's accent colour. */
const MARK = `<rect x="2" y="4" width="32" height="32" rx="8" fill="#0b5fff"/>
  <path d="M10 16h15l-4-4M26 24H11l4 4" fill="none" stroke="#fff" stroke-width="2.5" stroke-linecap="round" stroke-linejoin="round"/>`;

/** The top bar's logo: the mark and the name, white on Swagger UI's dark bar. */
export const DOCS_LOGO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="190" height="40" viewBox="0 0 190 40">
  ${MARK}
  <text x="44" y="27" font-family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" font-size="20" font-weight="700" fill="#fff">RelayDesk</text>
</svg>`;

const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="2 4 32 32">
  ${MARK}
</svg>`;

export const DOCS_TITLE = 'RelayDesk agent API';

export const docsUiOptions: FastifySwaggerUiOptions = {
  routePrefix: '/docs',
  logo: { type: 'image/svg+xml', content: Buffer.from(DOCS_LOGO_SVG), href: '/docs', target: '_self' },
  theme: {
    title: DOCS_TITLE,
    favicon: [{ filename: 'favicon.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: Buffer.from(FAVICON_SVG) }],
  },
};

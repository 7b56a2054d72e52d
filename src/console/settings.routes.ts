import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { DeskSettingsService } from '../requests/desk-settings.js';
import { agentOf } from './console.http.js';
import { deskSettingsPatchSchema, deskSettingsSchema, errorResponses as errors } from './console.schemas.js';

/** The desk's settings: every agent reads them, admins change them. */
export async function settingsRoutes(app: FastifyInstance, deps: { settings: DeskSettingsService }): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();

  r.get('/api/settings', {
    schema: { tags: ['settings'], summary: "The desk's settings", response: { 200: deskSettingsSchema, ...errors } },
  }, async () => deps.settings.get());

  r.patch('/api/settings', {
    config: { admin: true },
    schema: { tags: ['settings'], summary: "Changes the desk's settings (admins only)", body: deskSettingsPatchSchema, response: { 200: deskSettingsSchema, ...errors } },
  }, async (request) => {
    const updated = await deps.settings.update(request.body);
    request.log.info({ settings: request.body, by: agentOf(request).id }, 'desk settings changed');
    return updated;
  });
}

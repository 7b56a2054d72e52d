/**
 * The webhook Telegram posts updates to (https://core.telegram.org/bots/api#setwebhook).
 * Telegram redelivers an update until it gets a 2xx, and holds back the later
 * ones meanwhile, so every answer is chosen on purpose: 200 once the update is
 * recorded, set aside or malformed beyond use (logged); 503 only for what can
 * succeed later (an outage, a first failure); 401 without the secret.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { Update } from 'telegraf/types';
import { HttpError } from '../../http/errors.js';
import type { UpdateFailures } from './telegram.failures.js';

export const WEBHOOK_SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export interface WebhookDeps {
  path: string;
  secret: string;
  logger: Logger;
  failures: UpdateFailures;
  /** False until the channel is started, and after it stopped. */
  accepting: () => boolean;
  ready: () => Promise<void>;
  handle: (update: Update) => Promise<void>;
  setAside: (update: Update, error: unknown) => Promise<void>;
}

export function isUpdate(body: unknown): body is Update {
  return typeof body === 'object' && body !== null && !Array.isArray(body) && Number.isSafeInteger((body as { update_id?: unknown }).update_id);
}

export function webhookRoute(app: FastifyInstance, deps: WebhookDeps): void {
  app.post(deps.path, { bodyLimit: 1024 * 1024 }, async (request, reply) => {
    if (request.headers[WEBHOOK_SECRET_HEADER] !== deps.secret) {
      throw new HttpError('unauthorized', 'missing or wrong secret token');
    }
    const update = request.body;
    if (!isUpdate(update)) {
      // From Telegram (it knows the secret) but unusable: answered, or it comes back forever.
      deps.logger.warn({ body: preview(update) }, 'malformed Telegram update ignored');
      return reply.status(200).send({ ok: true });
    }
    if (!deps.accepting()) throw new HttpError('unavailable', 'the Telegram channel is not started');
    await deps.ready().catch((error: unknown) => {
      deps.logger.warn({ err: error }, 'the Telegram Bot API does not answer getMe');
      throw new HttpError('unavailable', 'the Telegram Bot API does not answer; send the update again');
    });
    try {
      // Answered only once the update is recorded: if this fails, Telegram delivers it again.
      await deps.handle(update);
      deps.failures.forget(update.update_id);
    } catch (error) {
      const verdict = deps.failures.judge(update.update_id, error);
      if (verdict.action === 'retry') {
        deps.logger.warn({ err: error, update: update.update_id, attempt: verdict.attempt }, 'update not handled: Telegram will send it again');
        throw new HttpError('unavailable', 'the update could not be recorded now; send it again');
      }
      await deps.setAside(update, error);
    }
    return reply.status(200).send({ ok: true });
  });
}

/** A short, safe look at a body for the log. */
function preview(body: unknown): string {
  const text = JSON.stringify(body) ?? String(body);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

import { TelegramError } from 'telegraf';
import { ChannelError } from '../channel.port.js';

/**
 * A failed Bot API call as the outbox understands it
 * (https://core.telegram.org/bots/api#making-requests): 429 waits for
 * `retry_after`; 403 (blocked, deactivated, kicked) and a chat that no longer
 * exists make the customer unreachable; other 4xx refuse this message; the rest
 * (5xx, network) is worth retrying.
 */
export function toChannelError(error: unknown): ChannelError {
  if (error instanceof ChannelError) return error;
  if (error instanceof TelegramError) {
    const message = `Telegram ${error.code}: ${error.description}`;
    if (error.code === 429) {
      const seconds = error.parameters?.retry_after ?? 1;
      return new ChannelError('rate_limited', message, { cause: error, retryAfterMs: seconds * 1000 });
    }
    if (error.code === 403 || /chat not found|user is deactivated/i.test(error.description)) {
      return new ChannelError('unreachable', message, { cause: error });
    }
    // A revoked or mistyped token (401, 404): every message would fail the same way; keep them until it is fixed.
    if (error.code === 401 || error.code === 404) return new ChannelError('transient', message, { cause: error });
    if (error.code >= 400 && error.code < 500) return new ChannelError('rejected', message, { cause: error });
    return new ChannelError('transient', message, { cause: error });
  }
  return new ChannelError('transient', error instanceof Error ? error.message : String(error), { cause: error });
}

/**
 * Turns whatever failed while a message was being taken into the gateway's one
 * error class, and makes sure no message is retried forever: an outage (the
 * database or Redis unreachable) can end, so it is always "send it again later";
 * anything else is counted per message, and the same message failing
 * `maxAttempts` times gets a final answer instead.
 */
import type { InboundMessage } from '../channels/channel.port.js';
import { StoreError } from '../requests/request-store.port.js';
import { GatewayError } from './gateway.errors.js';
import { isOutage } from './outage.js';

export class ReceiveFailures {
  /** Failed attempts per channel message, oldest first (bounded). */
  private readonly attempts = new Map<string, number>();

  constructor(
    private readonly maxAttempts = 3,
    private readonly maxTracked = 10_000,
  ) {}

  /** The error to give the channel for `error`, raised while taking `input`. */
  judge(input: InboundMessage, error: unknown): GatewayError {
    if (error instanceof GatewayError && error.code !== 'failed') return error;
    if (error instanceof StoreError && (error.code === 'invalid_input' || error.code === 'not_found')) {
      return new GatewayError('invalid_message', `the message cannot be stored: ${error.message}`, { cause: error });
    }
    if (isOutage(error)) return new GatewayError('unavailable', 'the database or Redis is unreachable; send the message again shortly', { cause: error });
    const key = `${input.channel}\u0000${input.channelMessageId}`;
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.delete(key);
    if (n >= this.maxAttempts) {
      return new GatewayError('invalid_message', `the message could not be taken in ${n} attempts and is set aside`, { cause: error });
    }
    this.attempts.set(key, n);
    if (this.attempts.size > this.maxTracked) this.attempts.delete(this.attempts.keys().next().value!);
    return new GatewayError('failed', 'the message could not be taken this time; send it again', { cause: error });
  }

  /** The message was taken: its earlier failures are forgotten. */
  succeeded(input: InboundMessage): void {
    if (this.attempts.size > 0) this.attempts.delete(`${input.channel}\u0000${input.channelMessageId}`);
  }
}

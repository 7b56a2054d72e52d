/**
 * What went wrong, for the channel that handed the message over:
 * - `invalid_message`, `invalid_attachment`, `not_found`, `invalid_transition`:
 *   final; sending the same again cannot succeed.
 * - `unavailable`: the database or Redis cannot be reached; send it again later,
 *   as often as it takes (nothing about the message is wrong).
 * - `failed`: this attempt failed for another reason; try again a few times (the
 *   gateway answers `invalid_message` once the same message has failed too often).
 * - `shutting_down`: this instance is stopping; send it to another or later.
 */
export type GatewayErrorCode =
  | 'invalid_message'
  | 'invalid_attachment'
  | 'shutting_down'
  | 'not_found'
  | 'conflict'
  | 'invalid_transition'
  | 'unavailable'
  | 'failed';

/** The one error class of the gateway boundary, with a stable code for callers. */
export class GatewayError extends Error {
  override readonly name = 'GatewayError';
  constructor(
    readonly code: GatewayErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
  }

  /** Whether the same message may succeed if it is sent again later. */
  get retryable(): boolean {
    return this.code === 'unavailable' || this.code === 'failed' || this.code === 'shutting_down';
  }
}

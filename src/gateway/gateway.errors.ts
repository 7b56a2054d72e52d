export type GatewayErrorCode = 'invalid_message' | 'invalid_attachment' | 'shutting_down' | 'not_found' | 'invalid_transition';

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
}

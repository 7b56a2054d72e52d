import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

/**
 * The catalogue of HTTP errors: every error response has this shape,
 * `{ error: { code, message } }`, with a stable code clients can branch on.
 */
export const HTTP_ERRORS = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  unprocessable: 422,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERRORS;

export class HttpError extends Error {
  override readonly name = 'HttpError';
  readonly statusCode: number;
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    options: { cause?: unknown } = {},
  ) {
    super(message, options);
    this.statusCode = HTTP_ERRORS[code];
  }
}

export interface ErrorBody {
  error: { code: string; message: string };
}

/**
 * Maps anything thrown in a route to the catalogue; unexpected errors are
 * logged once, here. A 5xx answer says what failed in words of its own; its
 * cause (a driver's message naming a host, a port or SQL) goes to the log only.
 */
export function handleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof HttpError) {
    if (error.statusCode >= 500 && error.cause !== undefined) request.log.warn({ err: error.cause, code: error.code }, error.message);
    void reply.status(error.statusCode).send(body(error.code, error.message));
    return;
  }
  const status = (error as FastifyError).statusCode;
  if ((error as FastifyError).validation) {
    void reply.status(400).send(body('bad_request', error.message));
    return;
  }
  if (status && status >= 400 && status < 500) {
    const code = (Object.entries(HTTP_ERRORS).find(([, s]) => s === status)?.[0] ?? 'bad_request') as HttpErrorCode;
    void reply.status(status).send(body(code, error.message));
    return;
  }
  request.log.error({ err: error }, 'request failed');
  void reply.status(500).send(body('internal', 'internal error'));
}

export function body(code: string, message: string): ErrorBody {
  return { error: { code, message } };
}

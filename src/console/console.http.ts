/**
 * What every agent API route shares: who is calling (session cookie or bearer
 * token, with CSRF for the cookie), role checks, and the mapping of domain
 * errors to the HTTP error catalogue.
 */
import type {} from '@fastify/cookie';
import type { FastifyHelmetRouteOptions } from '@fastify/helmet';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { GatewayError } from '../gateway/gateway.errors.js';
import { isOutage } from '../gateway/outage.js';
import { toStoreError } from '../requests/prisma.errors.js';
import { handleError, HttpError } from '../http/errors.js';
import { StoreError } from '../requests/request-store.port.js';
import { csrfMatches, CSRF_HEADER, tokenOf, type Authenticated, type SessionService } from './sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    auth: Authenticated | null;
  }
  interface FastifyContextConfig {
    /** Open without a session (sign-in, the API document). */
    public?: boolean;
    /** Admins only. */
    admin?: boolean;
    /**
     * @fastify/helmet's options for the route, where its onRoute hook keeps them;
     * set directly on routes a plugin declares (Swagger UI's).
     */
    helmet?: FastifyHelmetRouteOptions['helmet'];
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The preHandler of every agent route: 401 without a valid agent session, 403 without CSRF or the role. */
export function authenticateAgent(sessions: SessionService) {
  return async (request: FastifyRequest): Promise<void> => {
    const config = request.routeOptions.config;
    if (config.public) return;
    const presented = tokenOf(request.headers, request.cookies);
    const auth = presented ? await sessions.resolve(presented.token, presented.via) : null;
    if (!auth) throw new HttpError('unauthorized', 'sign in first: an agent session cookie or `Authorization: Bearer <token>` is required');
    if (auth.via === 'cookie' && !SAFE_METHODS.has(request.method)) {
      const given = request.headers[CSRF_HEADER];
      if (!csrfMatches(auth.session.csrfToken, typeof given === 'string' ? given : undefined)) {
        throw new HttpError('forbidden', `missing or wrong ${CSRF_HEADER} header`);
      }
    }
    if (config.admin && auth.agent.role !== 'admin') throw new HttpError('forbidden', 'only admins may do this');
    request.auth = auth;
  };
}

/** The caller of a route behind authenticateAgent. */
export function agentOf(request: FastifyRequest): Authenticated['agent'] {
  if (!request.auth) throw new HttpError('unauthorized', 'sign in first');
  return request.auth.agent;
}

/** Domain errors as HTTP errors; everything else goes to the server's handler. */
export function handleConsoleError(error: FastifyError | Error, request: FastifyRequest, reply: FastifyReply): void {
  // Reads made with Prisma outside the store (sessions, agents) fail with Prisma's errors: classify them alike.
  const classified = toStoreError(error, 'the request') as Error;
  handleError(toHttpError(classified) ?? error, request, reply);
}

function toHttpError(error: Error): HttpError | null {
  // Redis down under a change (the conversation lock): nothing was written, try again.
  if (!(error instanceof StoreError || error instanceof GatewayError) && isOutage(error)) {
    return new HttpError('unavailable', 'a service the gateway needs is unavailable; try again shortly', { cause: error });
  }
  if (error instanceof StoreError || error instanceof GatewayError) {
    switch (error.code) {
      case 'not_found':
        return new HttpError('not_found', error.message, { cause: error });
      case 'invalid_transition':
      case 'conflict':
        return new HttpError('conflict', error.message, { cause: error });
      case 'invalid_message':
      case 'invalid_attachment':
        return new HttpError('unprocessable', error.message, { cause: error });
      case 'invalid_input':
        return new HttpError('unprocessable', 'the data cannot be stored', { cause: error });
      case 'shutting_down':
        return new HttpError('unavailable', 'the gateway is shutting down; try again shortly', { cause: error });
      case 'unavailable':
        // The store's message quotes the driver (a host and port, SQLSTATE text): logged with the cause, never sent.
        return new HttpError('unavailable', 'the database is unavailable; try again shortly', { cause: error });
    }
  }
  return null;
}

import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HttpError } from '../http/errors.js';
import type { ConsoleDeps } from './console.deps.js';
import { agentOf } from './console.http.js';
import { errorSchema, loginBodySchema, noContentSchema, sessionViewSchema } from './console.schemas.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { SESSION_COOKIE } from './sessions.js';
import { toAgentView } from './console.views.js';

/** Checked when the email is unknown, so a wrong email costs as long as a wrong password. */
const DUMMY_HASH = hashPassword('not-a-real-password');

/** `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`. */
export async function authRoutes(app: FastifyInstance, deps: ConsoleDeps): Promise<void> {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const tags = ['auth'];

  r.post('/api/auth/login', {
    config: { public: true },
    schema: {
      tags,
      summary: 'Sign in: a session cookie for the console and a bearer token for API clients',
      body: loginBodySchema,
      response: { 200: sessionViewSchema, 401: errorSchema, 429: errorSchema },
    },
  }, async (request, reply) => {
    const email = request.body.email.toLowerCase();
    const emailKey = `email:${email}`;
    const addressKey = `ip:${request.ip}`;
    const wait = await deps.limiter.take([emailKey, addressKey]);
    if (wait !== null) {
      void reply.header('retry-after', Math.ceil(wait / 1000));
      throw new HttpError('rate_limited', `too many failed sign-ins: try again in ${Math.ceil(wait / 60_000)} min`);
    }
    const agent = await deps.agents.findAgentByEmail(email);
    const valid = await verifyPassword(request.body.password, agent?.passwordHash ?? (await DUMMY_HASH));
    if (!agent || !valid || !agent.active) {
      request.log.info({ email }, 'failed sign-in');
      throw new HttpError('unauthorized', 'wrong email or password');
    }
    await deps.limiter.succeeded(emailKey, [addressKey]);
    const { token, session } = await deps.sessions.issue(agent);
    setSessionCookie(reply, token, session.expiresAt, deps.config.secureCookies);
    request.log.info({ agent: agent.id }, 'agent signed in');
    return { token, csrfToken: session.csrfToken, agent: toAgentView(agent), expiresAt: session.expiresAt.toISOString() };
  });

  r.post('/api/auth/logout', {
    schema: { tags, summary: 'Sign out: ends this session (cookie or token)', response: { 204: noContentSchema, 401: errorSchema } },
  }, async (request, reply) => {
    const auth = request.auth!;
    await deps.sessions.revoke(auth.session);
    deps.relay.endSession(auth.session.id);
    void reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  r.get('/api/auth/me', {
    schema: { tags, summary: 'The signed-in agent and the CSRF token of the session', response: { 200: sessionViewSchema, 401: errorSchema } },
  }, async (request) => {
    const auth = request.auth!;
    return { csrfToken: auth.session.csrfToken, agent: toAgentView(agentOf(request)), expiresAt: auth.session.expiresAt.toISOString() };
  });
}

function setSessionCookie(reply: FastifyReply, token: string, expires: Date, secure: boolean): void {
  void reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires });
}

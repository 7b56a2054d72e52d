import type { FastifyInstance, FastifyReply } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { HttpError } from '../http/errors.js';
import type { ConsoleDeps } from './console.deps.js';
import { agentOf } from './console.http.js';
import { accountPatchBodySchema, errorResponses as errors, errorSchema, loginBodySchema, noContentSchema, sessionViewSchema } from './console.schemas.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { SESSION_COOKIE } from './sessions.js';
import type { AgentPatch } from './agent-store.js';

/** Checked when the email is unknown, so a wrong email costs as long as a wrong password. */
const DUMMY_HASH = hashPassword('not-a-real-password');

/** `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`, `PATCH /api/auth/me` (My account). */
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
    return { token, csrfToken: session.csrfToken, agent: await deps.presence.view(agent), expiresAt: session.expiresAt.toISOString() };
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
    return { csrfToken: auth.session.csrfToken, agent: await deps.presence.view(agentOf(request)), expiresAt: auth.session.expiresAt.toISOString() };
  });

  r.patch('/api/auth/me', {
    schema: {
      tags,
      summary: "Changes the signed-in agent's own account: password, console language, presence",
      description: [
        '`newPassword` with `currentPassword`: the current password is checked (403 `forbidden` when wrong; attempts count like sign-ins, LOGIN_RATE, 429 past it). The agent\'s other sessions end and their consoles disconnect; this session stays.',
        "`locale`: the console's language for this agent.",
        '`presence`: `online` or `away`, what other agents see while this agent has a console open; announced as `agent_presence` on `/agents`.',
        'Fields combine; nothing changes when the password check fails. Answers like GET /api/auth/me.',
      ].join('\n\n'),
      body: accountPatchBodySchema,
      response: { 200: sessionViewSchema, ...errors, 429: errorSchema },
    },
  }, async (request, reply) => {
    const auth = request.auth!;
    const agent = agentOf(request);
    const { currentPassword, newPassword, locale, presence } = request.body;
    const patch: AgentPatch = { ...(locale ? { locale } : {}), ...(presence ? { presence } : {}) };
    if (newPassword !== undefined && currentPassword !== undefined) {
      await checkCurrentPassword(deps, agent, currentPassword, reply);
      patch.passwordHash = await hashPassword(newPassword);
    }
    const updated = await deps.agents.updateAgent(agent.id, patch);
    if (patch.passwordHash) {
      await deps.agents.deleteAgentSessions(agent.id, auth.session.id);
      deps.relay.endOtherSessions(agent.id, auth.session.id);
    }
    if (updated.presence !== agent.presence) await deps.presence.choiceChanged(updated);
    request.log.info({ agent: agent.id, fields: Object.keys(request.body).filter((k) => k !== 'currentPassword') }, 'agent changed their account');
    return { csrfToken: auth.session.csrfToken, agent: await deps.presence.view(updated), expiresAt: auth.session.expiresAt.toISOString() };
  });
}

/**
 * The current password, before a new one is set: what keeps someone who holds
 * a session (an unlocked screen, a stolen token) from taking the account.
 * Counted like sign-ins, each attempt before its check.
 */
async function checkCurrentPassword(deps: ConsoleDeps, agent: { id: string; passwordHash: string }, given: string, reply: FastifyReply): Promise<void> {
  const key = `password:${agent.id}`;
  const wait = await deps.limiter.take([key]);
  if (wait !== null) {
    void reply.header('retry-after', Math.ceil(wait / 1000));
    throw new HttpError('rate_limited', `too many wrong passwords: try again in ${Math.ceil(wait / 60_000)} min`);
  }
  if (!(await verifyPassword(given, agent.passwordHash))) throw new HttpError('forbidden', 'currentPassword is wrong');
  await deps.limiter.succeeded(key, []);
}

function setSessionCookie(reply: FastifyReply, token: string, expires: Date, secure: boolean): void {
  void reply.setCookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'strict', secure, path: '/', expires });
}

/**
 * The agent console's server side: the REST API under /api (OpenAPI at /docs),
 * the `/agents` socket.io namespace, the relay between agents and customers,
 * the first admin and the auto-close of unanswered solutions.
 */
import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Server } from 'socket.io';
import type { ChannelPort } from '../channels/channel.port.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Gateway } from '../gateway/gateway.js';
import type { GatewayEvents } from '../gateway/gateway-events.js';
import { compileTrust } from '../http/client-address.js';
import type { Readiness } from '../http/routes/health.routes.js';
import type { AttachmentService } from '../requests/attachments.js';
import type { DeskSettingsService } from '../requests/desk-settings.js';
import type { RequestStore } from '../requests/request-store.port.js';
import { createPrismaAgentStore, type AgentStore } from './agent-store.js';
import { createAgentsNamespace, recheckSockets, RECHECK_MS } from './agents.namespace.js';
import { agentsRoutes } from './agents.routes.js';
import { docsUiOptions, transformApiDocument } from './api-docs.js';
import { customersRoutes } from './customers.routes.js';
import { authRoutes } from './auth.routes.js';
import { AutoCloser } from './auto-close.js';
import { ensureFirstAdmin } from './bootstrap.js';
import type { ConsoleDeps } from './console.deps.js';
import { authenticateAgent, handleConsoleError } from './console.http.js';
import { ConsoleQueries } from './console.queries.js';
import { consoleUiRoutes } from './console-ui.routes.js';
import { LoginLimiter } from './login-limiter.js';
import { createMemoryConnections } from './memory.connections.js';
import { AgentPresence } from './presence.js';
import { createRedisConnections } from './redis.connections.js';
import { AgentRelay } from './relay.js';
import { requestsRoutes } from './requests.routes.js';
import { SessionService } from './sessions.js';
import { systemRoutes } from './system.routes.js';
import { settingsRoutes } from './settings.routes.js';
import { draftsRoutes } from './drafts.routes.js';
import { incidentsRoutes } from './incidents.routes.js';
import type { IncidentService } from '../incidents/incidents.js';

export interface ConsoleModuleDeps {
  config: Config;
  /** The desk's settings admins change in the console. */
  settings: DeskSettingsService;
  db: Database;
  store: RequestStore;
  gateway: Gateway;
  events: GatewayEvents;
  attachments: AttachmentService;
  io: Server;
  redis: Redis | null;
  ports: ReadonlyMap<string, ChannelPort>;
  /** Mass incidents (the routes and the `/agents` events). */
  incidents: IncidentService;
  /** Each reporting channel's connection status, by channel name. */
  channelStatus: () => Promise<Record<string, Record<string, unknown>>>;
  /** The instance's readiness, the one `/ready` answers from (createReadiness): GET /api/system/status shows admins its details. */
  readiness: Readiness;
  clock: () => Date;
  logger: Logger;
}

/**
 * Swagger UI's page: its own scripts (no inline script in this version, see
 * @fastify/swagger-ui's static/csp.json), data: images, the API it documents,
 * never framed. Its bundle adds `<style>` elements at run time, hence inline
 * styles (styles run no code; the page shows nothing but our own API document).
 */
const DOCS_CSP = {
  defaultSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'", 'data:'],
  styleSrc: ["'self'", "'unsafe-inline'"],
  scriptSrc: ["'self'"],
  connectSrc: ["'self'"],
  objectSrc: ["'none'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  formAction: ["'self'"],
};

export interface ConsoleModule {
  agents: AgentStore;
  relay: AgentRelay;
  autoClose: AutoCloser;
  routes: (app: FastifyInstance) => Promise<void>;
  /** Disconnects sockets whose session ended or whose role changed; runs every minute. Returns how many. */
  recheckSockets(): Promise<number>;
  /** Renews this instance's consoles for presence and announces what changed (AgentPresence.refresh); runs every 15 s. */
  refreshPresence(): Promise<void>;
  /** Creates the first admin if there is none, starts relaying and the auto-close. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createConsole(deps: ConsoleModuleDeps): ConsoleModule {
  const { config, clock, logger } = deps;
  const agents = createPrismaAgentStore(deps.db.prisma);
  const sessions = new SessionService(agents, config.console.sessionTtlMs, clock);
  const queries = new ConsoleQueries(deps.db, deps.store, agents);
  const nsp = createAgentsNamespace(deps.io, {
    sessions,
    trust: compileTrust(config.trustProxy),
    clock,
    logger,
    onTyping: (socket, number, typing) => relay.agentTyping({ id: socket.data.agent.id, name: socket.data.agent.name }, number, typing),
    onOpen: (socket) => presence.opened(socket),
    onClose: (socket) => presence.closed(socket),
  });
  // Which agents have a console open, on any instance: in Redis when instances share it (see redis.connections.ts).
  const connections = deps.redis ? createRedisConnections(deps.redis) : createMemoryConnections();
  const presence: AgentPresence = new AgentPresence({ connections, agents, nsp, logger });
  const relay: AgentRelay = new AgentRelay({ nsp, queries, anyoneListening: () => connections.any(), store: deps.store, gateway: deps.gateway, events: deps.events, ports: deps.ports, clock, logger, incidents: deps.incidents });
  const autoClose = new AutoCloser({ store: deps.store, gateway: deps.gateway, clock, logger, afterMs: config.console.autoCloseAfterMs });
  const routeDeps: ConsoleDeps = {
    config: config.console,
    agents,
    sessions,
    limiter: new LoginLimiter(config.console.loginRate, deps.redis),
    queries,
    store: deps.store,
    gateway: deps.gateway,
    events: deps.events,
    attachments: deps.attachments,
    relay,
    presence,
    uploadMaxBytes: config.uploadMaxBytes,
    channelStatus: deps.channelStatus,
    channelNames: [...deps.ports.keys()],
    clock,
    logger,
  };

  async function routes(app: FastifyInstance): Promise<void> {
    await app.register(consoleUiRoutes);
    await app.register(async (api) => {
      api.setValidatorCompiler(validatorCompiler);
      api.setSerializerCompiler(serializerCompiler);
      api.setErrorHandler(handleConsoleError);
      await api.register(cookie);
      await api.register(multipart, { limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 4, parts: 5 } });
      await api.register(swagger, {
        openapi: {
          info: { title: 'RelayDesk agent API', version: '1', description: 'Requests, replies and status changes for support agents. Real-time events: socket.io namespace `/agents` (see docs/agent-api.md).' },
          components: {
            securitySchemes: {
              bearer: { type: 'http', scheme: 'bearer', description: 'The `token` from POST /api/auth/login' },
              cookie: { type: 'apiKey', in: 'cookie', name: 'relaydesk_session', description: 'The console session; changes also need the x-csrf-token header' },
            },
          },
          security: [{ bearer: [] }, { cookie: [] }],
        },
        transform: jsonSchemaTransform,
        transformObject: transformApiDocument,
      });
      api.decorateRequest('auth', null);
      api.addHook('onRoute', (route) => {
        if (!route.url.startsWith('/docs')) return;
        route.config = { ...route.config, public: true, helmet: { contentSecurityPolicy: { useDefaults: false, directives: DOCS_CSP } } };
      });
      api.addHook('onRequest', authenticateAgent(sessions));
      await api.register(swaggerUi, docsUiOptions);
      await api.register(authRoutes, routeDeps);
      await api.register(requestsRoutes, routeDeps);
      await api.register(agentsRoutes, routeDeps);
      await api.register(customersRoutes, routeDeps);
      await api.register(systemRoutes, { readiness: deps.readiness, store: deps.store, logger });
      await api.register(settingsRoutes, { settings: deps.settings });
      await api.register(incidentsRoutes, { incidents: deps.incidents, queries });
      await api.register(draftsRoutes, { store: deps.store, gateway: deps.gateway, relay, queries, intakeTtlMs: config.intakeTtlMs, clock });
    });
  }

  let recheck: NodeJS.Timeout | null = null;

  return {
    agents,
    relay,
    autoClose,
    routes,
    recheckSockets: () => recheckSockets(nsp, { sessions, logger }),
    refreshPresence: () => presence.refresh(),
    async start() {
      await ensureFirstAdmin(agents, config.console, logger);
      relay.start();
      presence.start();
      autoClose.start();
      recheck = setInterval(() => void recheckSockets(nsp, { sessions, logger }), RECHECK_MS);
      recheck.unref();
      await agents.deleteExpiredSessions(clock()).catch((e: unknown) => logger.warn({ err: e }, 'could not delete expired sessions'));
    },
    async stop() {
      if (recheck) clearInterval(recheck);
      presence.stop();
      await relay.stop();
      await autoClose.stop();
      nsp.local.disconnectSockets(true);
    },
  };
}

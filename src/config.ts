import { createHash } from 'node:crypto';
import path from 'node:path';
import type { LevelWithSilent } from 'pino';
import { z } from 'zod';
import type { Locale } from './conversation/conversation.types.js';

/**
 * Everything RelayDesk reads from the environment, validated. Built once by
 * {@link loadConfig} in the composition root and passed down as arguments;
 * nothing else reads `process.env`. Durations are in milliseconds.
 */
export interface Config {
  port: number;
  host: string;
  /** Absolute directory for the embedded database and uploaded files. */
  dataDir: string;
  /** PostgreSQL URL, or null for the embedded PGlite database in `dataDir`. */
  databaseUrl: string | null;
  /** Redis URL, or null for in-memory state and locks (a single instance). */
  redisUrl: string | null;
  /** Put before every Redis key and socket.io channel: several deployments can share one Redis. */
  redisPrefix: string;
  logLevel: LevelWithSilent;
  /** `json` lines, `pretty` text for people, or `auto`: pretty when standard output is a terminal. */
  logFormat: 'auto' | 'json' | 'pretty';
  defaultLocale: Locale;
  intakeTtlMs: number;
  /** A customer's message this soon after their request was closed is filed under it (without reopening it). */
  closedFollowUpMs: number;
  requestPrefix: string;
  outboxMaxAttempts: number;
  outboxPollIntervalMs: number;
  /** How long a claimed delivery stays reserved for the instance sending it; then any instance may send it. */
  outboxLeaseMs: number;
  shutdownTimeoutMs: number;
  uploadMaxBytes: number;
  /** Largest image accepted, in pixels (width × height); decoded, a bigger one would flood memory. */
  uploadMaxPixels: number;
  /** Fastify's `trustProxy`: whether (or which) proxies' X-Forwarded-For to believe for the client address. */
  trustProxy: boolean | number | string[];
  /** Open socket.io connections (web chat and agents) one client address may hold on one instance. */
  maxSocketsPerAddress: number;
  /** An uploaded file never sent in a message is deleted after this long. */
  uploadOrphanTtlMs: number;
  webchat: WebchatConfig;
  console: ConsoleConfig;
  /** null: the Telegram channel is off (no TELEGRAM_BOT_TOKEN). */
  telegram: TelegramConfig | null;
  /** null: the WhatsApp channel is off (WHATSAPP_ENABLED is not true). */
  whatsapp: WhatsappConfig | null;
}

export interface WhatsappConfig {
  /** The system Chromium that whatsapp-web.js drives (it never downloads one). */
  chromiumPath: string;
  /** Shortest time between two messages to one chat, and between any two messages. */
  chatGapMs: number;
  sendGapMs: number;
}

export interface TelegramConfig {
  token: string;
  /** Webhook mode when set (the gateway serves it); long polling otherwise. */
  webhookUrl: string | null;
  /** Checked on every webhook call (X-Telegram-Bot-Api-Secret-Token). */
  webhookSecret: string;
  apiRoot: string;
}

export interface ConsoleConfig {
  /** The first admin, created at start when no agent exists; null: generate a password and log it once. */
  adminEmail: string | null;
  adminPassword: string | null;
  /** A request with a solution the customer has not answered is closed after this long. */
  autoCloseAfterMs: number;
  sessionTtlMs: number;
  /** Failed logins allowed per email and per address. */
  loginRate: Rate;
  /** `Secure` session cookies (behind HTTPS). */
  secureCookies: boolean;
}

/** So many events per period. */
export interface Rate {
  points: number;
  durationMs: number;
}

export interface WebchatConfig {
  /** null: generate one and keep it in DATA_DIR (single instance). */
  secret: string | null;
  allowedOrigins: string[] | '*';
  identitySecret: string | null;
  messageRate: Rate;
  uploadRate: Rate;
  /** Messages and uploads from one client address, whatever the visitors (one address can make many visitors). */
  addressMessageRate: Rate;
  addressUploadRate: Rate;
  /** New anonymous visitors admitted per client address; returning visitors (a valid token) count apart. */
  connectionRate: Rate;
  /** Handshakes per returning visitor (reloads, tabs, reconnects). */
  reconnectRate: Rate;
  /** A visitor token is valid this long after it was issued; every connection renews it. */
  tokenTtlMs: number;
  /** Bytes one visitor may have uploaded and not yet sent in a message. */
  unsentUploadsMaxBytes: number;
}

/** Parses `20/10s`, `10/1m`, `100/1h`: so many events per period; null if malformed. */
export function parseRate(text: string): Rate | null {
  const m = /^\s*(\d{1,6})\s*\/\s*(\d{1,6})\s*(s|m|h)\s*$/.exec(text);
  if (!m) return null;
  const unit = { s: 1000, m: 60_000, h: 3_600_000 }[m[3] as 's' | 'm' | 'h'];
  const points = Number(m[1]);
  const durationMs = Number(m[2]) * unit;
  return points > 0 && durationMs > 0 ? { points, durationMs } : null;
}

/** `true`, `false`, a hop count, or comma-separated addresses/CIDRs; null if malformed. */
export function parseTrustProxy(text: string): boolean | number | string[] | null {
  const t = text.trim().toLowerCase();
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^\d{1,2}$/.test(t)) return Number(t);
  const list = t.split(',').map((s) => s.trim()).filter(Boolean);
  return list.length > 0 && list.every((s) => /^[0-9a-f:.]+(\/\d{1,3})?$/.test(s)) ? list : null;
}

/** `*`, or a comma-separated list of http(s) origins (no path); null if malformed. */
export function parseOrigins(text: string): string[] | '*' | null {
  if (text.trim() === '*') return '*';
  const origins = text.split(',').map((o) => o.trim()).filter(Boolean);
  if (origins.length === 0) return null;
  for (const o of origins) {
    if (!URL.canParse(o)) return null;
    const u = new URL(o);
    if (!['http:', 'https:'].includes(u.protocol) || u.origin !== o.replace(/\/$/, '')) return null;
  }
  return origins.map((o) => new URL(o).origin);
}

/** The configuration is invalid; `message` has one line per wrong variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'invalid_config';
  constructor(readonly issues: readonly { variable: string; message: string }[]) {
    super(issues.map((i) => i.message).join('\n'));
  }
}

const MINUTE = 60_000;
const UNIT_MS = { ms: 1, s: 1000, m: MINUTE, h: 60 * MINUTE, d: 24 * 60 * MINUTE } as const;
const UNIT_BYTES = { b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 } as const;

/** Parses `90s`, `15m`, `24h`, `7d`, `250ms` or plain milliseconds; null if malformed. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)\s*(ms|s|m|h|d)?$/i.exec(text);
  if (!m?.[1]) return null;
  return Number(m[1]) * UNIT_MS[(m[2]?.toLowerCase() ?? 'ms') as keyof typeof UNIT_MS];
}

/** Parses plain bytes or `512KB`, `10MB`, `1GB` (powers of 1024); null if malformed. */
export function parseBytes(text: string): number | null {
  const m = /^(\d+)\s*(b|kb|mb|gb)?$/i.exec(text);
  if (!m?.[1]) return null;
  return Number(m[1]) * UNIT_BYTES[(m[2]?.toLowerCase() ?? 'b') as keyof typeof UNIT_BYTES];
}

/** A string schema that parses with `parse` and reports `must …` when it returns null. */
function parsed<T>(must: string, parse: (s: string) => T | null) {
  return z.string().transform((s, ctx) => {
    const value = parse(s);
    if (value !== null) return value;
    ctx.addIssue({ code: 'custom', message: must });
    return z.NEVER;
  });
}

const inRange = (min: number, max: number) => (n: number | null) => (n !== null && n >= min && n <= max ? n : null);
const integer = (min: number, max: number) =>
  parsed(`must be an integer between ${min} and ${max}`, (s) => inRange(min, max)(/^\d+$/.test(s) ? Number(s) : null));
const duration = (min: number, max: number, range: string) =>
  parsed(`must be a duration ${range} such as 90s, 15m, 24h, 7d or plain milliseconds`, (s) =>
    inRange(min, max)(parseDuration(s)),
  );
const url = (protocols: string[]) =>
  parsed(`must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`, (s) => {
    if (!URL.canParse(s)) return null;
    return protocols.includes(new URL(s).protocol) ? s : null;
  });

interface Variable {
  /** The value used when the variable is unset or empty; null means "unset". */
  default: string | null;
  description: string;
  example: string;
  schema: z.ZodType;
  /** Values shown in errors are masked (URLs may carry passwords). */
  secret?: boolean;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const variables = {
  PORT: { default: '3000', description: 'HTTP port to listen on (0 picks a free one).', example: '8080', schema: integer(0, 65535) },
  HOST: { default: '0.0.0.0', description: 'Interface to listen on.', example: '127.0.0.1', schema: z.string() },
  DATA_DIR: {
    default: './data',
    description: 'Directory for the embedded database and uploads, resolved to an absolute path.',
    example: '/var/lib/relaydesk',
    schema: z.string().transform((s) => path.resolve(s)),
  },
  DATABASE_URL: {
    default: null,
    description: 'PostgreSQL connection URL. Unset: an embedded PGlite database in DATA_DIR.',
    example: 'postgresql://relaydesk:secret@db:5432/relaydesk',
    schema: url(['postgres:', 'postgresql:']),
    secret: true,
  },
  REDIS_URL: {
    default: null,
    description: 'Redis URL for conversation state and locks shared by several instances. Unset: in memory, one instance.',
    example: 'redis://redis:6379',
    schema: url(['redis:', 'rediss:']),
    secret: true,
  },
  REDIS_PREFIX: {
    default: '',
    description: 'Namespace put before every Redis key and socket.io channel, for several deployments on one Redis (letters, digits, : _ -).',
    example: 'desk-eu:',
    schema: parsed('must be up to 40 letters, digits, :, _ or -', (s) => (/^[\w:-]{0,40}$/.test(s) ? s : null)),
  },
  LOG_LEVEL: {
    default: 'info',
    description: `Log level: ${LOG_LEVELS.join(', ')}.`,
    example: 'debug',
    schema: z.enum(LOG_LEVELS, { error: `must be one of ${LOG_LEVELS.join(', ')}` }),
  },
  LOG_FORMAT: {
    default: 'auto',
    description: 'json (lines for log collectors), pretty (text for people, via pino-pretty) or auto: pretty when standard output is a terminal.',
    example: 'pretty',
    schema: z.enum(['auto', 'json', 'pretty'], { error: 'must be auto, json or pretty' }),
  },
  DEFAULT_LOCALE: {
    default: 'ru',
    description: 'Language of the bot before the customer picks one: ru or en.',
    example: 'en',
    schema: z.enum(['ru', 'en'], { error: 'must be ru or en' }),
  },
  INTAKE_TTL: {
    default: '24h',
    description: 'How long an unfinished intake conversation is kept (at least 1m).',
    example: '2h',
    schema: duration(MINUTE, 365 * UNIT_MS.d, 'between 1m and 365d'),
  },
  CLOSED_FOLLOWUP_WINDOW: {
    default: '24h',
    description: 'A message a customer writes this soon after their request was closed is filed under it for agents, without reopening it; later ones start a new request.',
    example: '3d',
    schema: duration(0, 365 * UNIT_MS.d, 'of at most 365d'),
  },
  REQUEST_PREFIX: {
    default: 'SR',
    description: 'Prefix of request numbers (SR-1042): 1-10 uppercase letters or digits, starting with a letter.',
    example: 'HELP',
    schema: parsed('must be 1-10 uppercase letters or digits starting with a letter', (s) =>
      /^[A-Z][A-Z0-9]{0,9}$/.test(s) ? s : null,
    ),
  },
  OUTBOX_MAX_ATTEMPTS: {
    default: '8',
    description: 'Delivery attempts of an outgoing message before it is marked failed.',
    example: '12',
    schema: integer(1, 100),
  },
  OUTBOX_POLL_INTERVAL: {
    default: '1s',
    description: 'How often the outbox is polled for messages due.',
    example: '500ms',
    schema: duration(10, 10 * MINUTE, 'between 10ms and 10m'),
  },
  OUTBOX_LEASE: {
    default: '60s',
    description: 'How long a delivery an instance claimed stays reserved for it; if that instance dies, another sends it after this long.',
    example: '30s',
    schema: duration(1000, 60 * MINUTE, 'between 1s and 60m'),
  },
  SHUTDOWN_TIMEOUT: {
    default: '10s',
    description: 'How long a graceful shutdown waits for work in progress.',
    example: '30s',
    schema: duration(0, 10 * MINUTE, 'of at most 10m'),
  },
  UPLOAD_MAX_BYTES: {
    default: '10485760',
    description: 'Largest accepted attachment, in bytes or with a unit (KB, MB, GB; powers of 1024).',
    example: '20MB',
    schema: parsed('must be a size between 1KB and 1GB, in bytes or like 512KB, 10MB', (s) =>
      inRange(1024, UNIT_BYTES.gb)(parseBytes(s)),
    ),
  },
  UPLOAD_MAX_MEGAPIXELS: {
    default: '50',
    description: 'Largest accepted image in megapixels (width × height); larger ones, or over 20000 px on a side, are refused with a message naming both.',
    example: '100',
    schema: integer(1, 1000),
  },
  TRUST_PROXY: {
    default: 'false',
    description:
      'Behind a load balancer: true (trust X-Forwarded-For), a number of proxy hops, or comma-separated proxy addresses or CIDRs. The client address limits sign-ins and connections.',
    example: '10.0.0.0/8',
    schema: parsed('must be true, false, a number of hops or comma-separated addresses/CIDRs', parseTrustProxy),
  },
  MAX_SOCKETS_PER_ADDRESS: {
    default: '500',
    description: 'Open socket.io connections (web chat and console) one client address may hold on one instance; more are refused.',
    example: '2000',
    schema: integer(1, 1_000_000),
  },
  UPLOAD_ORPHAN_TTL: {
    default: '24h',
    description: 'An uploaded file that was never sent in a message (web chat or console) is deleted after this long (at least 1m).',
    example: '2h',
    schema: duration(MINUTE, 365 * UNIT_MS.d, 'between 1m and 365d'),
  },
  WEBCHAT_SECRET: {
    default: null,
    description:
      'Signs web chat visitor tokens and attachment links; at least 16 characters, the same on every instance. Unset: generated once and kept in the database, which every instance shares.',
    example: 'change-me-to-32-random-characters',
    schema: z.string().min(16, 'must be at least 16 characters'),
    secret: true,
  },
  WEBCHAT_ALLOWED_ORIGINS: {
    default: '*',
    description: 'Sites allowed to embed the web chat (socket handshake and uploads): comma-separated origins, or * for any.',
    example: 'https://www.example.com,https://shop.example.com',
    schema: parsed('must be * or comma-separated origins like https://www.example.com', parseOrigins),
  },
  WEBCHAT_IDENTITY_SECRET: {
    default: null,
    description: 'Shared with your site to verify logged-in visitors (identify() hash = HMAC-SHA256 of their id). Unset: identities are refused.',
    example: 'another-long-random-secret',
    schema: z.string().min(16, 'must be at least 16 characters'),
    secret: true,
  },
  WEBCHAT_MESSAGE_RATE: {
    default: '20/10s',
    description: 'Most messages one web chat visitor may send per period.',
    example: '30/10s',
    schema: parsed('must be a rate like 20/10s, 100/1m or 1000/1h', parseRate),
  },
  WEBCHAT_UPLOAD_RATE: {
    default: '10/1m',
    description: 'Most uploads one web chat visitor may make per period.',
    example: '20/1m',
    schema: parsed('must be a rate like 10/1m', parseRate),
  },
  WEBCHAT_ADDRESS_MESSAGE_RATE: {
    default: '600/1m',
    description: 'Most web chat messages from one client address per period, all its visitors together.',
    example: '1200/1m',
    schema: parsed('must be a rate like 600/1m', parseRate),
  },
  WEBCHAT_ADDRESS_UPLOAD_RATE: {
    default: '60/1m',
    description: 'Most web chat uploads from one client address per period, all its visitors together.',
    example: '120/1m',
    schema: parsed('must be a rate like 60/1m', parseRate),
  },
  WEBCHAT_CONNECTION_RATE: {
    default: '300/1m',
    description: 'New anonymous web chat visitors admitted per client address per period (returning visitors count apart).',
    example: '1000/1m',
    schema: parsed('must be a rate like 300/1m', parseRate),
  },
  WEBCHAT_RECONNECT_RATE: {
    default: '30/1m',
    description: 'Connections one returning web chat visitor (a valid token or identity) may open per period: reloads, tabs, reconnects.',
    example: '60/1m',
    schema: parsed('must be a rate like 30/1m', parseRate),
  },
  WEBCHAT_TOKEN_TTL: {
    default: '90d',
    description: 'How long a web chat visitor token stays valid after it was issued; each connection renews it (at least 1h).',
    example: '30d',
    schema: duration(60 * MINUTE, 5 * 365 * UNIT_MS.d, 'between 1h and 1825d'),
  },
  WEBCHAT_UNSENT_UPLOADS_MAX: {
    default: '30MB',
    description: 'Bytes one web chat visitor may have uploaded but not yet sent in a message; at least UPLOAD_MAX_BYTES.',
    example: '50MB',
    schema: parsed('must be a size between 1KB and 1GB, in bytes or like 512KB, 30MB', (s) => inRange(1024, UNIT_BYTES.gb)(parseBytes(s))),
  },
  TELEGRAM_BOT_TOKEN: {
    default: null,
    description: 'The bot token from @BotFather. Set: the Telegram channel is on.',
    example: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
    schema: parsed('must look like 123456789:ABC… (the token @BotFather gives)', (s) => (/^\d{3,20}:[\w-]{20,80}$/.test(s) ? s : null)),
    secret: true,
  },
  TELEGRAM_WEBHOOK_URL: {
    default: null,
    description: 'Public HTTPS URL Telegram should post updates to, served by the gateway at its path. Unset: long polling.',
    example: 'https://desk.example.com/telegram/webhook',
    schema: url(['https:', 'http:']),
  },
  TELEGRAM_WEBHOOK_SECRET: {
    default: null,
    description: 'Secret Telegram sends with each webhook call (1-256 of A-Z a-z 0-9 _ -). Unset: derived from the bot token.',
    example: 'another-long-random-secret',
    schema: parsed('must be 1-256 characters of A-Z, a-z, 0-9, _ and -', (s) => (/^[\w-]{1,256}$/.test(s) ? s : null)),
    secret: true,
  },
  TELEGRAM_API_ROOT: {
    default: 'https://api.telegram.org',
    description: 'Bot API server: a self-hosted one (telegram-bot-api), or a test server.',
    example: 'http://telegram-bot-api:8081',
    schema: url(['https:', 'http:']),
  },
  WHATSAPP_ENABLED: {
    default: 'false',
    description: 'true runs the WhatsApp channel (whatsapp-web.js, an unofficial client: the number may be banned; see the README).',
    example: 'true',
    schema: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((s) => s === 'true'),
  },
  CHROMIUM_PATH: {
    default: '/usr/bin/chromium',
    description: 'The Chromium (or Chrome) executable whatsapp-web.js drives.',
    example: '/usr/bin/google-chrome',
    schema: z.string().min(1),
  },
  WHATSAPP_CHAT_GAP: {
    default: '3s',
    description: 'Shortest time between two messages to one WhatsApp chat (pacing against spam heuristics; whole seconds).',
    example: '5s',
    schema: duration(1000, 10 * MINUTE, 'between 1s and 10m'),
  },
  WHATSAPP_SEND_GAP: {
    default: '1s',
    description: 'Shortest time between any two WhatsApp messages sent (whole seconds).',
    example: '2s',
    schema: duration(1000, 10 * MINUTE, 'between 1s and 10m'),
  },
  ADMIN_EMAIL: {
    default: null,
    description: 'Email of the first admin, created at start when there is no agent yet. Unset: admin@localhost.',
    example: 'support-lead@example.com',
    schema: z.email({ error: 'must be an email address' }).transform((s) => s.toLowerCase()),
  },
  ADMIN_PASSWORD: {
    default: null,
    description: 'Password of that first admin (at least 10 characters). Unset: one is generated and printed once in the log.',
    example: 'a-long-passphrase',
    schema: z.string().min(10, 'must be at least 10 characters'),
    secret: true,
  },
  AUTO_CLOSE_AFTER: {
    default: '7d',
    description: 'A request whose solution the customer neither accepts nor rejects is closed after this long.',
    example: '3d',
    schema: duration(MINUTE, 365 * UNIT_MS.d, 'between 1m and 365d'),
  },
  AGENT_SESSION_TTL: {
    default: '7d',
    description: 'How long an agent stays signed in (console session and API token).',
    example: '12h',
    schema: duration(5 * MINUTE, 365 * UNIT_MS.d, 'between 5m and 365d'),
  },
  LOGIN_RATE: {
    default: '10/15m',
    description: 'Sign-in attempts allowed per email and per client address in a period (a success gives its attempt back); more are refused with 429.',
    example: '5/15m',
    schema: parsed('must be a rate like 10/15m', parseRate),
  },
  SECURE_COOKIES: {
    default: 'false',
    description: 'Mark the console session cookie Secure: set true when the gateway is served over HTTPS.',
    example: 'true',
    schema: z.enum(['true', 'false'], { error: 'must be true or false' }).transform((s) => s === 'true'),
  },
} satisfies Record<string, Variable>;

type Variables = typeof variables;
type VariableName = keyof Variables;

/** One entry of the configuration reference. */
export interface ConfigVariable {
  name: VariableName;
  /** Used when the variable is unset or empty; null: stays unset. */
  default: string | null;
  description: string;
  example: string;
}

/** Every variable {@link loadConfig} reads, documented, in README order. */
export const CONFIG_VARIABLES: readonly ConfigVariable[] = Object.entries(variables).map(([name, v]) => ({
  name: name as VariableName,
  default: v.default,
  description: v.description,
  example: v.example,
}));

// Unset optional variables reach their schema as null and stay null.
const envSchema = z.object(
  Object.fromEntries(Object.entries(variables).map(([name, v]) => [name, v.default === null ? v.schema.nullable() : v.schema])) as {
    [K in VariableName]: Variables[K]['default'] extends null ? z.ZodNullable<Variables[K]['schema']> : Variables[K]['schema'];
  },
);

/** Shows a rejected value, with any password in a URL masked. */
function show(name: VariableName, raw: unknown): string {
  const variable: Variable = variables[name];
  if (!variable.secret || typeof raw !== 'string') return JSON.stringify(raw);
  if (!URL.canParse(raw)) return '"***"';
  const u = new URL(raw);
  if (!u.password) return JSON.stringify(raw);
  u.password = '***';
  return JSON.stringify(u.toString());
}

/**
 * Reads and validates the configuration from `env`. Empty or blank variables
 * count as unset. Throws {@link ConfigError} naming every wrong variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const input: Record<string, string | null> = {};
  for (const v of CONFIG_VARIABLES) input[v.name] = env[v.name]?.trim() || v.default;
  const result = envSchema.safeParse(input);
  if (!result.success) {
    const issues = new Map<VariableName, string>();
    for (const issue of result.error.issues) {
      const name = issue.path[0] as VariableName;
      if (!issues.has(name)) issues.set(name, `${name} ${issue.message}, got ${show(name, input[name])}`);
    }
    throw new ConfigError([...issues].map(([variable, message]) => ({ variable, message })));
  }
  const e = result.data;
  if (e.WEBCHAT_UNSENT_UPLOADS_MAX < e.UPLOAD_MAX_BYTES) {
    throw new ConfigError([
      {
        variable: 'WEBCHAT_UNSENT_UPLOADS_MAX',
        message: `WEBCHAT_UNSENT_UPLOADS_MAX must be at least UPLOAD_MAX_BYTES (${e.UPLOAD_MAX_BYTES} bytes), or no upload could ever pass, got ${e.WEBCHAT_UNSENT_UPLOADS_MAX}`,
      },
    ]);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    defaultLocale: e.DEFAULT_LOCALE,
    intakeTtlMs: e.INTAKE_TTL,
    closedFollowUpMs: e.CLOSED_FOLLOWUP_WINDOW,
    requestPrefix: e.REQUEST_PREFIX,
    outboxMaxAttempts: e.OUTBOX_MAX_ATTEMPTS,
    outboxPollIntervalMs: e.OUTBOX_POLL_INTERVAL,
    outboxLeaseMs: e.OUTBOX_LEASE,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT,
    uploadMaxBytes: e.UPLOAD_MAX_BYTES,
    uploadMaxPixels: e.UPLOAD_MAX_MEGAPIXELS * 1_000_000,
    trustProxy: e.TRUST_PROXY,
    maxSocketsPerAddress: e.MAX_SOCKETS_PER_ADDRESS,
    uploadOrphanTtlMs: e.UPLOAD_ORPHAN_TTL,
    webchat: {
      secret: e.WEBCHAT_SECRET,
      allowedOrigins: e.WEBCHAT_ALLOWED_ORIGINS,
      identitySecret: e.WEBCHAT_IDENTITY_SECRET,
      messageRate: e.WEBCHAT_MESSAGE_RATE,
      uploadRate: e.WEBCHAT_UPLOAD_RATE,
      addressMessageRate: e.WEBCHAT_ADDRESS_MESSAGE_RATE,
      addressUploadRate: e.WEBCHAT_ADDRESS_UPLOAD_RATE,
      connectionRate: e.WEBCHAT_CONNECTION_RATE,
      reconnectRate: e.WEBCHAT_RECONNECT_RATE,
      tokenTtlMs: e.WEBCHAT_TOKEN_TTL,
      unsentUploadsMaxBytes: e.WEBCHAT_UNSENT_UPLOADS_MAX,
    },
    telegram: e.TELEGRAM_BOT_TOKEN
      ? {
          token: e.TELEGRAM_BOT_TOKEN,
          webhookUrl: e.TELEGRAM_WEBHOOK_URL,
          webhookSecret: e.TELEGRAM_WEBHOOK_SECRET ?? createHash('sha256').update(`relaydesk-webhook:${e.TELEGRAM_BOT_TOKEN}`).digest('base64url'),
          apiRoot: e.TELEGRAM_API_ROOT.replace(/\/+$/, ''),
        }
      : null,
    whatsapp: e.WHATSAPP_ENABLED
      ? { chromiumPath: e.CHROMIUM_PATH, chatGapMs: e.WHATSAPP_CHAT_GAP, sendGapMs: e.WHATSAPP_SEND_GAP }
      : null,
    console: {
      adminEmail: e.ADMIN_EMAIL,
      adminPassword: e.ADMIN_PASSWORD,
      autoCloseAfterMs: e.AUTO_CLOSE_AFTER,
      sessionTtlMs: e.AGENT_SESSION_TTL,
      loginRate: e.LOGIN_RATE,
      secureCookies: e.SECURE_COOKIES,
    },
  };
}

import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CONFIG_VARIABLES, ConfigError, loadConfig, parseBytes, parseDuration } from '../src/config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(env)}`);
}

describe('loadConfig', () => {
  it('uses the defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 3000,
      host: '0.0.0.0',
      dataDir: path.resolve('data'),
      databaseUrl: null,
      redisUrl: null,
      redisPrefix: '',
      logLevel: 'info',
      logFormat: 'auto',
      defaultLocale: 'ru',
      intakeTtlMs: 24 * 3_600_000,
      closedFollowUpMs: 24 * 3_600_000,
      requestPrefix: 'SR',
      outboxMaxAttempts: 8,
      outboxPollIntervalMs: 1000,
      outboxLeaseMs: 60_000,
      shutdownTimeoutMs: 10_000,
      uploadMaxBytes: 10_485_760,
      uploadMaxPixels: 50_000_000,
      trustProxy: false,
      maxSocketsPerAddress: 500,
      uploadOrphanTtlMs: 24 * 3_600_000,
      webchat: {
        secret: null,
        allowedOrigins: '*',
        identitySecret: null,
        messageRate: { points: 20, durationMs: 10_000 },
        uploadRate: { points: 10, durationMs: 60_000 },
        addressMessageRate: { points: 600, durationMs: 60_000 },
        addressUploadRate: { points: 60, durationMs: 60_000 },
        connectionRate: { points: 300, durationMs: 60_000 },
        reconnectRate: { points: 30, durationMs: 60_000 },
        tokenTtlMs: 90 * 24 * 3_600_000,
        unsentUploadsMaxBytes: 30 * 1024 * 1024,
      },
      telegram: null,
      whatsapp: null,
      console: {
        adminEmail: null,
        adminPassword: null,
        autoCloseAfterMs: 7 * 24 * 3_600_000,
        sessionTtlMs: 7 * 24 * 3_600_000,
        loginRate: { points: 10, durationMs: 15 * 60_000 },
        secureCookies: false,
      },
    });
  });

  it('treats empty and blank variables as unset', () => {
    const blank = Object.fromEntries(CONFIG_VARIABLES.map((v, i) => [v.name, i % 2 ? '' : '  ']));
    expect(loadConfig(blank)).toEqual(loadConfig({}));
  });

  it('reads every variable', () => {
    expect(
      loadConfig({
        PORT: '8080',
        HOST: '127.0.0.1',
        DATA_DIR: '/var/lib/relaydesk',
        DATABASE_URL: 'postgresql://u:p@db:5432/relaydesk',
        REDIS_URL: 'rediss://redis:6380/1',
        REDIS_PREFIX: 'desk-eu:',
        LOG_LEVEL: 'debug',
        LOG_FORMAT: 'json',
        DEFAULT_LOCALE: 'en',
        INTAKE_TTL: '90m',
        CLOSED_FOLLOWUP_WINDOW: '3d',
        REQUEST_PREFIX: 'HELP2',
        OUTBOX_MAX_ATTEMPTS: '12',
        OUTBOX_POLL_INTERVAL: '250ms',
        OUTBOX_LEASE: '30s',
        SHUTDOWN_TIMEOUT: '30s',
        UPLOAD_MAX_BYTES: '20MB',
        UPLOAD_MAX_MEGAPIXELS: '100',
        TRUST_PROXY: '10.0.0.0/8, 192.168.1.1',
        WEBCHAT_SECRET: 'a-secret-of-sixteen+',
        WEBCHAT_ALLOWED_ORIGINS: 'https://www.example.com, https://shop.example.com/',
        WEBCHAT_IDENTITY_SECRET: 'identity-secret-16+',
        WEBCHAT_MESSAGE_RATE: '30/15s',
        WEBCHAT_UPLOAD_RATE: '5/1h',
        WEBCHAT_ADDRESS_MESSAGE_RATE: '100/1m',
        WEBCHAT_ADDRESS_UPLOAD_RATE: '30/1m',
        WEBCHAT_CONNECTION_RATE: '1000/1m',
        WEBCHAT_RECONNECT_RATE: '60/1m',
        WEBCHAT_TOKEN_TTL: '30d',
        WEBCHAT_UNSENT_UPLOADS_MAX: '64MB',
        MAX_SOCKETS_PER_ADDRESS: '2000',
        UPLOAD_ORPHAN_TTL: '2h',
        TELEGRAM_BOT_TOKEN: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
        TELEGRAM_WEBHOOK_URL: 'https://desk.example.com/telegram/webhook',
        TELEGRAM_WEBHOOK_SECRET: 'webhook_secret-1',
        TELEGRAM_API_ROOT: 'http://telegram-bot-api:8081/',
        WHATSAPP_ENABLED: 'true',
        CHROMIUM_PATH: '/opt/chrome/chrome',
        WHATSAPP_CHAT_GAP: '5s',
        WHATSAPP_SEND_GAP: '2s',
        ADMIN_EMAIL: 'Lead@Example.com',
        ADMIN_PASSWORD: 'a-long-passphrase',
        AUTO_CLOSE_AFTER: '3d',
        AGENT_SESSION_TTL: '12h',
        LOGIN_RATE: '5/15m',
        SECURE_COOKIES: 'true',
      }),
    ).toEqual({
      port: 8080,
      host: '127.0.0.1',
      dataDir: '/var/lib/relaydesk',
      databaseUrl: 'postgresql://u:p@db:5432/relaydesk',
      redisUrl: 'rediss://redis:6380/1',
      redisPrefix: 'desk-eu:',
      logLevel: 'debug',
      logFormat: 'json',
      defaultLocale: 'en',
      intakeTtlMs: 90 * 60_000,
      closedFollowUpMs: 3 * 24 * 3_600_000,
      requestPrefix: 'HELP2',
      outboxMaxAttempts: 12,
      outboxPollIntervalMs: 250,
      outboxLeaseMs: 30_000,
      shutdownTimeoutMs: 30_000,
      uploadMaxBytes: 20 * 1024 * 1024,
      uploadMaxPixels: 100_000_000,
      trustProxy: ['10.0.0.0/8', '192.168.1.1'],
      maxSocketsPerAddress: 2000,
      uploadOrphanTtlMs: 2 * 3_600_000,
      webchat: {
        secret: 'a-secret-of-sixteen+',
        allowedOrigins: ['https://www.example.com', 'https://shop.example.com'],
        identitySecret: 'identity-secret-16+',
        messageRate: { points: 30, durationMs: 15_000 },
        uploadRate: { points: 5, durationMs: 3_600_000 },
        addressMessageRate: { points: 100, durationMs: 60_000 },
        addressUploadRate: { points: 30, durationMs: 60_000 },
        connectionRate: { points: 1000, durationMs: 60_000 },
        reconnectRate: { points: 60, durationMs: 60_000 },
        tokenTtlMs: 30 * 24 * 3_600_000,
        unsentUploadsMaxBytes: 64 * 1024 * 1024,
      },
      telegram: {
        token: '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
        webhookUrl: 'https://desk.example.com/telegram/webhook',
        webhookSecret: 'webhook_secret-1',
        apiRoot: 'http://telegram-bot-api:8081',
      },
      whatsapp: { chromiumPath: '/opt/chrome/chrome', chatGapMs: 5000, sendGapMs: 2000 },
      console: {
        adminEmail: 'lead@example.com',
        adminPassword: 'a-long-passphrase',
        autoCloseAfterMs: 3 * 24 * 3_600_000,
        sessionTtlMs: 12 * 3_600_000,
        loginRate: { points: 5, durationMs: 15 * 60_000 },
        secureCookies: true,
      },
    });
  });

  it('starts with REDIS_URL and no WEBCHAT_SECRET: the secret is then kept in the shared database', () => {
    expect(loadConfig({ REDIS_URL: 'redis://r:6379' }).webchat.secret).toBeNull();
  });

  it('refuses a cap on unsent uploads below the size of one upload', () => {
    expect(() => loadConfig({ UPLOAD_MAX_BYTES: '20MB', WEBCHAT_UNSENT_UPLOADS_MAX: '10MB' })).toThrow(
      'WEBCHAT_UNSENT_UPLOADS_MAX must be at least UPLOAD_MAX_BYTES',
    );
  });

  it.each([
    ['WEBCHAT_SECRET', 'short'],
    ['WEBCHAT_ALLOWED_ORIGINS', 'www.example.com'],
    ['WEBCHAT_ALLOWED_ORIGINS', 'https://example.com/path'],
    ['WEBCHAT_MESSAGE_RATE', '20 per second'],
    ['WEBCHAT_UPLOAD_RATE', '0/1m'],
  ])('rejects %s=%j naming it', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^${name} must`));
  });

  it('never prints a rejected secret', () => {
    expect(() => loadConfig({ WEBCHAT_SECRET: 'hunter2' })).toThrow('WEBCHAT_SECRET must be at least 16 characters, got "***"');
  });

  it('accepts postgres:// as well as postgresql://', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://db/x' }).databaseUrl).toBe('postgres://db/x');
  });

  it('resolves a relative DATA_DIR to an absolute path', () => {
    expect(loadConfig({ DATA_DIR: 'var/rd' }).dataDir).toBe(path.resolve('var/rd'));
  });

  it('names the variable, the rule and the value', () => {
    expect(() => loadConfig({ PORT: 'abc' })).toThrow('PORT must be an integer between 0 and 65535, got "abc"');
  });

  it.each([
    ['PORT', '-1'],
    ['PORT', '65536'],
    ['PORT', '80.5'],
    ['DATABASE_URL', 'mysql://db/x'],
    ['DATABASE_URL', 'not a url'],
    ['REDIS_URL', 'http://redis:6379'],
    ['LOG_LEVEL', 'verbose'],
    ['DEFAULT_LOCALE', 'de'],
    ['INTAKE_TTL', '30s'],
    ['INTAKE_TTL', '2 weeks'],
    ['REQUEST_PREFIX', 'sr'],
    ['REQUEST_PREFIX', '1SR'],
    ['REQUEST_PREFIX', 'ABCDEFGHIJK'],
    ['OUTBOX_MAX_ATTEMPTS', '0'],
    ['OUTBOX_MAX_ATTEMPTS', 'many'],
    ['OUTBOX_POLL_INTERVAL', '1y'],
    ['SHUTDOWN_TIMEOUT', '-5s'],
    ['UPLOAD_MAX_BYTES', '10 TB'],
    ['UPLOAD_MAX_BYTES', '0'],
  ])('rejects %s=%j naming it', (name, value) => {
    const err = configError({ [name]: value });
    expect(err.issues).toEqual([{ variable: name, message: err.message }]);
    expect(err.message).toMatch(new RegExp(`^${name} must `));
    // Values of secret variables (URLs may carry passwords) are never printed when malformed.
    const parsable = URL.canParse(value);
    expect(err.message).toContain(name.endsWith('_URL') && !parsable ? '"***"' : JSON.stringify(value));
    expect(err.code).toBe('invalid_config');
  });

  it('lists every wrong variable at once', () => {
    const err = configError({ PORT: 'x', LOG_LEVEL: 'y', REQUEST_PREFIX: 'z' });
    expect(err.issues.map((i) => i.variable)).toEqual(['PORT', 'LOG_LEVEL', 'REQUEST_PREFIX']);
    expect(err.message.split('\n')).toHaveLength(3);
  });

  it('does not show passwords of rejected URLs', () => {
    const err = configError({ DATABASE_URL: 'mysql://admin:hunter2@db/x', REDIS_URL: 'http://:hunter2@redis' });
    expect(err.message).not.toContain('hunter2');
    expect(err.message).toContain('mysql://admin:***@db/x');
  });

  it('reads only the variables it documents', () => {
    const read = new Set<string>();
    const env = new Proxy({} as NodeJS.ProcessEnv, {
      get: (_target, prop) => {
        if (typeof prop === 'string') read.add(prop);
        return undefined;
      },
    });
    loadConfig(env);
    expect([...read].sort()).toEqual(CONFIG_VARIABLES.map((v) => v.name).sort());
  });

  it('documents every variable with a description and an example that is valid', () => {
    for (const v of CONFIG_VARIABLES) {
      expect(v.description, v.name).not.toBe('');
      expect(() => loadConfig({ [v.name]: v.example }), v.name).not.toThrow();
    }
  });
});

describe('parseDuration', () => {
  it.each([
    ['250', 250],
    ['250ms', 250],
    ['90s', 90_000],
    ['15m', 900_000],
    ['24h', 86_400_000],
    ['7d', 604_800_000],
    ['2H', 7_200_000],
    ['0', 0],
  ])('%s is %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', 'm', '1.5h', '-1s', '10 minutes', '1w', '1e3'])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeNull();
  });
});

describe('parseBytes', () => {
  it.each([
    ['1048576', 1_048_576],
    ['512KB', 524_288],
    ['10MB', 10_485_760],
    ['1gb', 1_073_741_824],
  ])('%s is %d bytes', (text, bytes) => {
    expect(parseBytes(text)).toBe(bytes);
  });

  it.each(['', '1.5MB', '10 TB', 'MB'])('rejects %j', (text) => {
    expect(parseBytes(text)).toBeNull();
  });
});
